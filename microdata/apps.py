from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MicrodataConfig(AppConfig):
    name = "microdata"
    verbose_name = _("Microdata for evaluation")

    def ready(self):
        from . import checks  # noqa: F401 (registers the key check)
