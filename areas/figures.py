"""The area programme's figures (seed 002): households that became self-sufficient — overall, by
area and over time — each area's context statistics as a trend, and the local initiatives with
their budgets. One module, asked by the pages (areas/views.py) and the tests alike.

A programme's figures are its own records and its parts' (`Project.counted_project_ids()`,
docs/rollups.md). Whether a household is self-sufficient, and since when, is the one rule of
enrolments/households.py; every count here is a grouped query in the database.

For a reader of aggregates only (`core.policy.disclosure_for(membership)` is a threshold) the
household figures are one publication passed through `core.disclosure.suppress`: a table of all
households split by area (self-sufficient · not · no registered member, or self-sufficient · the
rest), and per group of households a table of those who became self-sufficient split by the
quarter they did. Each figure carries the households it counts (bit sets, one more query), so a
figure hidden on one table cannot be worked out from another. A cumulative figure is shown only
when it adds no hidden quarter or every hidden one (then it is the total minus shown quarters).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncQuarter
from django.utils.translation import gettext as _

from core.disclosure import Part, Row, Table, suppress
from core.models import Area, AreaStatistic, LocalInitiative, Project
from enrolments import households
from goals.publication import quarters
from participants.models import Household

NO_AREA = None  # the group of households without an area
UNKNOWN_DATE = None  # self-sufficient households whose last exit has no date


def area_choices(project):
    """The areas a project's pages cover and its manager may choose: its own and, for a
    programme, those of its parts (every counted project's)."""
    return (
        Area.objects.filter(projects__in=project.counted_project_ids())
        .distinct()
        .order_by("name", "pk")
    )


def areas_kept_by(project):
    """The areas whose context statistics this project's manager keeps. A statistic belongs to
    its area, and an area can be shared (project settings attach an existing area by name): so
    only an area no project outside this one, its parts and the programmes above it holds — the
    rule core.services_settings.change_area follows for the area itself. Another project that
    takes up the area cannot change the programme's statistics."""
    allowed = set(project.counted_project_ids())
    above = project.parent
    while above is not None:
        allowed.add(above.pk)
        above = above.parent
    others = Project.areas.through.objects.filter(area_id=OuterRef("pk")).exclude(
        project_id__in=allowed
    )
    return area_choices(project).exclude(Exists(others))


def parts_by_area(project) -> dict[int, list[Project]]:
    """area id -> the counted projects below `project` that hold the area (a programme's parts)."""
    ids = [pk for pk in project.counted_project_ids() if pk != project.pk]
    through = Project.areas.through
    found: dict[int, list[Project]] = {}
    rows = through.objects.filter(project_id__in=ids).select_related("project")
    for row in rows.order_by("project__title"):
        found.setdefault(row.area_id, []).append(row.project)
    return found


# --- households: the figures ------------------------------------------------------------------


def _aggregates(project_ids) -> dict:
    rule = households.conditions(project_ids)
    return {
        "n": Count("pk"),
        "num": Count("pk", filter=rule["num"]),
        "missing": Count("pk", filter=rule["missing"]),
    }


def household_counts(project_ids) -> tuple[dict, dict]:
    """(all households, {area id or None: the same}) as {"n", "num", "missing"}: households,
    self-sufficient ones, and those without a registered member. Two queries."""
    qs = Household.objects.filter(project_id__in=project_ids).order_by()
    aggregates = _aggregates(project_ids)
    total = qs.aggregate(**aggregates)
    by_area = {row.pop("area_id"): row for row in qs.values("area_id").annotate(**aggregates)}
    return total, by_area


def became_self_sufficient(project_ids) -> dict:
    """{area id or None: {first day of the quarter (or None: no exit date): households}}: the
    self-sufficient households by the calendar quarter in which the last member exited. One
    grouped query (the rule's date annotated, truncated to its quarter, counted)."""
    rule = households.conditions(project_ids)
    rows = (
        Household.objects.filter(project_id__in=project_ids)
        .filter(rule["num"])
        .annotate(_on=households.self_sufficient_on(project_ids))
        .annotate(_quarter=TruncQuarter("_on"))
        .order_by()
        .values("area_id", "_quarter")
        .annotate(n=Count("pk"))
    )
    found: dict = {}
    for row in rows:
        found.setdefault(row["area_id"], {})[row["_quarter"]] = row["n"]
    return found


def _households_by_person(project_ids) -> list[tuple]:
    """(pk, area id, self-sufficient, missing, quarter) of every household, in one query: the
    bit sets of the disclosure control (which households each figure counts), nothing else."""
    rule = households.conditions(project_ids)
    return list(
        Household.objects.filter(project_id__in=project_ids)
        .annotate(
            _num=Case(When(rule["num"], then=Value(True)), default=Value(False)),
            _missing=Case(
                When(rule["missing"], then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            _quarter=TruncQuarter(households.self_sufficient_on(project_ids)),
        )
        .order_by("pk")
        .values_list("pk", "area_id", "_num", "_missing", "_quarter")
    )


# --- households: what the page shows ----------------------------------------------------------


@dataclass
class Share:
    """One group of households: how many there are, how many became self-sufficient and how
    many have no registered member (their outcome is unknown). `hidden`: the reader may not see
    the group's figures (`reason` says why); `detail` False: the number without a registered
    member is hidden, the rest shown."""

    key: object
    label: str
    total: int
    self_sufficient: int
    missing: int
    hidden: bool = False
    reason: str = ""
    detail: bool = True

    @property
    def not_self_sufficient(self) -> int:
        return self.total - self.self_sufficient - self.missing

    @property
    def percent(self) -> float | None:
        if self.hidden or not self.total:
            return None
        return 100 * self.self_sufficient / self.total


@dataclass
class Quarter:
    label: str
    starts_on: dt.date | None
    count: int
    cumulative: int
    hidden: bool = False
    reason: str = ""
    cumulative_hidden: bool = False


@dataclass
class Series:
    """A group's self-sufficient households by the quarter they became so, with the running
    total: the last cumulative figure is the group's number of self-sufficient households."""

    key: object
    label: str
    total: int
    quarters: list[Quarter] = field(default_factory=list)
    hidden: bool = False
    reason: str = ""

    @property
    def last_cumulative(self) -> int | None:
        shown = [q for q in self.quarters if q.starts_on is not None]
        return shown[-1].cumulative if shown and not shown[-1].cumulative_hidden else None


@dataclass
class HouseholdFigures:
    overall: Share
    by_area: dict  # area id or None -> Share
    series: dict  # "all", or an area id or None -> Series
    threshold: int | None = None

    @property
    def any(self) -> bool:
        return self.overall.total > 0


def _label(area_names: dict, key) -> str:
    return area_names.get(key) or _("No area given")


def quarter_label(starts_on: dt.date | None) -> str:
    if starts_on is None:
        return _("Date not known")
    return _("%(year)s Q%(quarter)s") % {
        "year": starts_on.year,
        "quarter": (starts_on.month - 1) // 3 + 1,
    }


def _quarter_starts(dates) -> list[dt.date]:
    """Every quarter from the first to the last of `dates` (gaps filled), by their first day."""
    known = sorted(d for d in dates if d is not None)
    if not known:
        return []
    return [first for _label_, first, _last in quarters(known[0], known[-1])]


def household_figures(project, threshold: int | None = None, *, areas=None) -> HouseholdFigures:
    """The households of the project's counted projects: self-sufficient of all, by area and
    over time, for a reader with `threshold` (None: a reader who sees people, exact figures).
    `areas`: the areas to list even when they have no household (the page's sections)."""
    project_ids = project.counted_project_ids()
    areas = list(area_choices(project) if areas is None else areas)
    area_names = {a.pk: a.name for a in areas}
    total, by_area_raw = household_counts(project_ids)
    area_names.update(
        dict(Area.objects.filter(pk__in=[k for k in by_area_raw if k]).values_list("pk", "name"))
    )
    keys = [a.pk for a in areas] + [k for k in by_area_raw if k not in {a.pk for a in areas}]
    zero = {"n": 0, "num": 0, "missing": 0}
    overall = Share("all", _("All areas"), total["n"], total["num"], total["missing"])
    by_area = {}
    for key in keys:
        raw = by_area_raw.get(key, zero)
        by_area[key] = Share(key, _label(area_names, key), raw["n"], raw["num"], raw["missing"])

    timeline = became_self_sufficient(project_ids)
    starts = _quarter_starts(d for by_quarter in timeline.values() for d in by_quarter)
    series = {}
    groups = [(key, by_area[key].label, timeline.get(key, {})) for key in keys]
    if len([key for key in keys if by_area[key].total]) > 1:
        everything: dict = {}
        for by_quarter in timeline.values():
            for start, n in by_quarter.items():
                everything[start] = everything.get(start, 0) + n
        groups.insert(0, ("all", _("All areas"), everything))
    for key, label, by_quarter in groups:
        running, rows = 0, []
        for start in starts:
            running += by_quarter.get(start, 0)
            rows.append(Quarter(quarter_label(start), start, by_quarter.get(start, 0), running))
        if by_quarter.get(UNKNOWN_DATE):
            count = by_quarter[UNKNOWN_DATE]
            rows.append(Quarter(quarter_label(None), None, count, running + count))
        series[key] = Series(key, label, sum(by_quarter.values()), rows)

    figures = HouseholdFigures(overall, by_area, series, threshold)
    if threshold and overall.total:
        _protect(figures, project_ids, threshold)
    return figures


# --- households: disclosure -------------------------------------------------------------------


def _bits(positions) -> int:
    members = 0
    for position in positions:
        members |= 1 << position
    return members


def _share_row(share: Share, people: list[tuple]) -> Row:
    """A group's row: finest with the number without a registered member, then without it."""
    num = _bits(i for i, _area, ss, _m, _q in people if ss)
    missing = _bits(i for i, _area, ss, m, _q in people if m and not ss)
    rest = _bits(i for i, _area, ss, m, _q in people if not ss and not m)
    return Row(
        levels=[
            {
                "num": Part(share.self_sufficient, num),
                "not": Part(share.not_self_sufficient, rest),
                "missing": Part(share.missing, missing),
            },
            {
                "num": Part(share.self_sufficient, num),
                "rest": Part(share.total - share.self_sufficient, rest | missing),
            },
        ]
    )


def _count_row(count: int, members: int) -> Row:
    return Row(levels=[{"num": Part(count, members)}])


def _protect(figures: HouseholdFigures, project_ids, threshold: int) -> None:
    """Decide what a reader of aggregates only sees (core.disclosure), in place."""
    # (position, area, self-sufficient, missing, quarter) of every household
    indexed = [(i, *row[1:]) for i, row in enumerate(_households_by_person(project_ids))]

    def of_area(key):
        return [p for p in indexed if key == "all" or p[1] == key]

    share_rows = {key: _share_row(share, of_area(key)) for key, share in figures.by_area.items()}
    top = _share_row(figures.overall, indexed)
    tables = [Table(key="households", top=top, dimensions={"area": share_rows}, universe="hh")]
    quarter_rows: dict = {}
    for key, serie in figures.series.items():
        members = of_area(key)
        rows = {}
        for q in serie.quarters:
            chosen = [p for p in members if p[2] and p[4] == q.starts_on]
            rows[q.starts_on] = _count_row(q.count, _bits(p[0] for p in chosen))
        quarter_rows[key] = rows
        tables.append(
            Table(
                key=("over-time", key),
                top=_count_row(serie.total, _bits(p[0] for p in members if p[2])),
                dimensions={"quarter": rows},
                universe="hh",
            )
        )
    suppress(tables, threshold)

    def apply(share: Share, row: Row) -> None:
        share.hidden = not row.shown
        share.reason = row.reason
        share.detail = row.shown and row.level == 0

    apply(figures.overall, top)
    for key, share in figures.by_area.items():
        apply(share, share_rows[key])
    for table in tables[1:]:
        serie = figures.series[table.key[1]]
        serie.hidden, serie.reason = not table.top.shown, table.top.reason
        rows = quarter_rows[serie.key]
        hidden = {q.starts_on for q in serie.quarters if not rows[q.starts_on].shown}
        seen: set = set()
        for q in serie.quarters:
            row = rows[q.starts_on]
            q.hidden, q.reason = serie.hidden or not row.shown, row.reason or serie.reason
            if not row.shown:
                seen.add(q.starts_on)
            # A running total adds up the quarters so far: shown when it holds none of the
            # hidden quarters or all of them (then it is the total minus the shown ones).
            q.cumulative_hidden = serie.hidden or (bool(seen) and seen != hidden)
            if q.starts_on is None:
                q.cumulative_hidden = True  # the undated ones have no place in the running total


# --- one household ----------------------------------------------------------------------------


def with_self_sufficiency(queryset, project_ids):
    """Households annotated with `is_self_sufficient`, `has_no_member` and
    `self_sufficient_on` (the date the last member exited, where self-sufficient)."""
    rule = households.conditions(project_ids)
    return queryset.annotate(
        is_self_sufficient=Case(
            When(rule["num"], then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        has_no_member=Case(
            When(rule["missing"], then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        self_sufficient_on=households.self_sufficient_on(project_ids),
    )


def self_sufficiency_filter(value: str, project_ids) -> Q:
    """A household list's filter: "yes", "no" or "unknown" (no registered member)."""
    rule = households.conditions(project_ids)
    return {
        "yes": rule["num"],
        "no": ~rule["num"] & ~rule["missing"],
        "unknown": rule["missing"],
    }[value]


# --- context statistics and initiatives -------------------------------------------------------


MEASURES = ("population_20_64", "employment_rate", "social_assistance_share")


def statistics_by_area(area_ids) -> dict[int, list[AreaStatistic]]:
    """area id -> its statistics by year (one query)."""
    found: dict[int, list[AreaStatistic]] = {}
    for statistic in AreaStatistic.objects.filter(area_id__in=list(area_ids)).order_by(
        "area_id", "year"
    ):
        found.setdefault(statistic.area_id, []).append(statistic)
    return found


def initiatives_by_area(project_ids) -> tuple[dict, dict]:
    """({area id: its local initiatives}, {area id: total budget}) of the counted projects: the
    totals summed in the database."""
    found: dict[int, list[LocalInitiative]] = {}
    rows = (
        LocalInitiative.objects.filter(project_id__in=project_ids)
        .select_related("organisation", "project", "area")
        .order_by("area__name", "starts_on", "title")
    )
    for initiative in rows:
        found.setdefault(initiative.area_id, []).append(initiative)
    totals = {
        row["area_id"]: row["budget"] or Decimal(0)
        for row in LocalInitiative.objects.filter(project_id__in=project_ids)
        .order_by()
        .values("area_id")
        .annotate(budget=Sum("budget"))
    }
    return found, totals
