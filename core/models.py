"""Organisations, places, projects (the tenant), memberships and the audit log."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from . import clock
from .fields import ClockDateTimeField
from .validators import normalise_organisation_number


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        EMPLOYMENT_SERVICE = "employment_service", _("Public Employment Service")
        SOCIAL_INSURANCE = "social_insurance", _("Social Insurance Agency")
        REGION = "region", _("Region / health care")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        EMPLOYER = "employer", _("Employer")
        EDUCATION_PROVIDER = "education_provider", _("Education provider")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        help_text=_("Ten digits, NNNNNN-NNNN, as registered with Bolagsverket or Skatteverket."),
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_number"],
                condition=~Q(organisation_number=""),
                name="organisation_number_unique",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.organisation_number:
            try:
                self.organisation_number = normalise_organisation_number(self.organisation_number)
            except ValidationError as error:
                raise ValidationError({"organisation_number": error.messages}) from error


class Municipality(models.Model):
    """One of Sweden's 290 municipalities, loaded from SCB's code list."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county_code = models.CharField(_("county code"), max_length=2)
    county_name = models.CharField(_("county"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class Area(models.Model):
    """A neighbourhood or city district, e.g. Herrgården in Rosengård."""

    name = models.CharField(_("name"), max_length=120)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    district = models.CharField(_("city district"), max_length=120, blank=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_name")
        ]

    def __str__(self):
        return self.name


class AreaStatistic(models.Model):
    """Context statistics for an area in one year."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="statistics"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population_20_64 = models.PositiveIntegerField(
        _("population aged 20–64"), null=True, blank=True
    )
    employment_rate = models.DecimalField(
        _("employment rate (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    social_assistance_share = models.DecimalField(
        _("share on social assistance (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["area", "year"]
        verbose_name = _("area statistic")
        verbose_name_plural = _("area statistics")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="area_statistic_one_per_year"),
            models.CheckConstraint(
                condition=Q(employment_rate__gte=0, employment_rate__lte=100)
                | Q(employment_rate__isnull=True),
                name="area_statistic_employment_rate_percent",
            ),
            models.CheckConstraint(
                condition=Q(social_assistance_share__gte=0, social_assistance_share__lte=100)
                | Q(social_assistance_share__isnull=True),
                name="area_statistic_social_assistance_percent",
            ),
        ]

    def __str__(self):
        return f"{self.area} {self.year}"


class LocalInitiative(models.Model):
    """A local initiative of an area programme (seed 002) in one of its areas, with a budget."""

    project = models.ForeignKey(
        "Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="local_initiatives",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="initiatives"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "Organisation",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    budget = models.DecimalField(
        _("budget (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["area__name", "starts_on", "title"]
        verbose_name = _("local initiative")
        verbose_name_plural = _("local initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0) | Q(budget__isnull=True),
                name="local_initiative_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="local_initiative_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The period cannot end before it starts.")})


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects the user holds a membership in. The one rule for project lists and pages."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Project(models.Model):
    """A project, programme or sub-project: the tenant that every participant record belongs to."""

    class Phase(models.TextChoices):
        PRE_STUDY = "pre_study", _("Pre-study")
        IMPLEMENTATION = "implementation", _("Implementation")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        PROGRAMME = "programme", _("Programme")
        SUB_PROJECT = "sub_project", _("Sub-project")
        AREA_PART = "area_part", _("Area part of a programme")

    title = models.CharField(_("title"), max_length=250)
    title_en = models.CharField(_("title in English"), max_length=250, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    twins = models.ManyToManyField("self", verbose_name=_("twin projects"), blank=True)
    # The pre-study this project implements (reports/implementation.py start_implementation); the
    # pre-study lists its implementations through the reverse relation.
    prestudy = models.ForeignKey(
        "self",
        verbose_name=_("pre-study"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="implementations",
        limit_choices_to={"phase": "pre_study"},
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("project owner"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    funding_programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    programme_area = models.CharField(_("programme area"), max_length=200, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    starts_on = models.DateField(_("start of period"))
    ends_on = models.DateField(_("end of period"))
    region = models.CharField(_("region"), max_length=100, blank=True)
    esf_grant = models.DecimalField(
        _("ESF grant (SEK)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    total_budget = models.DecimalField(
        _("total budget (SEK)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), blank=True, related_name="projects"
    )
    areas = models.ManyToManyField(
        Area, verbose_name=_("areas"), blank=True, related_name="projects"
    )
    follow_up_days = models.JSONField(
        _("follow-up days after exit"),
        default=list,
        blank=True,
        help_text=_("Days after exit when follow-ups fall due, e.g. [90, 180]."),
    )
    source_url = models.URLField(_("project-bank page"), blank=True)
    disclosure_threshold = models.PositiveSmallIntegerField(
        _("disclosure threshold"),
        null=True,
        blank=True,
        help_text=_(
            "Figures about fewer people than this are hidden from evaluators and the steering "
            "group. Empty: the installation's threshold. A project can raise it, not lower it."
        ),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("retention after the project ends (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Personal data is anonymised this many months after the end of the project's "
            "period. Empty: the installation's retention period."
        ),
    )
    anonymised_at = ClockDateTimeField(_("personal data anonymised"), null=True, blank=True)
    # The public project page (reports/publishing.py, docs/public-page.md): published since when
    # and by whom; None is not published (the public URLs answer 404).
    public_since = ClockDateTimeField(_("public page published"), null=True, blank=True)
    public_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("public page published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = ClockDateTimeField(_("last changed"), auto_now=True, db_index=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="project_period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(esf_grant__gte=0) | Q(esf_grant__isnull=True),
                name="project_esf_grant_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(total_budget__gte=0) | Q(total_budget__isnull=True),
                name="project_total_budget_not_negative",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="project_not_its_own_parent"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The period cannot end before it starts.")
        if (
            self.esf_grant is not None
            and self.total_budget is not None
            and self.esf_grant > self.total_budget
        ):
            errors["esf_grant"] = _("The ESF grant cannot exceed the total budget.")
        if self.follow_up_days and not all(
            isinstance(d, int) and 0 < d <= 3650 for d in self.follow_up_days
        ):
            errors["follow_up_days"] = _("Follow-up days are whole days between 1 and 3650.")
        from .policy import validate_project_threshold

        try:
            validate_project_threshold(self.disclosure_threshold)
        except ValidationError as error:
            errors["disclosure_threshold"] = error.messages
        if errors:
            raise ValidationError(errors)

    @property
    def follow_up_days_or_default(self):
        return self.follow_up_days or [90, 180]

    def counted_project_ids(self) -> list[int]:
        """The projects whose records count in this project's figures: the project itself and
        every project below it (a programme's area parts, a main project's sub-projects, and
        theirs). One query per level of the tree. The one rule for roll-ups (docs/rollups.md):
        the goals engine, the dashboard's figures and the project page all filter with
        `project_id__in=project.counted_project_ids()`. A project without parts is [its id]."""
        found = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = [
                pk
                for pk in Project.objects.filter(parent_id__in=frontier).values_list(
                    "pk", flat=True
                )
                if pk not in found
            ]
            found.extend(frontier)
        return sorted(found)

    def counting_ids(self) -> list[int]:
        """counting_project_ids() of this project: [its id] without a query when it has no
        parent. The parent as this instance has it: one read long ago (a task's) may not know
        of a parent given since."""
        if self.parent_id is None:
            return [self.pk]
        return Project.counting_project_ids([self.pk])

    @staticmethod
    def counting_project_ids(project_ids) -> list[int]:
        """The other way round: the projects whose figures count the records of these — the
        projects themselves and every project above them (their parents, grand-parents...).
        One query per level."""
        found = {int(pk) for pk in project_ids if pk is not None}
        frontier = set(found)
        while frontier:
            parents = set(
                Project.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                    "parent_id", flat=True
                )
            )
            frontier = parents - found
            found |= frontier
        return sorted(found)


class ProjectPeriodChange(models.Model):
    """A change of a project's period by its manager (core.periods.change_period): the old and
    the new dates, who, when and why. Shown on the project page; never edited."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="period_changes",
    )
    old_starts_on = models.DateField(_("start before"))
    old_ends_on = models.DateField(_("end before"))
    new_starts_on = models.DateField(_("new start"))
    new_ends_on = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"))  # core.clock.now(), set by the service

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("change of the project period")
        verbose_name_plural = _("changes of the project period")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_ends_on__gte=F("new_starts_on")),
                name="project_period_change_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.project}: {self.new_starts_on}–{self.new_ends_on}"


class ProjectSection(models.Model):
    """A narrative section of the project-bank page, in one language."""

    class Key(models.TextChoices):
        SUMMARY = "summary", _("Summary")
        BACKGROUND = "background", _("Background")
        PURPOSE = "purpose", _("Purpose")
        GOALS = "goals", _("Goals")
        ACCESSIBILITY = "accessibility", _("Accessibility for persons with disabilities")
        GENDER = "gender_mainstreaming", _("Gender mainstreaming")
        TRANSNATIONAL = "transnational", _("Transnational cooperation")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(_("section"), max_length=32, choices=Key.choices)
    heading = models.CharField(
        _("heading"), max_length=200, blank=True, help_text=_("Only for sections of kind Other.")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("sv", _("Swedish")), ("en", _("English"))]
    )
    body = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["project", "language", "order"]
        verbose_name = _("narrative section")
        verbose_name_plural = _("narrative sections")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "key", "language", "heading"], name="project_section_unique"
            )
        ]

    def __str__(self):
        return self.heading or self.get_key_display()

    @property
    def title(self):
        return self.heading or self.get_key_display()


