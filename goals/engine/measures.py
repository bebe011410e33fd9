"""The computation of each goal template (goals/templates.py names these functions).

Every measure takes the evaluation context, the goal version and its validated parameters, and
returns a GoalResult. Shares count, over the population, the numerator's condition and the
members without the data ("missing"); the value is over everyone, `value_answered` over those
with the data.
"""

import re
import zlib

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.db.models.functions import ExtractYear

from enrolments import households
from enrolments.models import OutcomeStatus
from participants.models import Household
from prestudy import checklist
from prestudy.models import ProposedActivity, Stakeholder

from .. import definitions as templates
from . import population as pop
from .results import Cell, GoalResult, count_cell, outcome_for, share_cell

ALL = None  # a measure counting every member of the population


def _result(version, params, cell: Cell, *, kind, target, target_high=None, **extra):
    template = templates.TEMPLATES[version.template]
    if template.subject == "enrolments":
        extra.setdefault("population_date", pop.defining_date(params))
    extra.setdefault(
        "outcome",
        outcome_for(
            cell.value, params.get("comparator", template.comparators[0]), target, target_high
        ),
    )
    return GoalResult(
        **cell.__dict__,
        key=version.goal.key,
        goal=version.display_title,
        template=template.code,
        kind=kind,
        comparator=params.get("comparator", template.comparators[0]),
        target=target,
        target_high=target_high,
        **extra,
    )


def _share_goal(ctx, version, params, qs, numerator: Q, missing: Q, *, within: Q | None = None):
    """A share over an enrolment population: totals and every breakdown."""

    def _and(condition):
        return condition if within is None else within & condition

    measures = {"n": within, "num": _and(numerator), "missing": _and(missing)}
    comparator, target, high = params["comparator"], params["target"], params.get("target_high")
    totals, groups_by_dimension, members = ctx.source.figures(ctx, qs, measures)
    cell = share_cell(totals["num"], totals["n"], totals["missing"], comparator, target, high)
    answered = totals["n"] - totals["missing"]
    breakdown = {
        dimension: {
            group: share_cell(row["num"], row["n"], row["missing"], comparator, target, high)
            for group, row in groups.items()
        }
        for dimension, groups in groups_by_dimension.items()
    }
    return _result(
        version,
        params,
        cell,
        kind="share",
        target=target,
        target_high=high,
        value_answered=(totals["num"] / answered) if answered else None,
        denominator_answered=answered,
        breakdown=breakdown,
        members=members,
    )


def _others(statuses) -> list[str]:
    return [s for s in OutcomeStatus.values if s not in statuses]


# Each join is named after what it joins (the follow-up on day 90: "fu90"), so that the goals
# of a refresh, counted together in one statement (FactSource.count_together), share a join
# when they join the same rows and never mistake one join for another.


def _follow_up_join(ctx, qs, day: int):
    """The population with its follow-up on `day` joined, and the join's name."""
    path, name = ctx.source.follow_ups, f"fu{day}"
    return qs.annotate(**{name: FilteredRelation(path, condition=Q(**{f"{path}__day": day}))}), name


def _not_reached(fu: str) -> Q:
    """Follow-up not recorded, or the participant not reached."""
    return Q(**{f"{fu}__reached__isnull": True}) | Q(**{f"{fu}__reached": False})


def _reached_in(fu: str, statuses) -> Q:
    return Q(**{f"{fu}__reached": True, f"{fu}__status__in": list(statuses)})


def exit_or_survey_share(ctx, version, params):
    """Share of the population in one of `statuses` at exit, or answering `question` at
    `occasion` with `min_answer` or more. Missing: neither in those statuses nor answering."""
    qs, sa = _survey_answer(
        ctx, pop.enrolments(ctx, params), params["occasion"], params["question"]
    )
    numerator = Q(exit_status__in=params["statuses"]) | Q(
        **{f"{sa}__value__gte": params["min_answer"]}
    )
    missing = Q(**{f"{sa}__value__isnull": True}) & Q(
        exit_status__in=[*_others(params["statuses"]), ""]
    )
    return _share_goal(ctx, version, params, qs, numerator, missing)


