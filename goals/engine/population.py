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

    @cached_property
    def target_group_codes(self) -> list[str]:
        return list(self.project.target_groups.order_by("code").values_list("code", flat=True))

    @cached_property
    def area_names(self) -> list[str]:
        return list(self.project.areas.order_by("name").values_list("name", flat=True))


def enrolments(ctx: Context, params: dict, *, follow_up_day: int | None = None):
    """The goal's population of enrolments, from its parameters.

    population: "all" — every enrolment that started; "exited" — exited (status exited or
    followed up); "completers" — exited with the reason completed. target_group, area and
    period_from/period_to (on the start date for "all", the exit date otherwise) narrow it.
    With follow_up_day, only those whose follow-up on that day is due (exit + day ≤ today).
    """
    qs = Enrolment.objects.filter(project=ctx.project, started_on__isnull=False)
    population = params.get("population", "completers")
    if population in ("exited", "completers"):
        qs = qs.filter(status__in=[Status.EXITED, Status.FOLLOWED_UP], exited_on__isnull=False)
    if population == "completers":
        qs = qs.filter(exit_reason=ExitReason.COMPLETED)
    date_field = "started_on" if population == "all" else "exited_on"
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
