from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions")

    def ready(self):
        from enrolments.signals import timeline_events

        from .timeline import timeline_events as interventions_events

        timeline_events.connect(interventions_events, dispatch_uid="interventions-timeline")

        # An exit ends the person's ongoing placements (in the exit's transaction), and a
        # shortened project period must not leave placements or sessions outside it.
        from core.signals import records_outside_period
        from enrolments.signals import enrolments_exited

        from . import periods, services

        enrolments_exited.connect(services._on_enrolments_exited, dispatch_uid="interventions-exit")
        records_outside_period.connect(periods.records_outside, dispatch_uid="interventions-period")

        # A corrected exit date moves the end of the placements that ended at the exit.
        from enrolments.signals import exit_corrected

        from .corrections import _on_exit_corrected

        exit_corrected.connect(_on_exit_corrected, dispatch_uid="interventions-exit-corrected")