def survey_share(ctx, version, params):
    """Share of the population whose answer to `question` at `occasion` lies within
    [min_answer, max_answer]. Missing: no answer."""
    qs, sa = _survey_answer(
        ctx, pop.enrolments(ctx, params), params["occasion"], params["question"]
    )
    numerator = Q(
        **{f"{sa}__value__gte": params["min_answer"], f"{sa}__value__lte": params["max_answer"]}
    )
    return _share_goal(ctx, version, params, qs, numerator, Q(**{f"{sa}__value__isnull": True}))


def _survey_answer(ctx, qs, occasion: str, question):
    """The population with its answer to `question` at `occasion` joined, and the join's name."""
    path = ctx.source.survey_answers
    name = f"sa_{_name_part(occasion)}_{_name_part(question)}"
    relation = FilteredRelation(
        path, condition=Q(**{f"{path}__occasion": occasion, f"{path}__question": question})
    )
    return qs.annotate(**{name: relation}), name


def _name_part(value) -> str:
    """A parameter as part of a join's name: letters, digits and single underscores (a
    different value may map to the same part only when it differs in other characters, so a
    hash of the value is added then)."""
    text = str(value)
    part = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")
    if part != text:
        crc = f"{zlib.crc32(text.encode()):08x}"
        part = f"{part}_{crc}" if part else f"x{crc}"
    return part


def survey_change(ctx, version, params):
    """Share of the population whose answer to `question` at `to_occasion` is at least
    `min_change` steps above their answer at `from_occasion`. Each occasion is its own join on
    the survey answers (one answer per enrolment, occasion and question), so the change is
    compared row by row in the same aggregate query. Missing: no answer on either occasion."""
    question = params["question"]
    qs, before = _survey_answer(ctx, pop.enrolments(ctx, params), params["from_occasion"], question)
    qs, after = _survey_answer(ctx, qs, params["to_occasion"], question)
    numerator = Q(
        **{
            f"{before}__value__isnull": False,
            f"{after}__value__gte": F(f"{before}__value") + params["min_change"],
        }
    )
    missing = Q(**{f"{before}__value__isnull": True}) | Q(**{f"{after}__value__isnull": True})
    return _share_goal(ctx, version, params, qs, numerator, missing)


def follow_up_share(ctx, version, params):
    """Share of the population, follow-up on `day` due, reached with one of `statuses`.
    Missing: follow-up not recorded or participant not reached."""
    day = params["day"]
    qs, fu = _follow_up_join(ctx, pop.enrolments(ctx, params, follow_up_day=day), day)
    numerator = _reached_in(fu, params["statuses"])
    return _share_goal(ctx, version, params, qs, numerator, _not_reached(fu))


def follow_up_share_among_not_in_work(ctx, version, params):
    """Among the population (follow-up on `day` due) not known to be in one of
    `excluded_statuses` (work) then, the share reached with one of `statuses` (studies, another
    programme). Missing: follow-up not recorded or not reached — they may or may not be in work,
    so they stay in the denominator and `value_answered` leaves them out."""
    day = params["day"]
    qs, fu = _follow_up_join(ctx, pop.enrolments(ctx, params, follow_up_day=day), day)
    within = _not_reached(fu) | _reached_in(fu, _others(params["excluded_statuses"]))
    numerator = _reached_in(fu, params["statuses"])
    return _share_goal(ctx, version, params, qs, numerator, _not_reached(fu), within=within)


def gender_split(ctx, version, params):
    """Share of the population of `gender` (women, by default). Gender is always recorded
    ("another gender / unknown" is a value), so nothing is missing."""
    qs = pop.enrolments(ctx, params)
    numerator = Q(**{ctx.source.gender: params["gender"]})
    return _share_goal(ctx, version, params, qs, numerator, Q(pk__isnull=True))


def _reference(ctx, years: list[int] | None):
    """Participant-weighted average share in work at day 90 of the project's reference
    programmes, as 0..1, per year and for the given years together (None when no rows)."""
    from goals.models import ReferenceProgramme, ReferenceValue

    # The reference programmes of the counted projects (a parent's and its parts'), each once.
    programmes = ReferenceProgramme.objects.filter(projects__in=ctx.project_ids).values("pk")
    rows = list(
        ReferenceValue.objects.filter(programme__in=programmes)
        .distinct()
        .values_list("year", "participants", "share_in_work_90_days")
    )
    per_year: dict[int, list] = {}
    for year, participants, share in rows:
        per_year.setdefault(year, []).append((participants, float(share)))

    def weighted(items):
        total = sum(p for p, _ in items)
        return sum(p * s for p, s in items) / total / 100 if total else None

    by_year = {year: weighted(items) for year, items in per_year.items()}
    chosen = [item for year, items in per_year.items() if year in years for item in items]
    overall = weighted(chosen or [item for items in per_year.values() for item in items])
    return by_year, overall


