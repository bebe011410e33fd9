from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from core.signals import person_by_identity_number

        from .lookup import answer_identity_lookup

        person_by_identity_number.connect(answer_identity_lookup, dispatch_uid="participants")
