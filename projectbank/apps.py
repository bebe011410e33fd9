from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectbankConfig(AppConfig):
    name = "projectbank"
    verbose_name = _("Project-bank import")
