from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.signals import project_page_sections

        from .rollups import section

        project_page_sections.connect(section, dispatch_uid="reports-parts-section")
