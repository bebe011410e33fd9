from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions")

    def ready(self):
        from enrolments.signals import timeline_events

        from .timeline import timeline_events as interventions_events

        timeline_events.connect(interventions_events, dispatch_uid="interventions-timeline")
