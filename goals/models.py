"""Goal definitions (versioned, computed by goals.engine) and the reference values of regular
programmes for relative goals."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField
from core.periods import period_error


class ReferenceProgramme(models.Model):
    """A regular programme whose results a project compares itself with, e.g. Särskilt
    anställningsstöd."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    projects = models.ManyToManyField(
        "core.Project",
        verbose_name=_("projects comparing with it"),
        blank=True,
        related_name="reference_programmes",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("reference programme")
        verbose_name_plural = _("reference programmes")

    def __str__(self):
        return self.name


class ReferenceValue(models.Model):
    """A programme's result in one year and how many took part, for participant weighting."""

    programme = models.ForeignKey(
        ReferenceProgramme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    participants = models.PositiveIntegerField(_("participants"))
    share_in_work_90_days = models.DecimalField(
        _("share in work 90 days after exit (%)"), max_digits=5, decimal_places=1
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="reference_value_per_year"),
            models.CheckConstraint(
                condition=Q(share_in_work_90_days__gte=0, share_in_work_90_days__lte=100),
                name="reference_value_share_is_percent",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"


def template_choices():
    """The goal templates (goals/definitions.py), read when choices are needed so adding a
    template needs no migration."""
    from .definitions import template_choices as choices

    return choices()


class Goal(models.Model):
    """A measurable promise of a project. What it measures lives in its versions: every change
    is a new GoalVersion, and the highest version is the current definition."""

    project = models.ForeignKey(
        "core.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="goals"
    )
    key = models.SlugField(_("key"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="goal_key_unique_in_project")
        ]

    def __str__(self):
        current = self.current_version
        return current.display_title if current else self.key

    @property
    def current_version(self):
        return self.versions.order_by("-version").first()


class GoalVersion(models.Model):
    """One definition of a goal: a template and its parameters. Never changed once saved."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=250)
    title_en = models.CharField(_("title in English"), max_length=250, blank=True)
    template = models.CharField(_("template"), max_length=60, choices=template_choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["goal", "-version"]
        verbose_name = _("goal version")
        verbose_name_plural = _("goal versions")
        constraints = [
            models.UniqueConstraint(fields=["goal", "version"], name="goal_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="goal_version_positive"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def display_title(self) -> str:
        """The title in the active language."""
        language = get_language() or "sv"
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def clean(self):
        from .definitions import validate_parameters

        project = self.goal.project if self.goal_id else None
        try:
            self.parameters = validate_parameters(self.template, self.parameters, project)
        except ValidationError as error:
            raise ValidationError(
                {
                    "parameters": [
                        f"{name}: {message}"
                        for name, messages in error.message_dict.items()
                        for message in messages
                    ]
                }
            ) from error


class GoalSnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("A locked goal snapshot is never changed.")

    def delete(self):
        raise PermissionError("A locked goal snapshot is never deleted.")


class GoalSnapshot(models.Model):
    """A period's goal results as reported to the funder, locked: the figures computed as of
    the end of the period (goals/snapshots.py) and the goal definitions they were computed
    with, so they stay reproducible after later corrections of the data or the definitions.
    Never changed or deleted once saved."""

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="goal_snapshots",
    )
    label = models.CharField(_("label"), max_length=120)
    period_start = models.DateField(_("start of period"))
    period_end = models.DateField(_("end of period"))
    locked_at = ClockDateTimeField(_("locked"), auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # [GoalResult.to_dict() of every goal], computed as of period_end.
    results = models.JSONField(_("results"), default=list, blank=True)
    # [{key, version, title, title_en, template, parameters, applied_parameters, scope}]
    definitions = models.JSONField(_("definitions"), default=list, blank=True)
    # The disclosure plan of these results (goals.publication), made when locked with the
    # people behind each figure known; empty for snapshots locked before plans existed.
    disclosure = models.JSONField(_("disclosure plan"), default=dict, blank=True)

    objects = GoalSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-period_end", "-id"]
        verbose_name = _("goal snapshot")
        verbose_name_plural = _("goal snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "label"], name="goal_snapshot_label_unique_in_project"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="goal_snapshot_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("A locked goal snapshot is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A locked goal snapshot is never deleted.")

    def clean(self):
        errors = {}
        if not (self.label or "").strip():
            errors["label"] = _("Give the snapshot a label.")
        start, end = self.period_start, self.period_end
        if start and end and end < start:
            errors["period_end"] = _("The period cannot end before it starts.")
        project = self.project if self.project_id else None
        if project is not None:
            for name in ("period_start", "period_end"):
                label = capfirst(self._meta.get_field(name).verbose_name)
                if outside := period_error(project, getattr(self, name), label):
                    errors.setdefault(name, outside)
            label = (self.label or "").strip()
            if (
                label
                and GoalSnapshot.objects.filter(project=project, label=label)
                .exclude(pk=self.pk)
                .exists()
            ):
                errors["label"] = _("The project already has a snapshot with this label.")
        if errors:
            raise ValidationError(errors)


class ProjectSummary(models.Model):
    """The project's dashboard computed from the raw rows and kept, so that a dashboard of
    100,000 enrolments reads a few hundred stored figures instead of counting every row again.

    Every write that changes data a goal counts raises `data_version` in its own transaction
    (goals.summaries.mark_stale); the figures are in step with the data when `computed_version`
    equals it, they were computed by the current engine, and today lies before `valid_until`
    (the first date on which they change without a write). When they were computed
    (`computed_at`) is shown on the dashboard."""

    project = models.OneToOneField(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="goal_summary",
    )
    data_version = models.PositiveBigIntegerField(_("data version"), default=0)
    computed_version = models.PositiveBigIntegerField(_("computed at data version"), null=True)
    computed_at = models.DateTimeField(_("computed"), null=True)
    computed_for = models.DateField(_("computed for the date"), null=True)
    # The first date on which the figures can change without a write (a follow-up falls due,
    # a quarter begins: goals.summaries.compute), at most HEAL_DAYS ahead; until then they
    # stay in step. None: not computed since the field came (a new engine version recomputes).
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    engine = models.PositiveSmallIntegerField(_("engine version"), default=0)
    goal_versions = models.JSONField(_("goal versions"), default=list)
    refresh_queued = models.BooleanField(_("refresh queued"), default=False)
    # When it was queued: a refresh queued long ago whose worker died is queued again.
    refresh_queued_at = models.DateTimeField(_("refresh queued at"), null=True, blank=True)
    enrolments = models.PositiveIntegerField(_("enrolments"), default=0)
    seconds = models.FloatField(_("seconds to compute"), default=0)
    dashboard = models.JSONField(_("dashboard figures"), default=dict)
    # What readers who may not see people are shown (goals.publication), for the project's
    # threshold at the time of computing.
    disclosure = models.JSONField(_("disclosure plan"), default=dict)

    class Meta:
        verbose_name = _("project summary")
        verbose_name_plural = _("project summaries")

    def __str__(self):
        return f"{self.project_id} @ {self.computed_at}"


class GoalSummary(models.Model):
    """One goal's stored result (unsuppressed; suppression is applied when it is shown). The
    top-level figures are columns, so a portfolio of thousands of goals reads no JSON."""

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="goal_summaries",
    )
    order = models.PositiveIntegerField(_("order"))
    goal_version = models.PositiveBigIntegerField(_("goal version"), null=True)
    key = models.CharField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=250)
    title_en = models.CharField(_("title in English"), max_length=250, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    status = models.CharField(_("status"), max_length=20)
    numerator = models.IntegerField(_("numerator"), null=True)
    denominator = models.IntegerField(_("denominator"), null=True)
    value = models.FloatField(_("value"), null=True)
    ci_low = models.FloatField(_("lower limit"), null=True)
    ci_high = models.FloatField(_("upper limit"), null=True)
    missing = models.IntegerField(_("missing"), null=True)
    target = models.FloatField(_("target"), null=True)
    has_error = models.BooleanField(_("not computable"), default=False)
    result = models.JSONField(_("result"), default=dict)

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("goal summary")
        verbose_name_plural = _("goal summaries")
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="goal_summary_unique"),
        ]

    def __str__(self):
        return f"{self.project_id}: {self.key}"


class ByEnrolment(models.ForeignObject):
    """A join from a fact row to rows about the same enrolment (its follow-ups, its survey
    answers), of which several share the enrolment: only ever used through a FilteredRelation
    whose condition leaves one (a unique constraint of the target: follow_up_one_per_day,
    survey_answer_unique). Hence no check that the target's enrolment is unique by itself."""

    def _check_unique_target(self):
        return []


class EnrolmentFact(models.Model):
    """What the goals read of one enrolment, in one narrow row per enrolment and target group
    (one row with no target group when it has none), kept in step on write (goals/facts.py).

    The breakdown keys (gender, age band, region of birth, area, target group), the dates and
    statuses that define populations, whether a follow-up was recorded (the flow), and the
    intervention categories taken part in (a bit set of category ids) are copied here, so a
    project's goals are counted from this table alone with one grouped statement per goal: no
    join with the participants, no count of distinct enrolments (`is_first` marks the one row
    that counts the enrolment itself), no correlated subquery per enrolment. Follow-ups and
    survey answers are joined by enrolment at query time: they are narrow already, and a goal
    names its day, occasion and question.

    Nothing here is personal beyond what the goals count, and nothing is shown from it: it is
    a derived index of the raw rows, rebuilt from them by `manage.py rebuild_goal_facts`."""

    # No database constraint: goals/facts.py removes an enrolment's rows when it is deleted,
    # and a rebuild writes rows only for enrolments that exist.
    enrolment = models.ForeignKey(
        "enrolments.Enrolment",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Indexed with is_first (Meta.indexes); the two keys below are looked up by id only.
    project = models.ForeignKey(
        "core.Project",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # The row that counts the enrolment in totals and in every dimension but the target group.
    is_first = models.BooleanField(default=True)
    target_group = models.ForeignKey(
        "core.TargetGroup",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    area = models.ForeignKey(
        "core.Area",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    gender = models.CharField(max_length=10)
    region_of_birth = models.CharField(max_length=20, blank=True, null=True)
    age = models.SmallIntegerField(null=True)
    age_band = models.CharField(max_length=8)
    started_on = models.DateField(null=True)
    exited_on = models.DateField(null=True)
    status = models.CharField(max_length=12)
    exit_reason = models.CharField(max_length=20, blank=True)
    exit_status = models.CharField(max_length=24, blank=True)
    labour_market_status = models.CharField(max_length=30, blank=True)
    income_source = models.CharField(max_length=30, blank=True)
    # Bit i set: took part in an intervention of the category with id i (ids below 63).
    categories = models.BigIntegerField(default=0)
    # The flow's last stage: status followed up, or at least one follow-up recorded.
    followed_up = models.BooleanField(default=False)
    # The enrolment's follow-ups and survey answers, joined on enrolment_id directly (no column:
    # a goal's FilteredRelation names the day, or the occasion and question, so the join finds
    # one row at most) rather than through the enrolments table, which cost a lookup per row.
    follow_up = ByEnrolment(
        "enrolments.FollowUp",
        on_delete=models.DO_NOTHING,
        from_fields=["enrolment"],
        to_fields=["enrolment"],
        null=True,
        related_name="+",
    )
    survey_answer = ByEnrolment(
        "surveys.SurveyAnswer",
        on_delete=models.DO_NOTHING,
        from_fields=["enrolment"],
        to_fields=["enrolment"],
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("goal fact")
        verbose_name_plural = _("goal facts")
        indexes = [
            models.Index(fields=["project", "is_first"], name="goal_fact_project"),
            # The universe numbered in id order (population.words_of): read in that order from
            # the index alone, without a sort (for one project; a parent's several are merged).
            models.Index(
                fields=["project", "enrolment"], condition=Q(is_first=True), name="goal_fact_order"
            ),
        ]
        # A rebuild racing another can never leave an enrolment counted twice: it fails instead.
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(is_first=True), name="goal_fact_one_first"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "target_group"], name="goal_fact_one_per_group"
            ),
        ]

    def __str__(self):
        return f"{self.enrolment_id}/{self.target_group_id}"


class InterventionHours(models.Model):
    """The attended hours of one intervention's participations, and how many there are, kept
    by the database itself: triggers on the participations add every write to it
    (goals/hours.py). The refresh adds these few rows up per category, instead of every
    participation. Rebuilt from the participations by `manage.py rebuild_goal_facts`."""

    # No database constraint: a row of a deleted intervention is at zero (an intervention
    # with participations cannot be deleted), and is the same as no row.
    intervention = models.OneToOneField(
        "interventions.Intervention",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    hours = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    participations = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("intervention hours")
        verbose_name_plural = _("intervention hours")

    def __str__(self):
        return f"{self.intervention_id}: {self.hours}"
