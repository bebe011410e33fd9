"""The project's figures beside the goals: the participant flow by gender, the hours by
intervention category and the follow-ups due.

Each is one aggregate query whatever the number of participants, unsuppressed and in no
language, over the records of the counted projects (the project and every project below it:
core.models.Project.counted_project_ids; pass `project_ids=` when already known, e.g.
goals.engine.population.Context.project_ids, else it is read with one query per tree level).
goals.summaries stores them in the project's summary, and the dashboard (reports/dashboard.py)
labels them and hides small cells for the reader.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Exists, Min, OuterRef, Q, Sum, Value, When

from core.clock import today
from enrolments.models import Enrolment, FollowUp, Status
from interventions.models import Participation
from participants.models import Gender

DUE_SOON_DAYS = 14
GENDERS = [Gender.WOMAN, Gender.MAN, Gender.OTHER]
FLOW_STAGES = ["referred", "started", "exited", "followed_up"]
TENTH = Decimal("0.1")


def flow_conditions() -> dict[str, Q | None]:
    """Which enrolments each stage of the flow counts (None: all)."""
    recorded = FollowUp.objects.filter(enrolment=OuterRef("pk"), recorded_on__isnull=False)
    return {
        "referred": None,
        "started": Q(started_on__isnull=False),
        "exited": Q(exited_on__isnull=False),
        "followed_up": Q(status=Status.FOLLOWED_UP) | Q(Exists(recorded)),
    }


def followed_up_flag() -> Case:
    """True for an enrolment at the flow's "followed up" stage (flow_conditions), as a column:
    the fact table's `followed_up` (goals/facts.py) and the raw rows' universe both select it."""
    return Case(
        When(flow_conditions()["followed_up"], then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def counted(project, project_ids=None) -> list[int]:
    """The ids of the projects whose records count in `project`'s figures."""
    return list(project_ids) if project_ids is not None else project.counted_project_ids()


def flow_members(project, universe, *, project_ids=None) -> dict[str, int]:
    """Which enrolments (bit sets of the engine's Universe) each stage counts: read with the
    universe (its "stage" groups), no query."""
    return {
        stage: universe.everyone if condition is None else universe.group("stage", stage)
        for stage, condition in flow_conditions().items()
    }


def flow_gender_members(universe) -> dict[str, int]:
    """The flow's three gender groups as bit sets: anything but woman or man counts as other."""
    woman = universe.group("gender", Gender.WOMAN.value)
    man = universe.group("gender", Gender.MAN.value)
    return {
        Gender.WOMAN.value: woman,
        Gender.MAN.value: man,
        Gender.OTHER.value: universe.everyone & ~(woman | man),
    }


def hours_counting(ids: list[int]) -> tuple:
    """Who took part in each intervention category, as FactSource counts it: (the population
    of every row of the counted projects, {category id: took part in it}), so that a refresh
    counts it in the goals' one statement (Context.also)."""
    from goals.engine.population import FACTS, Population
    from goals.models import EnrolmentFact
    from interventions.models import Intervention

    # The categories of the counted projects' interventions: the only ones their enrolments
    # can take part in (interventions.services.place_participant).
    used = (
        Intervention.objects.filter(project_id__in=ids)
        .order_by("category_id")
        .values_list("category_id", flat=True)
        .distinct()
    )
    measures = {pk: FACTS.took_part_in([pk]) for pk in used}
    return Population(EnrolmentFact.objects.filter(project_id__in=ids)), measures


