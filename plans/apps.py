from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Assessments and action plans")

    def ready(self):
        from enrolments.signals import timeline_events

        from .timeline import timeline_events as plans_events

        timeline_events.connect(plans_events, dispatch_uid="plans-timeline")