def follow_up_share_vs_reference(ctx, version, params):
    """Share in work on `day` after exit (follow-up due), compared per year of exit and for the
    whole period with the participant-weighted reference average + `delta_pp` points."""
    day = params["day"]
    qs, fu = _follow_up_join(ctx, pop.enrolments(ctx, params, follow_up_day=day), day)
    numerator = _reached_in(fu, params["statuses"])
    delta = params["delta_pp"] / 100
    project_years = list(range(ctx.project.starts_on.year, ctx.project.ends_on.year + 1))
    by_year, overall = _reference(ctx, project_years)
    target = None if overall is None else min(1.0, overall + delta)
    params = {**params, "comparator": "ref_plus", "target": target}
    result = _share_goal(ctx, version, params, qs, numerator, _not_reached(fu))

    measures = {"n": ALL, "num": numerator, "missing": _not_reached(fu)}
    if result.members is not None:
        # A refresh: the years from the members, as the totals and breakdowns are, so that
        # every figure's count is its members' (publication._consistent checks the totals).
        rows = pop.member_groups(ctx.universe, result.members, measures, "exit_year")
    else:
        rows = ctx.source.grouped(qs, measures, ExtractYear("exited_on"), none_label="unknown")
    periods = {}
    for year in sorted(rows, key=str):
        row = rows[year]
        reference = by_year.get(int(year)) if str(year).isdigit() else None
        year_target = None if reference is None else min(1.0, reference + delta)
        periods[str(year)] = share_cell(
            row["num"], row["n"], row["missing"], "ref_plus", year_target
        )
    periods["all"] = Cell(**{k: getattr(result, k) for k in Cell.__dataclass_fields__})
    result.periods = periods
    return result


def participation_count(ctx, version, params):
    """Number of people in the population (optionally narrowed by labour-market status or
    income source at start, or age at start below `age_below`) who took part in at least one
    intervention of `categories`. The denominator is the narrowed population."""
    qs = pop.enrolments(ctx, params)
    if params["labour_market_statuses"]:
        qs = qs.filter(labour_market_status__in=params["labour_market_statuses"])
    if params["income_sources"]:
        qs = qs.filter(income_source__in=params["income_sources"])
    if params.get("age_below"):
        qs, age = ctx.source.age(qs)
        qs = qs.filter(**{f"{age}__lt": params["age_below"]})
    measures = {"n": ALL, "num": ctx.source.took_part(params["categories"])}
    comparator, target, high = params["comparator"], params["target"], params.get("target_high")
    totals, groups_by_dimension, members = ctx.source.figures(ctx, qs, measures)
    cell = count_cell(totals["num"], totals["n"], comparator, target, high)
    breakdown = {
        # no target per group: the cells carry the count with the status "no_data"
        dimension: {
            group: count_cell(row["num"], row["n"], comparator, None)
            for group, row in groups.items()
        }
        for dimension, groups in groups_by_dimension.items()
    }
    return _result(
        version,
        params,
        cell,
        kind="count",
        target=target,
        target_high=high,
        breakdown=breakdown,
        members=members,
    )