def hours_members(project, universe, *, project_ids=None, context=None) -> dict[str, int]:
    """Per intervention category, which enrolments took part (bit sets). From the fact table's
    bit set of categories taken part in (goals/facts.py; a participation's intervention is of
    the enrolment's own project, interventions.services.place_participant). For the fact
    table's universe, one statement with a flag per category, counted into words by the
    database (population.words_of); for the raw rows' one (the oracle), a row per enrolment
    that took part in anything, grouped in Python by its set of categories. A category whose
    id lies beyond the bit set is read from the participations. `context`: a refresh's, whose
    goals' statement counted them too (hours_counting, Context.also)."""
    from goals import facts
    from goals.engine.population import flag, words_of
    from goals.models import EnrolmentFact

    ids = counted(project, project_ids)
    facts.ensure(ids)
    codes = {pk: code for pk, code, *_ in facts.categories()}
    bits = {pk: facts.category_bit(pk) for pk in codes}
    rows = EnrolmentFact.objects.filter(project_id__in=ids, is_first=True)
    if universe.project_ids is not None:
        together = context.counted_also.get("hours") if context is not None else None
        if together is None:
            _, measures = hours_counting(ids)
            if not measures:
                return {}
            flags = {f"_c{pk}": flag(condition) for pk, condition in measures.items()}
            found = words_of(universe, rows.annotate(**flags), list(flags))
            together = dict(zip(measures, found, strict=True))
        return {codes[pk]: together[pk] for pk in codes if together.get(pk)}
    by_mask: dict[int, list[int]] = {}
    for enrolment_id, mask in rows.exclude(categories=0).values_list("enrolment_id", "categories"):
        by_mask.setdefault(mask, []).append(enrolment_id)
    taking_part: dict[int, list[int]] = {}
    for mask, enrolments in by_mask.items():  # each set of categories decoded once
        for pk, bit in bits.items():
            if bit is not None and mask & bit:
                taking_part.setdefault(pk, []).extend(enrolments)
    found = {codes[pk]: universe.bits_of(enrolments) for pk, enrolments in taking_part.items()}
    beyond = [pk for pk, bit in bits.items() if bit is None]
    if beyond:
        rows = (
            Participation.objects.filter(
                intervention__project_id__in=ids, intervention__category_id__in=beyond
            )
            .order_by()
            .values_list("intervention__category__code", "enrolment_id")
            .distinct()
        )
        beyond_part: dict[str, list[int]] = {}
        for code, enrolment_id in rows:
            beyond_part.setdefault(code, []).append(enrolment_id)
        found.update({code: universe.bits_of(part) for code, part in beyond_part.items()})
    return found


def participant_flow(project, *, project_ids=None, universe=None) -> dict[str, dict[str, int]]:
    """Stage -> gender -> number of enrolments, in one grouped query. Referred: every
    enrolment; started: with a start date; exited: with an exit date; followed up: at least one
    follow-up recorded (reached or not). With the fact universe of the same projects (a
    refresh has read it): no query, its groups' bit counts (flow_of)."""
    from goals import facts
    from goals.models import EnrolmentFact

    ids = counted(project, project_ids)
    if universe is not None and universe.project_ids == tuple(ids):
        return flow_of(universe)
    facts.ensure(ids)
    # From the fact table (goals/facts.py): one row per enrolment (is_first), no join. Its
    # dates are the enrolment's, and it holds the followed-up stage as a flag.
    at_stage = {**flow_conditions(), "followed_up": Q(followed_up=True)}
    rows = (
        EnrolmentFact.objects.filter(project_id__in=ids, is_first=True)
        .order_by()
        .values("gender")
        .annotate(
            **{
                stage: Count("pk") if condition is None else Count("pk", filter=condition)
                for stage, condition in at_stage.items()
            }
        )
    )
    flow = {stage: {g.value: 0 for g in GENDERS} for stage in FLOW_STAGES}
    for row in rows:
        gender = row["gender"] or Gender.OTHER
        if gender not in flow["referred"]:
            gender = Gender.OTHER.value
        for stage in FLOW_STAGES:
            flow[stage][gender] += row[stage]
    return flow


def flow_of(universe) -> dict[str, dict[str, int]]:
    """participant_flow from a fact universe (population.fact_universe): each stage's people
    (its "stage" groups, the same conditions as flow_conditions, kept in the fact rows) counted
    within each gender group; a gender not among GENDERS (none given) is counted as other."""
    flow = {stage: {g.value: 0 for g in GENDERS} for stage in FLOW_STAGES}
    stages = {"referred": universe.everyone, **universe.groups.get("stage", {})}
    for label, people in universe.groups.get("gender", {}).items():
        gender = label if label in flow["referred"] else Gender.OTHER.value
        for stage in FLOW_STAGES:
            flow[stage][gender] += (people & stages.get(stage, 0)).bit_count()
    return flow


def in_tenths(hours):
    """A sum of attended hours (recorded in tenths) to the tenth, 0 when there are none. Exact
    on PostgreSQL already; SQLite adds them as floating-point numbers (7840.49999999999 for
    7840.5), and the sums kept per intervention (goals/hours.py) and those added up from the
    participations must read the same."""
    tenths = Decimal(hours or 0).quantize(TENTH)
    return tenths if tenths else 0  # a sum left at 2.8e-17 (or below 0) by SQLite is none


