"""Populations and grouped aggregates: the queries every enrolment-based goal is made of.

A goal's figures are counts with conditions (`Count("pk", filter=Q(...))`) over one queryset of
enrolments, once in total and once per breakdown dimension (grouped with `values()`), so a goal
costs the same handful of queries whether the project has five participants or fifty thousand.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear

from core import clock
from enrolments.models import Enrolment, ExitReason, Status
from participants.models import Gender, RegionOfBirth

AGE_BANDS = ["<25", "25-54", "55+"]
NO_TARGET_GROUP = "none"
NO_AREA = "unknown"
ENROLMENT_DIMENSIONS = ["gender", "age_band", "region_of_birth", "target_group", "area"]


@dataclass
class Context:
    """What all goals of one project evaluation share; read lazily, once."""

    project: object
    today: dt.date = field(default_factory=clock.today)
    # False skips the per-dimension breakdown queries (when only the totals are shown, e.g. one
    # evaluation per quarter).
    breakdowns: bool = True
    # True: every result also says *which* people each figure counts (GoalResult.members), for
    # the disclosure control of everything shown together (goals/publication.py).
    members: bool = False

    @cached_property
    def project_ids(self) -> list[int]:
        """The projects whose records count: the project and every project below it
        (core.models.Project.counted_project_ids; docs/rollups.md). Every query of the engine
        and of the dashboard's figures filters with `project_id__in=ctx.project_ids`."""
        return self.project.counted_project_ids()

    @cached_property
    def universe(self) -> "Universe":
        return enrolment_universe(self.project_ids)

    @cached_property
    def household_universe(self) -> "Universe":
        return household_universe(self.project_ids)

    @cached_property
    def target_group_codes(self) -> list[str]:
        """The target groups of the counted projects (a parent's and its parts'), by code."""
        from core.models import TargetGroup

        return list(
            TargetGroup.objects.filter(project_id__in=self.project_ids)
            .order_by("code")
            .values_list("code", flat=True)
            .distinct()
        )

    @cached_property
    def area_names(self) -> list[str]:
        """The areas of the counted projects (a programme's and its area parts'), by name."""
        from core.models import Area

        return list(
            Area.objects.filter(projects__in=self.project_ids)
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )


def enrolments(ctx: Context, params: dict, *, follow_up_day: int | None = None):
    """The goal's population of enrolments, from its parameters.

    population: "all" — every enrolment that started; "exited" — exited (status exited or
    followed up); "completers" — exited with the reason completed. target_group, area and
    period_from/period_to (on the start date for "all", the exit date otherwise) narrow it.
    With follow_up_day, only those whose follow-up on that day is due (exit + day ≤ today).
    """
    qs = Enrolment.objects.filter(project_id__in=ctx.project_ids, started_on__isnull=False)
    population = params.get("population", "completers")
    if population in ("exited", "completers"):
        qs = qs.filter(status__in=[Status.EXITED, Status.FOLLOWED_UP], exited_on__isnull=False)
    if population == "completers":
        qs = qs.filter(exit_reason=ExitReason.COMPLETED)
    date_field = defining_date(params)
    if params.get("period_from"):
        qs = qs.filter(**{f"{date_field}__gte": params["period_from"]})
    if params.get("period_to"):
        qs = qs.filter(**{f"{date_field}__lte": params["period_to"]})
    if params.get("target_group"):
        through = Enrolment.target_groups.through
        qs = qs.filter(
            Exists(
                through.objects.filter(
                    enrolment_id=OuterRef("pk"), targetgroup__code=params["target_group"]
                )
            )
        )
    if params.get("area"):
        qs = qs.filter(area__name=params["area"])
    if follow_up_day is not None:
        qs = qs.filter(exited_on__lte=ctx.today - dt.timedelta(days=follow_up_day))
    return qs


def defining_date(params: dict) -> str:
    """Which date a period narrows: the start for the population "all", else the exit."""
    return "started_on" if params.get("population", "completers") == "all" else "exited_on"


def age_at_start():
    return ExpressionWrapper(
        ExtractYear(Coalesce("started_on", "referred_on")) - F("participant__birth_year"),
        output_field=IntegerField(),
    )


def age_band_expression():
    return Case(
        When(_age__lt=25, then=Value("<25")),
        When(_age__lt=55, then=Value("25-54")),
        default=Value("55+"),
        output_field=CharField(),
    )


def dimension_expression(dimension: str):
    return {
        "gender": F("participant__gender"),
        "age_band": age_band_expression(),
        "region_of_birth": F("participant__region_of_birth"),
        "target_group": F("target_groups__code"),
        "area": F("area__name"),
    }[dimension]


def dimension_groups(ctx: Context, dimension: str) -> list[str]:
    """Every group a dimension always shows, empty or not, in a stable order."""
    if dimension == "gender":
        return list(Gender.values)
    if dimension == "age_band":
        return list(AGE_BANDS)
    if dimension == "region_of_birth":
        return list(RegionOfBirth.values)
    if dimension == "target_group":
        return [*ctx.target_group_codes, NO_TARGET_GROUP]
    if dimension == "area":
        return list(ctx.area_names)
    return []


def _none_label(dimension: str) -> str:
    return NO_TARGET_GROUP if dimension == "target_group" else NO_AREA


def counts(qs, measures: dict[str, Q | None]) -> dict[str, int]:
    """One query: each measure a count of enrolments matching its condition (None = all)."""
    aggregates = {
        name: Count("pk", filter=condition, distinct=True)
        if condition is not None
        else Count("pk", distinct=True)
        for name, condition in measures.items()
    }
    return qs.order_by().aggregate(**aggregates)