def household_share(ctx, version, params):
    """Share of the project's households (on long-term social assistance at first contact, by
    default) that became self-sufficient: every adult member (Participant with the household)
    has an enrolment in the project (for a programme: in any of its parts) that exited with an
    income source other than social assistance or none. Missing: households without any
    registered member."""
    qs = Household.objects.filter(project_id__in=ctx.project_ids)
    if params["long_term_social_assistance_only"]:
        qs = qs.filter(long_term_social_assistance=True)
    if params.get("area"):
        qs = qs.filter(area__name=params["area"])
    rule = households.conditions(ctx.project_ids)
    numerator, missing = rule["num"], rule["missing"]
    measures = {"n": ALL, "num": numerator, "missing": missing}
    comparator, target, high = params["comparator"], params["target"], params.get("target_high")
    totals = pop.counts(qs, measures)
    cell = share_cell(totals["num"], totals["n"], totals["missing"], comparator, target, high)
    found = pop.grouped_counts(qs, measures, F("area__name"), none_label=pop.NO_AREA)
    groups = {name: {"n": 0, "num": 0, "missing": 0} for name in ctx.area_names}
    groups.update(found)
    answered = totals["n"] - totals["missing"]
    return _result(
        version,
        params,
        cell,
        kind="share",
        target=target,
        target_high=high,
        value_answered=(totals["num"] / answered) if answered else None,
        denominator_answered=answered,
        breakdown={
            "area": {
                group: share_cell(row["num"], row["n"], row["missing"], comparator, target, high)
                for group, row in groups.items()
            }
        },
        members=pop.members_of(ctx.household_universe, qs, measures) if ctx.members else None,
    )


def stakeholder_count(ctx, version, params):
    """Number of stakeholders in the pre-study register that took part in at least one
    workshop or focus group (or all registered, with only_with_workshop false), per kind."""
    qs = Stakeholder.objects.filter(project_id__in=ctx.project_ids)
    through = Stakeholder.workshops.through
    took_part = Q(Exists(through.objects.filter(stakeholder_id=OuterRef("pk"))))
    measures = {"n": ALL, "num": took_part if params["only_with_workshop"] else ALL}
    comparator, target, high = params["comparator"], params["target"], params.get("target_high")
    totals = pop.counts(qs, measures)
    cell = count_cell(totals["num"], totals["n"], comparator, target, high)
    found = pop.grouped_counts(qs, measures, F("kind"), none_label="")
    breakdown = {
        "kind": {
            # no target per kind: the cells carry the count with the status "no_data"
            kind: count_cell(row["num"], row["n"], comparator, None)
            for kind, row in sorted(found.items())
        }
    }
    return _result(
        version, params, cell, kind="count", target=target, target_high=high, breakdown=breakdown
    )


def activity_count(ctx, version, params):
    """Number of activities the pre-study proposed in `categories` (all when empty), per
    category; the denominator is every proposed activity of the project."""
    qs = ProposedActivity.objects.filter(project_id__in=ctx.project_ids)
    chosen = Q(category__code__in=params["categories"]) if params["categories"] else ALL
    measures = {"n": ALL, "num": chosen}
    comparator, target, high = params["comparator"], params["target"], params.get("target_high")
    totals = pop.counts(qs, measures)
    cell = count_cell(totals["num"], totals["n"], comparator, target, high)
    found = pop.grouped_counts(qs, measures, F("category__code"), none_label="")
    groups = {code: {"n": 0, "num": 0} for code in params["categories"]}
    groups.update(found)
    # Per category: compared with the goal's target per category, when it sets one (the
    # cells carry the count with the status "no_data" otherwise, never the whole goal's target).
    per_category = params.get("per_category_target")
    breakdown = {
        "category": {
            code: count_cell(row["num"], totals["n"], "gte", per_category)
            for code, row in groups.items()
            if not params["categories"] or code in params["categories"]
        }
    }
    return _result(
        version, params, cell, kind="count", target=target, target_high=high, breakdown=breakdown
    )


def prestudy_checklist(ctx, version, params):
    """Items of the pre-study done (prestudy/checklist.py: recorded done with its evidence and
    backed by its register), in two queries. The checklist is about the project's own
    pre-study: a parent does not count its parts'."""
    done = {item: row["done"] for item, row in checklist.status(ctx.project.pk).items()}
    items = params["items"]
    count = sum(1 for item in items if done[item])
    cell = count_cell(count, len(items), "gte", len(items))
    breakdown = {"item": {item: count_cell(int(bool(done[item])), 1, "gte", 1) for item in items}}
    return _result(
        version, params, cell, kind="checklist", target=float(len(items)), breakdown=breakdown
    )


__all__ = [
    "activity_count",
    "exit_or_survey_share",
    "follow_up_share",
    "follow_up_share_among_not_in_work",
    "follow_up_share_vs_reference",
    "gender_split",
    "household_share",
    "participation_count",
    "prestudy_checklist",
    "stakeholder_count",
    "survey_change",
    "survey_share",
]
