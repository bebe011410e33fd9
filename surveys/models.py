"""A minimal survey answer so goals can be computed; the survey product comes later."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField
from enrolments.models import VisibleThroughEnrolment


class Occasion(models.TextChoices):
    ENTRY = "entry", _("At entry")
    EXIT = "exit", _("At exit")
    FOLLOW_UP = "follow_up", _("At follow-up")


class Question(models.TextChoices):
    JOB_CHANCES = "job_chances", _("My chances of getting a job have increased")
    NETWORK = "network", _("My network has grown")
    SELF_CONFIDENCE = "self_confidence", _("My self-confidence has grown")
    SATISFACTION = "satisfaction", _("I am satisfied with the support")


class SurveyAnswer(models.Model):
    """One answer on the 1–5 scale (1 = not at all, 5 = very much)."""

    enrolment = models.ForeignKey(
        "enrolments.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="survey_answers",
    )
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    question = models.CharField(_("question"), max_length=20, choices=Question.choices)
    value = models.PositiveSmallIntegerField(_("answer"))
    answered_on = models.DateField(_("answered on"))
    updated_at = ClockDateTimeField(_("last changed"), auto_now=True, db_index=True)

    objects = VisibleThroughEnrolment.as_manager()

    class Meta:
        ordering = ["enrolment", "occasion", "question"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "occasion", "question"], name="survey_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="survey_answer_value_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.get_question_display()}: {self.value}"
