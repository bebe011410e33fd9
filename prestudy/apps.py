from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrestudyConfig(AppConfig):
    name = "prestudy"
    verbose_name = _("Pre-study registers")