class ProjectPartner(models.Model):
    """An organisation taking part in a project: co-financier, partner, or both."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    is_co_financier = models.BooleanField(_("co-financier"), default=False)
    is_partner = models.BooleanField(_("partner"), default=False)
    amount = models.DecimalField(
        _("co-financing (SEK)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confirmed_on = models.DateField(
        _("confirmed on"),
        null=True,
        blank=True,
        help_text=_("When the partner confirmed taking part."),
    )

    class Meta:
        ordering = ["project", "organisation__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners and co-financiers")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="project_partner_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) | Q(amount__isnull=True),
                name="project_partner_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(is_co_financier=True) | Q(is_partner=True),
                name="project_partner_has_a_role",
            ),
        ]

    def __str__(self):
        return str(self.organisation)


class TargetGroup(models.Model):
    """A target group a project serves, e.g. long-term unemployed young people."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="target_groups"
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="target_group_unique_code")
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    PROVIDER = "provider", _("Intervention provider")
    MANAGER = "manager", _("Project manager")
    EVALUATOR = "evaluator", _("Evaluator")
    STEERING = "steering", _("Steering group")
    # Searches the audit log of the project (core/views_audit.py); sees no person's record.
    DATA_PROTECTION = "data_protection", _("Data protection officer")


class Membership(models.Model):
    """A user working in a project on behalf of an organisation, in one role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["project", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="membership_one_per_project")
        ]

    def __str__(self):
        return f"{self.user} · {self.project} · {self.get_role_display()}"

    def has_capability(self, capability: str) -> bool:
        from .policy import can

        return can(self, capability)


class LogEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def about_person(self, participant):
        """Every entry about one person (a participants.Participant or its id): reads of their
        page, the list pages that showed them, changes of their records. The question "who has
        read my data?" is this queryset (docs/audit.md)."""
        person_id = getattr(participant, "pk", participant)
        return self.filter(person_id=person_id)

    def in_chain_order(self):
        return self.order_by("seq")