def hours_rows(project, *, project_ids=None, members=None) -> list[dict]:
    """Attended hours and the number of participants per intervention category, one query,
    unsuppressed and in both languages (stored in the project's summary). Grouped by the
    category's id alone (a hash of a few groups, not a sort of every participation by its
    names); the names are read after. With `members` (hours_members: every count with the
    people, summaries.figures_and_plan), a category's participants are its members, and the
    hours are the sums the database keeps per intervention (goals/hours.py): a few rows per
    project, not every participation. Without, the participations are counted (figures
    without the people, and the independent count the tests hold the stored figures to)."""
    from goals import facts
    from goals.models import InterventionHours

    ids = counted(project, project_ids)
    if members is None:
        rows = (
            Participation.objects.filter(intervention__project_id__in=ids)
            .order_by()
            .values("intervention__category_id")
            .annotate(hours=Sum("attended_hours"), people=Count("enrolment", distinct=True))
        )
    else:  # the hours the database keeps per intervention (goals/hours.py): a few rows
        rows = (
            InterventionHours.objects.filter(intervention__project_id__in=ids, participations__gt=0)
            .order_by()
            .values("intervention__category_id")
            .annotate(hours=Sum("hours"))
        )
    found = {row["intervention__category_id"]: row for row in rows}
    return [
        {
            "code": code,
            "name": name,
            "name_en": name_en,
            "hours": in_tenths(found[pk]["hours"]),
            "people": found[pk]["people"] if members is None else members.get(code, 0).bit_count(),
        }
        for pk, code, name, name_en in facts.categories()
        if pk in found
    ]


def follow_up_counts(project, *, project_ids=None) -> dict:
    """Follow-ups not yet recorded: overdue and due within DUE_SOON_DAYS, one query."""
    return follow_ups_open(project, project_ids=project_ids)[0]


def follow_ups_open(project, *, project_ids=None, current=None) -> tuple[dict, dt.date | None]:
    """The follow-ups not yet recorded: (follow_up_counts, the first day after `current`
    (today) on which they change without a write — a follow-up becomes overdue the day after
    it is due, and due soon DUE_SOON_DAYS before — or None when none will). One query (after
    facts.ensure's check that the fact rows are complete), which
    finds the counted projects' enrolments in the fact table's index (goal_fact_order) and their
    open follow-ups in the partial index follow_up_open: it never reads other projects' rows."""
    from goals import facts
    from goals.models import EnrolmentFact

    current = current or today()
    soon = dt.timedelta(days=DUE_SOON_DAYS)
    ids = counted(project, project_ids)
    facts.ensure(ids)
    enrolments = EnrolmentFact.objects.filter(project_id__in=ids, is_first=True)
    row = FollowUp.objects.filter(
        enrolment_id__in=enrolments.values("enrolment_id"), recorded_on__isnull=True
    ).aggregate(
        # Counted by due date, which the index holds (an index-only scan): the same rows, since
        # the conditions are on the due date.
        overdue=Count("due_on", filter=Q(due_on__lt=current)),
        due_soon=Count("due_on", filter=Q(due_on__gte=current, due_on__lte=current + soon)),
        first_due=Min("due_on", filter=Q(due_on__gte=current)),
        first_beyond_soon=Min("due_on", filter=Q(due_on__gt=current + soon)),
    )
    changes = []
    if row["first_due"]:
        changes.append(row["first_due"] + dt.timedelta(days=1))
    if row["first_beyond_soon"]:
        changes.append(row["first_beyond_soon"] - soon)
    counts = {"overdue": row["overdue"], "due_soon": row["due_soon"]}
    return counts, min(changes, default=None)


# --- a parent's parts -------------------------------------------------------------------------


OWN = "own"  # the parent's own enrolments, beside its parts


def part_of(project, project_ids) -> dict[int, str]:
    """For each counted project, the part of `project` it belongs to: OWN for the project
    itself, else the id (as text) of the sub-project directly below `project` whose tree holds
    it. One query; empty for a project without parts."""
    ids = list(project_ids)
    if len(ids) <= 1:
        return {}
    from core.models import Project

    parents = dict(Project.objects.filter(pk__in=ids).values_list("pk", "parent_id"))
    result: dict[int, str] = {}
    for pk in ids:
        current = pk
        for _level in range(len(ids)):  # up the tree to the part directly below `project`
            if current == project.pk or parents.get(current) in (project.pk, None):
                break
            current = parents[current]
        result[pk] = OWN if current == project.pk else str(current)
    return result


def participants_by_part(project_ids, parts: dict[int, str]) -> dict[str, int]:
    """Enrolments (the flow's "referred") per part of a parent, one query; {} without parts."""
    if not parts:
        return {}
    found = dict.fromkeys(dict.fromkeys(parts.values()), 0)
    rows = (
        Enrolment.objects.filter(project_id__in=list(project_ids))
        .order_by()
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    for project_id, n in rows:
        found[parts[project_id]] += n
    return found


def parts_members(universe, parts: dict[int, str]) -> dict[str, int]:
    """Which enrolments each part of a parent holds, as bit sets of the engine's Universe."""
    found = dict.fromkeys(dict.fromkeys(parts.values()), 0)
    for project_id, label in parts.items():
        found[label] |= universe.group("project", str(project_id))
    return found
