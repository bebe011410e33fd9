"""The intervention catalogue and participation with hours."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField


class InterventionCategory(models.Model):
    """SPEC's categories (outreach, SFI, internship, ...), loaded by a data migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("intervention category")
        verbose_name_plural = _("intervention categories")

    def __str__(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "sv").startswith("en") else self.name


class InterventionQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The project's interventions the member works with: all of them, or for a role that
        sees only its own (a provider) those its organisation runs (core.policy)."""
        from core.policy import Capability, can

        if membership is None:
            return self.none()
        mine = self.filter(project_id=membership.project_id)
        if can(membership, Capability.INTERVENTIONS_VIEW_ALL):
            return mine
        return mine.filter(provider_id=membership.organisation_id)


class ParticipationQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """Participations in the interventions the member works with, of enrolments the one
        visibility rule (Enrolment.objects.visible_to) lets the member see."""
        from enrolments.models import Enrolment

        return self.filter(
            intervention__in=Intervention.objects.visible_to(membership),
            enrolment__in=Enrolment.objects.visible_to(membership),
        )


class Intervention(models.Model):
    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="interventions",
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        InterventionCategory, verbose_name=_("category"), on_delete=models.PROTECT
    )
    provider = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="intervention_unique_name"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="intervention_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class Participation(models.Model):
    class Completion(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        INTERRUPTED = "interrupted", _("Interrupted")
        # Still ongoing when the participant exited the project: ended at the exit date by
        # interventions.services.end_placements_at_exit (the hours attended are kept).
        ENDED = "ended", _("Ended at exit")

    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervention"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    enrolment = models.ForeignKey(
        "enrolments.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    planned_hours = models.DecimalField(
        _("planned hours"),
        max_digits=7,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    attended_hours = models.DecimalField(
        _("attended hours"),
        max_digits=7,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    completion = models.CharField(
        _("completion"), max_length=12, choices=Completion.choices, default=Completion.ONGOING
    )
    updated_at = ClockDateTimeField(_("last changed"), auto_now=True, db_index=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["enrolment", "started_on"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_hours__gte=0), name="participation_planned_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(attended_hours__gte=0), name="participation_attended_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="participation_ends_after_start",
            ),
        ]

    def __str__(self):
        return str(self.intervention)

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})


class AttendanceSession(models.Model):
    """One group session of an intervention, recorded in one form for everyone placed in it.

    One session per intervention and day (a double submission of the same form is refused);
    each participant's hours in it are an AttendanceRecord pointing here.
    """

    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervention"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    held_on = models.DateField(_("session date"))
    length_hours = models.DecimalField(_("session length (hours)"), max_digits=3, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = ClockDateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["intervention", "-held_on"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "held_on"], name="attendance_session_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(length_hours__gt=0) & Q(length_hours__lte=24),
                name="attendance_session_length_within_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.intervention} {self.held_on:%Y-%m-%d}"


class AttendanceRecord(models.Model):
    """Hours one participant attended on one day: a row of a group session, or a single
    recording on the attendance page (then `session` is empty; at most one a day).

    How Participation.attended_hours is kept: it is a running total. Every recording — group
    session or single — creates one AttendanceRecord and adds its hours to attended_hours in the
    same transaction (interventions/services.py is the only writer). So attended_hours equals the
    sum of the participation's records plus any opening balance that was carried over without
    records (the demo data set and imports set attended_hours directly). A "did not attend" row
    of a group session is kept as a record of 0 hours, so absence is traceable too.
    """

    participation = models.ForeignKey(
        Participation,
        verbose_name=_("participation"),
        on_delete=models.CASCADE,
        related_name="attendance_records",
    )
    session = models.ForeignKey(
        AttendanceSession,
        verbose_name=_("group session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="records",
    )
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = ClockDateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["participation", "held_on", "id"]
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0), name="attendance_record_hours_not_negative"
            ),
            models.UniqueConstraint(
                fields=["session", "participation"],
                condition=Q(session__isnull=False),
                name="attendance_record_one_per_session_and_participation",
            ),
            # A single recording is one per participant and day, so a form submitted twice
            # does not count the hours twice.
            models.UniqueConstraint(
                fields=["participation", "held_on"],
                condition=Q(session__isnull=True),
                name="attendance_record_one_single_recording_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.participation} {self.held_on:%Y-%m-%d} {self.hours}"