class Purpose(models.TextChoices):
    """Why a user opened a person's record (asked outside one's own caseload, core/purpose.py)."""

    OWN_CASELOAD = "own_caseload", _("own caseload")
    FOLLOW_UP = "follow_up", _("follow-up of the case")
    PARTNER_PLANNING = "partner_planning", _("planning together with a partner")
    REVIEW = "review", _("quality control or review")
    REQUESTED = "requested", _("requested by the person")
    OTHER = "other", _("other")


class LogEntry(models.Model):
    """An append-only record of who read or changed what. Holds no personal data in clear:
    the object is named by type and id, changed fields by name only, the person concerned by
    id (`person_id`).

    Append-only in the database (triggers refuse UPDATE, DELETE and TRUNCATE, migration 0009)
    and hash-chained: `seq` orders the chain, `chain_hash` is the SHA-256 of the previous
    entry's hash and this entry's canonical content (core/audit.py, `manage.py verify_audit`).
    The user and the project are kept as plain ids (no database constraint, nothing cascades):
    deleting a project or a user never changes an entry."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("logged in")

    at = ClockDateTimeField(_("when"), default=clock.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    user_label = models.CharField(_("user name"), max_length=150, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    person_id = models.BigIntegerField(
        _("participant id"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The person the entry is about, by id."),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    # What the system knows of the occasion ("case list", "enrolment 19"); the user's own
    # purpose is `purpose`.
    reason = models.CharField(_("context"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    purpose_text = models.CharField(_("purpose, in the user's words"), max_length=200, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True)
    seq = models.BigIntegerField(_("sequence number"), unique=True, null=True, editable=False)
    chain_hash = models.CharField(_("chain hash"), max_length=64, blank=True, editable=False)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        from .audit import append

        append([self])  # sealed into the hash chain, inserted under its lock

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    @property
    def object_name(self) -> str:
        """What kind of record the entry is about, as its users call it ("participant"), or
        the stored type when it names no model (a login failure, a search)."""
        from django.apps import apps
        from django.utils.text import capfirst

        try:
            return capfirst(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


def new_request_id():
    return uuid.uuid4()
