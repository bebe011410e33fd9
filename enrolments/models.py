"""A participant's enrolment in a project: referral, baseline, status, exit and follow-ups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField, EncryptedTextField


class Status(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    EXITED = "exited", _("Exited")
    FOLLOWED_UP = "followed_up", _("Followed up")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The lifecycle, in one place: the statuses each status may change to.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REFERRED: frozenset({Status.ACTIVE, Status.DECLINED, Status.WITHDRAWN}),
    Status.ACTIVE: frozenset({Status.PAUSED, Status.EXITED, Status.WITHDRAWN}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.EXITED, Status.WITHDRAWN}),
    Status.EXITED: frozenset({Status.FOLLOWED_UP}),
    Status.FOLLOWED_UP: frozenset(),
    Status.DECLINED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = (Status.REFERRED, Status.ACTIVE, Status.PAUSED)


def can_transition(current: str, new: str) -> bool:
    return new in ALLOWED_TRANSITIONS.get(current, frozenset())


class IncomeSource(models.TextChoices):
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
    ACTIVITY_SUPPORT = "activity_support", _("Activity support")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sickness benefit or compensation")
    ESTABLISHMENT_ALLOWANCE = "establishment_allowance", _("Establishment allowance")
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance", _("Unemployment insurance")
    SALARY = "salary", _("Salary")
    STUDY_ALLOWANCE = "study_allowance", _("Study allowance")
    NONE = "none", _("No income")
    OTHER = "other", _("Other")


class LabourMarketStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    INACTIVE = "inactive", _("Outside the labour force")
    SICK_LEAVE = "sick_leave", _("On sick leave")
    IN_PROGRAMME = "in_programme", _("In a labour-market programme")
    STUDYING = "studying", _("Studying")
    EMPLOYED_PART_TIME = "employed_part_time", _("Employed part-time")
    NEWLY_ARRIVED = "newly_arrived", _("Newly arrived, in the establishment programme")


class SwedishLevel(models.TextChoices):
    NONE = "none", _("No Swedish")
    SFI_A = "sfi_a", _("SFI course A")
    SFI_B = "sfi_b", _("SFI course B")
    SFI_C = "sfi_c", _("SFI course C")
    SFI_D = "sfi_d", _("SFI course D")
    BASIC = "basic", _("Basic adult education Swedish")
    FLUENT = "fluent", _("Fluent or mother tongue")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    MOVED = "moved", _("Moved")
    OTHER = "other", _("Other")


class OutcomeStatus(models.TextChoices):
    """A person's situation at exit or at a follow-up."""

    EMPLOYED_FULL_TIME = "employed_full_time", _("Employed full-time, unsubsidised")
    EMPLOYED_PART_TIME = "employed_part_time", _("Employed part-time, unsubsidised")
    SUBSIDISED_FULL_TIME = "subsidised_full_time", _("Subsidised employment, full-time")
    SUBSIDISED_PART_TIME = "subsidised_part_time", _("Subsidised employment, part-time")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    STUDIES = "studies", _("Studies")
    OTHER_PROGRAMME = "other_programme", _("Another programme or project")
    JOB_SEEKING = "job_seeking", _("Job seeking")
    SICK_LEAVE = "sick_leave", _("Sick leave")
    PARENTAL_LEAVE = "parental_leave", _("Parental leave")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


