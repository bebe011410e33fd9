from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InputsConfig(AppConfig):
    name = "inputs"
    verbose_name = _("Input checks")

    def ready(self):
        from . import text

        text.install()