def grouped_counts(qs, measures: dict[str, Q | None], expression, *, none_label: str):
    """One query: the measures per group of `expression`; returns {group: {measure: n}}."""
    aggregates = {
        name: Count("pk", filter=condition, distinct=True)
        if condition is not None
        else Count("pk", distinct=True)
        for name, condition in measures.items()
    }
    rows = qs.order_by().annotate(_group=expression).values("_group").annotate(**aggregates)
    result = {}
    for row in rows:
        group = row.pop("_group")
        result[none_label if group is None else str(group)] = row
    return result


def enrolment_breakdown(ctx: Context, qs, measures: dict[str, Q | None], dimensions=None):
    """{dimension: {group: {measure: n}}} for every enrolment dimension, one query each; groups
    without anyone get zeros."""
    if not ctx.breakdowns:
        return {}
    dimensions = dimensions or ENROLMENT_DIMENSIONS
    qs = qs.annotate(_age=age_at_start())
    zero = dict.fromkeys(measures, 0)
    result = {}
    for dimension in dimensions:
        found = grouped_counts(
            qs, measures, dimension_expression(dimension), none_label=_none_label(dimension)
        )
        groups = {group: dict(zero) for group in dimension_groups(ctx, dimension)}
        for group, row in found.items():
            groups[group] = row
        result[dimension] = groups
    return result


# --- which people: bit sets for the disclosure control ----------------------------------------


@dataclass
class Universe:
    """The people a project's figures count (enrolments or households), each a bit position,
    and each breakdown group as a bit set, grouped exactly as the engine's queries group."""

    index: dict[int, int]
    groups: dict[str, dict[str, int]]

    def bits(self, queryset) -> int:
        """The bit set of the rows of `queryset` (one query, primary keys only). A row written
        after the universe was read is left out: the summary being computed is stale already
        (its data version was read first) and is computed again."""
        buffer = bytearray((len(self.index) + 7) // 8)
        for pk in queryset.order_by().values_list("pk", flat=True).distinct():
            position = self.index.get(pk)
            if position is not None:
                buffer[position >> 3] |= 1 << (position & 7)
        return int.from_bytes(buffer, "little")

    def group(self, dimension: str, group: str) -> int:
        return self.groups.get(dimension, {}).get(group, 0)


def quarter_of(day: dt.date | None) -> str | None:
    """The calendar quarter of a day, "YYYY Qn" (the comparison pages' quarters)."""
    return None if day is None else f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _add(groups: dict, dimension: str, group, position: int, none_label: str) -> None:
    name = none_label if group is None else str(group)
    by_group = groups.setdefault(dimension, {})
    by_group[name] = by_group.get(name, 0) | (1 << position)


def enrolment_universe(project_ids: list[int]) -> Universe:
    """Every enrolment of the counted projects (Context.project_ids) with its breakdown groups,
    year of exit and project: two queries."""
    rows = (
        Enrolment.objects.filter(project_id__in=project_ids)
        .annotate(_age=age_at_start())
        .annotate(
            _gender=dimension_expression("gender"),
            _age_band=dimension_expression("age_band"),
            _region=dimension_expression("region_of_birth"),
            _area=dimension_expression("area"),
            _exit_year=ExtractYear("exited_on"),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "_gender",
            "_age_band",
            "_region",
            "_area",
            "_exit_year",
            "started_on",
            "exited_on",
            "project_id",
        )
    )
    index: dict[int, int] = {}
    groups: dict[str, dict[str, int]] = {}
    for position, row in enumerate(rows):
        pk, gender, age_band, region, area, exit_year, started_on, exited_on, project_id = row
        index[pk] = position
        _add(groups, "gender", gender, position, NO_AREA)
        _add(groups, "age_band", age_band, position, NO_AREA)
        _add(groups, "region_of_birth", region, position, NO_AREA)
        _add(groups, "area", area, position, NO_AREA)
        _add(groups, "exit_year", exit_year, position, NO_AREA)
        _add(groups, "start_quarter", quarter_of(started_on), position, NO_AREA)
        _add(groups, "exit_quarter", quarter_of(exited_on), position, NO_AREA)
        _add(groups, "project", project_id, position, NO_AREA)
    with_group = 0
    through = Enrolment.target_groups.through
    for enrolment_id, code in through.objects.filter(
        enrolment__project_id__in=project_ids
    ).values_list("enrolment_id", "targetgroup__code"):
        _add(groups, "target_group", code, index[enrolment_id], NO_TARGET_GROUP)
        with_group |= 1 << index[enrolment_id]
    everyone = (1 << len(index)) - 1
    groups.setdefault("target_group", {})[NO_TARGET_GROUP] = everyone & ~with_group
    return Universe(index, groups)


def household_universe(project_ids: list[int]) -> Universe:
    """Every household of the counted projects with its area (and project): one query."""
    from participants.models import Household

    index: dict[int, int] = {}
    groups: dict[str, dict[str, int]] = {}
    rows = (
        Household.objects.filter(project_id__in=project_ids)
        .order_by("pk")
        .values_list("pk", "area__name", "project_id")
    )
    for position, (pk, area, project_id) in enumerate(rows):
        index[pk] = position
        _add(groups, "area", area, position, NO_AREA)
        _add(groups, "project", project_id, position, NO_AREA)
    return Universe(index, groups)
