"""Needs assessments (kartläggning) and versioned individual action plans."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField, EncryptedTextField


class Domain(models.TextChoices):
    LANGUAGE = "language", _("Language")
    EDUCATION = "education", _("Education")
    WORK_EXPERIENCE = "work_experience", _("Work experience")
    HEALTH = "health", _("Health")
    CHILDCARE = "childcare", _("Childcare")
    HOUSING = "housing", _("Housing")
    FINANCES = "finances", _("Finances")
    NETWORK = "network", _("Social network")
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    MOTIVATION = "motivation", _("Motivation")


class Assessment(models.Model):
    enrolment = models.ForeignKey(
        "enrolments.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["enrolment", "assessed_on"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self):
        return _("Assessment of %(date)s") % {"date": self.assessed_on}


class AssessmentItem(models.Model):
    """One domain of an assessment: 1 = large need of support, 5 = no need."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="items"
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    rating = models.PositiveSmallIntegerField(_("rating"))
    note = EncryptedTextField(_("note"), blank=True)  # encrypted at rest

    class Meta:
        ordering = ["assessment", "domain"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="assessment_item_unique"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="assessment_item_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.rating}"


class ActionPlan(models.Model):
    """One saved version of a participant's plan; a new save is a new version."""

    class AgreementMethod(models.TextChoices):
        SIGNED = "signed", _("Signed on paper")
        VERBAL = "verbal", _("Agreed in a meeting")
        DIGITAL = "digital", _("Agreed digitally")

    enrolment = models.ForeignKey(
        "enrolments.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="action_plans",
    )
    version = models.PositiveSmallIntegerField(_("version"))
    goals = EncryptedTextField(_("goals"))  # encrypted at rest
    created_at = ClockDateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    agreed_on = models.DateField(_("agreed with the participant on"), null=True, blank=True)
    agreement_method = models.CharField(
        _("how it was agreed"), max_length=10, choices=AgreementMethod.choices, blank=True
    )

    class Meta:
        ordering = ["enrolment", "-version"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "version"], name="action_plan_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="action_plan_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True) | ~Q(agreement_method=""),
                name="action_plan_agreement_has_method",
            ),
        ]

    def __str__(self):
        return _("Action plan, version %(version)s") % {"version": self.version}


class ActionPlanStep(models.Model):
    class StepStatus(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    description = EncryptedTextField(_("step"))  # encrypted at rest
    responsible_organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("responsible organisation"), on_delete=models.PROTECT
    )
    responsible_person = models.CharField(_("responsible person"), max_length=150, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.PLANNED
    )
    intervention = models.ForeignKey(
        "interventions.Intervention",
        verbose_name=_("intervention"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("action plan step")
        verbose_name_plural = _("action plan steps")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="action_plan_step_order_unique")
        ]

    def __str__(self):
        return self.description[:60]
