from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background work")

    def ready(self):
        # Every app's jobs.py registers its handlers (like admin.py), in the web process and
        # in the worker alike.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
        from . import pruning  # noqa: F401  (registers the jobs' own pruners)
