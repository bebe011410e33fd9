from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Projects and organisations")

    def ready(self):
        from . import (
            audit_signals,
            checks,  # noqa: F401  (registers the start-up checks)
            replica,
        )

        replica.connect_signals()  # first: before any receiver that reads (docs/scaling.md)
        audit_signals.connect()  # memberships and rights are audited however they change
