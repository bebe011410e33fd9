from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals and reference values")

    def ready(self):
        from . import facts, signals
        from .summaries import connect_signals

        connect_signals()
        signals.connect()
        facts.connect()
