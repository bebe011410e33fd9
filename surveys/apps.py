from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from django.db.models.signals import post_save

        from core.signals import counted_data_changed
        from enrolments.models import Enrolment

        from . import signals

        post_save.connect(signals.enrolment_saved, sender=Enrolment, dispatch_uid="surveys-due")
        counted_data_changed.connect(signals.counted_data_changed, dispatch_uid="surveys-bulk")