EMPLOYED_STATUSES = frozenset(
    {
        OutcomeStatus.EMPLOYED_FULL_TIME,
        OutcomeStatus.EMPLOYED_PART_TIME,
        OutcomeStatus.SUBSIDISED_FULL_TIME,
        OutcomeStatus.SUBSIDISED_PART_TIME,
    }
)
IN_WORK_STATUSES = EMPLOYED_STATUSES | {OutcomeStatus.SELF_EMPLOYED}


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The one rule for who sees which enrolments (and so which participants).

        Manager: every enrolment in the project. Case worker: anonymous participants (statistical
        records of the project team) and identified participants with an active consent in the
        project that covers the case worker's organisation. Provider: participants placed in an
        intervention the provider's organisation runs. Evaluator and steering group: none —
        they see aggregates only.
        """
        from core.policy import PersonScope, person_scope

        scope = person_scope(membership)
        if scope == PersonScope.NONE:
            return self.none()
        in_project = self.filter(project_id=membership.project_id)
        if scope == PersonScope.ALL:
            return in_project
        if scope == PersonScope.CONSENTED:
            from participants.models import Consent

            covering_consent = Consent.objects.current().filter(
                participant_id=OuterRef("participant_id"),
                project_id=membership.project_id,
                organisations=membership.organisation_id,
            )
            return in_project.filter(
                Q(participant__is_anonymous=True) | Q(Exists(covering_consent))
            )
        if scope == PersonScope.PLACED:
            # Placed in an intervention the member's organisation runs: the interventions app's
            # participations, through their relation to the enrolment (no import of that app).
            placed = self.model.objects.filter(
                pk=OuterRef("pk"),
                participations__intervention__provider_id=membership.organisation_id,
            )
            return in_project.filter(Exists(placed))
        return self.none()

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def counts(self) -> dict:
        """How many enrolments: in all, open and exited, in one query (the project page asks
        `project.enrolments.counts()`, so core need not know the statuses)."""
        return self.aggregate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            exited=Count("id", filter=Q(exited_on__isnull=False)),
        )


class Enrolment(models.Model):
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    # Referral
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Start and baseline
    started_on = models.DateField(_("started on"), null=True, blank=True)
    labour_market_status = models.CharField(
        _("labour-market status at start"),
        max_length=30,
        choices=LabourMarketStatus.choices,
        blank=True,
    )
    months_without_work = models.PositiveSmallIntegerField(
        _("months without work at start"), null=True, blank=True
    )
    income_source = models.CharField(
        _("income source at start"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    swedish_level = models.CharField(
        _("Swedish level at start"), max_length=10, choices=SwedishLevel.choices, blank=True
    )
    target_groups = models.ManyToManyField(
        "core.TargetGroup",
        verbose_name=_("target groups met"),
        blank=True,
        related_name="enrolments",
    )
    area = models.ForeignKey(
        "core.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible case worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REFERRED
    )
    # Exit
    exited_on = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=12, choices=ExitReason.choices, blank=True
    )
    exit_status = models.CharField(
        _("status at exit"), max_length=24, choices=OutcomeStatus.choices, blank=True
    )
    exit_income_source = models.CharField(
        _("income source at exit"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    updated_at = ClockDateTimeField(_("last changed"), auto_now=True, db_index=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "project"],
                condition=Q(status__in=OPEN_STATUSES),
                name="enrolment_one_open_per_participant_and_project",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("referred_on")),
                name="enrolment_start_on_or_after_referral",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True)
                | (Q(started_on__isnull=False) & Q(exited_on__gte=F("started_on"))),
                name="enrolment_exit_on_or_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[Status.ACTIVE, Status.PAUSED, Status.EXITED, Status.FOLLOWED_UP]
                )
                | Q(started_on__isnull=False),
                name="enrolment_started_statuses_have_start",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.EXITED, Status.FOLLOWED_UP])
                | (Q(exited_on__isnull=False) & ~Q(exit_status="")),
                name="enrolment_exited_statuses_have_exit",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self):
        return _("Enrolment %(id)s in %(project)s") % {"id": self.pk, "project": self.project}

    def clean(self):
        errors = {}
        if self.started_on and self.referred_on and self.started_on < self.referred_on:
            errors["started_on"] = _("The start cannot be before the referral.")
        if self.exited_on and not self.started_on:
            errors["exited_on"] = _("A participant who never started cannot exit.")
        elif self.exited_on and self.started_on and self.exited_on < self.started_on:
            errors["exited_on"] = _("The exit date cannot be before the start.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StatusChange(models.Model):
    """One step along the lifecycle, so flows can be dated and the timeline shows them."""

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    changed_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = ClockDateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["enrolment", "changed_on", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class VisibleThroughEnrolment(models.QuerySet):
    """For rows of one enrolment (follow-ups, survey answers…): visible when the enrolment is."""

    def visible_to(self, membership):
        return self.filter(enrolment__in=Enrolment.objects.visible_to(membership).values("pk"))


class FollowUp(models.Model):
    """The participant's situation N days after exit."""

    class Source(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        EMPLOYER = "employer", _("Employer")
        REGISTER = "register", _("Register")

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    day = models.PositiveSmallIntegerField(_("days after exit"))
    due_on = models.DateField(_("due on"))
    reached = models.BooleanField(
        _("reached"),
        null=True,
        blank=True,
        help_text=_("No means the participant could not be reached (non-response)."),
    )
    status = models.CharField(_("status"), max_length=24, choices=OutcomeStatus.choices, blank=True)
    income_source = models.CharField(
        _("income source"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, blank=True)
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = ClockDateTimeField(_("last changed"), auto_now=True, db_index=True)

    objects = VisibleThroughEnrolment.as_manager()

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="follow_up_one_per_day"),
            models.CheckConstraint(condition=Q(day__gte=1), name="follow_up_day_positive"),
            # Recorded means: reached with a status and source, or not reached (non-response).
            models.CheckConstraint(
                condition=Q(recorded_on__isnull=True, reached__isnull=True)
                | Q(recorded_on__isnull=False, reached=False, status="")
                | (Q(recorded_on__isnull=False, reached=True) & ~Q(status="") & ~Q(source="")),
                name="follow_up_recorded_consistently",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on", "recorded_on"]),
            # A project's follow-ups not yet recorded, found by enrolment (the dashboard's
            # overdue and due soon: goals.figures.follow_ups_open), without reading the open
            # follow-ups of every other project (PostgreSQL: with the due date, index only).
            models.Index(
                fields=["enrolment"],
                include=["due_on"],
                condition=Q(recorded_on__isnull=True),
                name="follow_up_open",
            ),
        ]

    def __str__(self):
        return _("Follow-up day %(day)s") % {"day": self.day}


class ContactNote(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        PHONE = "phone", _("Phone call")
        GROUP_SESSION = "group_session", _("Group session")
        EMPLOYER_CONTACT = "employer_contact", _("Employer contact")
        HOME_VISIT = "home_visit", _("Home visit")
        MESSAGE = "message", _("Letter or message")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        ORGANISATION = "organisation", _("My organisation")
        PROJECT = "project", _("The project team, within consent")

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="notes"
    )
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("author's organisation"), on_delete=models.PROTECT
    )
    # Health and social circumstances: encrypted at rest (core.fields.EncryptedTextField).
    text = EncryptedTextField(_("note"))
    visibility = models.CharField(
        _("visible to"), max_length=14, choices=Visibility.choices, default=Visibility.PROJECT
    )
    created_at = ClockDateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("contact note")
        verbose_name_plural = _("contact notes")

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on}"
