"""Per-project summaries: the dashboard's figures computed from the raw rows and kept in step
with the data.

Counting every row again for every dashboard view does not scale: a project of 100,000
enrolments takes seconds over raw rows. So the figures of a project's dashboard — every goal
with its breakdowns, the participant flow, the hours by category and the follow-ups due — are
computed by the engine and stored (ProjectSummary, GoalSummary), and a dashboard reads the
stored figures. The engine counts the enrolment goals from the fact table kept on write
(goals/facts.py): one statement for the members of every goal and the hours' participants
(FactSource.count_together; the counts are the members').

How they stay in step
---------------------
- Every write that changes data a goal counts raises the project's `data_version` **in the same
  transaction** (`mark_stale`): model saves and deletes through the signal receivers below, and
  the few bulk writes (attendance, follow-up plans, imports) by calling `mark_stale` themselves.
- After the commit, a refresh of the project is queued as a task (one per project until it has
  run), to run REFRESH_DELAY seconds later, so that the writes of those seconds (a provider
  recording a day's hours row by row) are counted once, not once each; the task reads
  `data_version` *before* it counts, so a write that lands while it counts leaves the summary
  stale, never wrongly fresh, and the refresh queues itself again. A dashboard that brought the
  summary in step first makes the task count nothing (`refresh_if_stale`): a write is counted
  once.
- A summary is **fresh** when it was computed at the current `data_version`, by the current
  engine and for the project's current goal versions, and today lies before its `valid_until`:
  the first date on which its figures change without a write (a follow-up falls due, a quarter
  begins), or its project's day of the fortnight (HEAL_DAYS) if that comes first, so that a
  write that reached the data without marking it stale (the admin, `loaddata`) is corrected
  within two weeks at most. A dashboard shows fresh figures as they are. A stale summary of a
  project with at most LIVE_LIMIT enrolments is recomputed on the spot for every reader but the
  dashboard page; a larger project shows its last figures with the time they are valid for,
  while the queued refresh runs.
- The dashboard page never counts while its user waits when the stored figures are only behind
  the data or the day (`read(wait=False)`): it shows them at once, marked as being updated, and
  asks `state` as soon as it is on the screen (reports.dashboard.figures_state, htmx), which
  counts a small project then and there and reloads the page. Figures of other goals (a goal
  just edited), another engine or a plan for another reader are counted first, as are files.
- `manage.py refresh_goal_summaries` recomputes every stale summary (run it nightly, so the
  first dashboard of the day is already fresh).

tests/test_goal_summaries.py proves that a fresh summary always equals a computation from the
raw rows, and that every kind of write makes the summary stale.
"""

import datetime as dt
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils.translation import get_language

from core import clock
from core.clock import now as clock_now
from core.clock import today
from core.policy import project_threshold

from .engine.population import Context
from .models import GoalSummary, ProjectSummary

logger = logging.getLogger(__name__)

# Raise when the engine's results change meaning, so stored summaries are recomputed.
# 4: the pre-study checklist needs recorded items; targets per category. 5: counted from the
# fact table (goals/facts.py). 6: valid until their first date-relative change (valid_until).
ENGINE_VERSION = 6
# A summary is recomputed at least this often (days), whatever its valid_until: the bound on
# how long a write that reached the data without marking it stale can go unseen.
HEAL_DAYS = 14
# Projects up to this many enrolments are recomputed while the user waits (well under a second).
LIVE_LIMIT = getattr(settings, "GOAL_SUMMARY_LIVE_LIMIT", 5000)
# A queued refresh not done after this long is taken as lost and queued again (the largest
# project's refresh takes about 17 s: docs/performance.md).
REQUEUE_AFTER = dt.timedelta(minutes=10)
# Seconds between a write and the refresh it queues (the worker's backend must support
# deferred tasks; the test backend runs it at once). The writes of those seconds join the one
# refresh: under load the worker counts each busy project once per REFRESH_DELAY rather than
# after every write (docs/performance.md, "The load test with persistent connections"). A
# dashboard of a small project does not wait for it (reports.dashboard.figures_state counts it).
REFRESH_DELAY = float(getattr(settings, "GOAL_SUMMARY_REFRESH_DELAY", 15))
# Below the default (0): a deferred refresh whose time has come runs after the tasks that were
# ready before it (the database backend orders by priority, then run_after, then enqueued_at,
# and gives a task queued without a delay the latest run_after there is).
REFRESH_PRIORITY = -1


# --- marking stale ----------------------------------------------------------------------------


def _ids(project_ids) -> list[int]:
    if isinstance(project_ids, int):
        return [project_ids]
    return sorted({int(pk) for pk in project_ids if pk is not None})


def mark_stale(project_ids) -> None:
    """Call inside the transaction of every write that changes data a goal counts (participants,
    enrolments, participations, follow-ups, survey answers, households, goal definitions,
    reference values). Takes a project id or an iterable of them. One UPDATE; projects without
    a stored summary cost nothing (they are computed when first shown)."""
    ids = _ids(project_ids)
    if not ids:
        return
    # A parent counts its parts' records (docs/rollups.md): their parents and grand-parents
    # are stale too.
    from core.models import Project

    ids = Project.counting_project_ids(ids)
    changed = ProjectSummary.objects.filter(project_id__in=ids).update(
        data_version=F("data_version") + 1
    )
    if changed:
        _queue_after_commit(ids)


def mark_stale_for_enrolments(enrolment_ids) -> None:
    from enrolments.models import Enrolment

    ids = [pk for pk in enrolment_ids if pk is not None]
    if ids:
        mark_stale(Enrolment.objects.filter(pk__in=ids).values_list("project_id", flat=True))


def _queue_after_commit(ids: list[int]) -> None:
    pending = getattr(connection, "_foljsam_summaries_pending", None)
    if pending is None:
        pending = connection._foljsam_summaries_pending = set()
    pending.update(ids)
    transaction.on_commit(_flush_queue)


def _flush_queue() -> None:
    pending = getattr(connection, "_foljsam_summaries_pending", None)
    if not pending:
        return
    ids = sorted(pending)
    pending.clear()
    queue_refresh(ids, after_write=True)


def _deferred(task):
    """The refresh a write queued: run REFRESH_DELAY seconds later, and after any other task
    that is ready (an import waiting for the worker goes first), when the backend can."""
    from django_tasks import default_task_backend

    if REFRESH_DELAY <= 0 or not default_task_backend.supports_defer:
        return task
    options = {"run_after": clock.real_now() + dt.timedelta(seconds=REFRESH_DELAY)}
    if default_task_backend.supports_priority:
        options["priority"] = REFRESH_PRIORITY
    return task.using(**options)


def queue_refresh(project_ids, *, after_write: bool = False) -> None:
    """Queue a refresh task for each project that has none queued yet; `after_write`: deferred
    (REFRESH_DELAY), so that the writes of the next seconds join it. A reader's refresh (a large
    project's goal just edited) is queued to run at once. A queue that cannot be reached never
    breaks the write that asked: the summary stays stale and is recomputed on the next view or
    by the nightly command."""
    ids = _ids(project_ids)
    # A refresh queued longer ago than REQUEUE_AFTER whose worker died (or was lost with the
    # queue) is queued again: a second one that finds the figures fresh counts nothing.
    lost = clock.real_now() - REQUEUE_AFTER
    to_queue = list(
        ProjectSummary.objects.filter(project_id__in=ids)
        .filter(
            models.Q(refresh_queued=False)
            | models.Q(refresh_queued_at__isnull=True)
            | models.Q(refresh_queued_at__lt=lost)
        )
        .values_list("project_id", flat=True)
    )
    if not to_queue:
        return
    ProjectSummary.objects.filter(project_id__in=to_queue).update(
        refresh_queued=True, refresh_queued_at=clock.real_now()
    )
    from .tasks import refresh_summary

    for project_id in to_queue:
        try:
            (_deferred(refresh_summary) if after_write else refresh_summary).enqueue(project_id)
        except Exception:
            logger.exception("Could not queue the goal summary refresh of project %s", project_id)
            ProjectSummary.objects.filter(project_id=project_id).update(refresh_queued=False)


# --- computing --------------------------------------------------------------------------------


def dashboard_figures(
    project, *, project_ids=None, due=None, hours_members=None, universe=None
) -> dict:
    """The dashboard's figures other than the goals, unsuppressed and in no language: the flow
    by gender, hours and people per intervention category, follow-ups overdue and due soon, and
    for a parent the enrolments of each of its parts ("parts": {sub-project id or "own": n}).
    Over the counted projects (`project_ids`, Context.project_ids; read when not given).
    `due`: the follow-up counts, and `hours_members` who took part in each category, when the
    caller has them (figures.follow_ups_open, figures.hours_members), and the fact
    `universe` of the counted projects when it has read it (the flow is then its bit counts)."""
    from .figures import (
        counted,
        follow_up_counts,
        hours_rows,
        part_of,
        participant_flow,
        participants_by_part,
    )

    ids = counted(project, project_ids)
    return {
        "flow": participant_flow(project, project_ids=ids, universe=universe),
        "hours": hours_rows(project, project_ids=ids, members=hours_members),
        "due": follow_up_counts(project, project_ids=ids) if due is None else due,
        "parts": participants_by_part(ids, part_of(project, ids)),
    }


@dataclass
class Computed:
    """A project's figures as computed now: what a summary stores."""

    versions: list
    results: list
    figures: dict
    plan: dict
    enrolments: int
    # The first date on which these figures can change without a write (a follow-up falls
    # due, a quarter begins), or the project's heal_date if that comes first.
    valid_until: object


@contextmanager
def counting(project):
    """Around a count of the project's figures with the people behind them: the fact rows made
    complete first (facts.ensure may write, so not inside the snapshot), then one snapshot of
    the data (population.one_snapshot)."""
    from . import facts
    from .engine.population import one_snapshot

    with facts.checked_once():
        facts.ensure(facts.counted_ids(project))
        with one_snapshot():
            yield


def counted(project, count):
    """`count()` inside counting(project), counted again (three times in all at most) when a
    write landed between two of its statements where no snapshot hides it (SQLite, or inside a
    caller's transaction): population.UniverseMoved."""
    from .engine.population import UniverseMoved

    for _ in range(2):
        try:
            with counting(project):
                return count()
        except UniverseMoved:
            continue
    with counting(project):
        return count()


def compute(project) -> Computed:
    """Every figure of the project's summary, from the data, for today's date (counted)."""
    return counted(project, lambda: _compute(project))


def _compute(project) -> Computed:

    from . import engine, figures, publication
    from .engine import population

    versions = engine.current_versions(project)
    context = counting_context(project)
    results = engine.evaluate_project(project, context=context, versions=versions)
    due, due_changes = figures.follow_ups_open(
        project, project_ids=context.project_ids, current=context.today
    )
    found, plan = figures_and_plan(
        project,
        results,
        context,
        threshold=project_threshold(project, project_ids=context.project_ids),
        due=due,
    )
    changes = [
        population.next_due(context),
        due_changes,
        publication.quarters_change(project.starts_on, project.ends_on, context.today),
    ]
    return Computed(
        versions=versions,
        results=results,
        figures=found,
        plan=plan,
        # The universe: the first fact row of every enrolment counted (the fact rows are
        # complete: counting() made sure).
        enrolments=context.universe.size,
        valid_until=min(day for day in [*changes, heal_date(project.pk, context.today)] if day),
    )


def heal_date(project_id: int, day) -> "dt.date":
    """The project's next recompute day after `day` even when nothing changed: one day in
    HEAL_DAYS, chosen by the project's id, so the nightly command recomputes about
    1/HEAL_DAYS of the quiet projects each night rather than all of them on one night."""
    offset = (project_id - day.toordinal()) % HEAL_DAYS or HEAL_DAYS
    return day + dt.timedelta(days=offset)


def refresh(project) -> ProjectSummary:
    """Compute the project's summary from the data and store it (one transaction)."""
    # The version is read before anything is counted (with the summary, or as it was made): a
    # write that commits while we count raises data_version past it and the summary stays stale.
    # Not the figures and plan stored before: they are replaced unread.
    summary, _ = ProjectSummary.objects.only("pk", "data_version").get_or_create(project=project)
    version = summary.data_version
    started = time.perf_counter()
    computed = compute(project)
    seconds = time.perf_counter() - started
    titles = {v.goal.key: (v.title, v.title_en, v.pk) for v in computed.versions}
    rows = []
    for order, result in enumerate(computed.results):
        title, title_en, version_id = titles.get(result.key, (str(result.goal), "", None))
        rows.append(
            {
                "project_id": project.pk,
                "order": order,
                "goal_version": version_id,
                "key": result.key,
                "title": title,
                "title_en": title_en,
                "kind": result.kind,
                "status": result.status,
                "numerator": result.numerator,
                "denominator": result.denominator,
                "value": result.value,
                "ci_low": result.ci_low,
                "ci_high": result.ci_high,
                "missing": result.missing,
                "target": result.target,
                "has_error": bool(result.error),
                "result": result.to_dict(),
            }
        )
    stored = {
        "computed_version": version,
        "computed_at": clock_now(),
        "computed_for": today(),
        "valid_until": computed.valid_until,
        "engine": ENGINE_VERSION,
        "goal_versions": [v.pk for v in computed.versions],
        "refresh_queued": False,
        "enrolments": computed.enrolments,
        "seconds": round(seconds, 3),
        "dashboard": _jsonable(computed.figures),
        "disclosure": computed.plan,
    }
    with transaction.atomic():
        # The UPDATE first: it waits for, then holds, the summary's row (a refresh of the same
        # project beside it stores its rows after this one's, not among them).
        ProjectSummary.objects.filter(pk=summary.pk).update(**stored)
        _replace_rows(GoalSummary, project.pk, rows)
        # Read under that lock: a write that committed while we counted has raised it.
        current, queued_at = (
            ProjectSummary.objects.filter(pk=summary.pk)
            .values_list("data_version", "refresh_queued_at")
            .get()
        )
        if current != version:
            # Written to while it counted: that write saw a refresh queued and queued none.
            transaction.on_commit(lambda: queue_refresh([project.pk], after_write=True))
    for name, value in {**stored, "data_version": current, "refresh_queued_at": queued_at}.items():
        setattr(summary, name, value)
    summary.project = project
    return summary


def _replace_rows(model, project_id: int, rows: list[dict]) -> None:
    """The project's rows of a derived table (`model`), replaced by `rows` (column values): one
    DELETE, and one INSERT per batch of as many rows as the database takes parameters (one for
    a project's goals, but for a few thousand). Not the model's delete() and bulk_create(): the
    first reads the rows for its signals (nothing listens for these), the second prepares every
    value as an expression of its own, a few milliseconds a refresh (a tenth of a small
    project's)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE project_id = %s", [project_id])  # noqa: S608
        if not rows:
            return
        fields = [model._meta.get_field(name) for name in rows[0]]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        # As many rows a statement as the database takes parameters (SQLite: 999 at least).
        size = max(1, connection.ops.bulk_batch_size(fields, rows))
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}",  # noqa: S608
                [
                    field.get_db_prep_save(value, connection)
                    for row in batch
                    for field, value in zip(fields, row.values(), strict=True)
                ],
            )


def refresh_if_stale(project) -> bool:
    """Refresh the project's summary unless it is fresh already; whether it refreshed."""
    from . import engine

    summary = ProjectSummary.objects.filter(project=project).first()
    if is_fresh(summary, [v.pk for v in engine.current_versions(project)]):
        # Only if nothing was written meanwhile: a write that saw the flag set queued nothing.
        cleared = ProjectSummary.objects.filter(
            pk=summary.pk, data_version=summary.data_version
        ).update(refresh_queued=False)
        if cleared:
            return False
    refresh(project)
    return True


def counting_context(project) -> Context:
    """The context of a count with the people (members=True) for figures_and_plan: who took
    part in each intervention category is counted in the goals' one statement (Context.also)."""
    from .figures import hours_counting

    context = Context(project, members=True)
    context.also["hours"] = hours_counting(context.project_ids)
    return context


def figures_and_plan(project, results, context, *, threshold: int, due=None) -> tuple[dict, dict]:
    """The dashboard's figures beside the goals and the disclosure plan of everything shown,
    counted with the people (`context`: members=True). Who took part in each intervention
    category is read once for both: the hours' participants are those members' counts, so the
    figure shown and the people the plan protects are one count. `due`: the follow-up counts
    when the caller has them."""
    from .figures import hours_members

    taking_part = hours_members(
        project, context.universe, project_ids=context.project_ids, context=context
    )
    found = dashboard_figures(
        project,
        project_ids=context.project_ids,
        due=due,
        hours_members=taking_part,
        universe=context.universe,
    )
    plan = make_plan(
        project, results, found, context, threshold=threshold, hours_members=taking_part
    )
    return found, plan


def make_plan(project, results, figures, context, *, threshold: int, hours_members) -> dict:
    """The disclosure plan of everything the product shows of the project (goals.publication):
    the goals with their breakdowns, years and quarters, the flow and the hours (who took part
    in each category: `hours_members`, figures.hours_members; see figures_and_plan)."""
    from . import publication
    from .figures import flow_gender_members, flow_members, part_of, parts_members

    universe = context.universe
    ids = context.project_ids
    end = min(project.ends_on, context.today)
    labels = [label for label, *_ in publication.quarters(project.starts_on, end)]
    return publication.build_plan(
        results,
        threshold,
        flow=figures["flow"],
        flow_members=flow_members(project, universe, project_ids=ids),
        flow_genders=flow_gender_members(universe),
        hours=figures["hours"],
        hours_members=hours_members,
        quarter_labels=labels if project.starts_on <= end else [],
        parts=figures.get("parts") or {},
        parts_members=parts_members(universe, part_of(project, ids)),
    )


def _jsonable(value):
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def in_step(computed_version, data_version, computed_for, valid_until, engine) -> bool:
    """Figures computed at the current data version, by the current engine, and valid today:
    on or after the date they were computed for and before the first date on which they
    could change without a write (`valid_until`; None: they cannot)."""
    current = today()
    return (
        computed_version is not None
        and computed_version == data_version
        and computed_for is not None
        and computed_for <= current
        and (valid_until is None or current < valid_until)
        and engine == ENGINE_VERSION
    )


def is_fresh(summary: ProjectSummary | None, version_ids: list[int]) -> bool:
    """In step, and computed for the project's current goal versions."""
    return (
        summary is not None
        and in_step(
            summary.computed_version,
            summary.data_version,
            summary.computed_for,
            summary.valid_until,
            summary.engine,
        )
        and list(summary.goal_versions) == list(version_ids)
    )


# --- reading ----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """What a dashboard shows: the goal results (with the disclosure plan applied for a reader
    with a threshold), the other figures (exact; `plan` says what of them to hide), and how
    current they are."""

    results: list
    figures: dict
    computed_at: object
    fresh: bool
    enrolments: int
    plan: dict | None = None  # None: the reader sees exact figures


def _current_summary(project, versions, threshold: int | None, *, wait: bool = True):
    """The project's summary: as stored when fresh; recomputed now when stale and the project
    is small (or has no summary yet); otherwise the last figures, marked as not fresh, with a
    refresh queued. A plan made for another threshold than the reader's, or by other rules,
    counts as stale.

    `wait=False` (the dashboard page): a small project whose stored figures are only behind
    the data or the date (same engine, same goals, a plan for this reader) is not recomputed
    in the request either: the page shows the last figures at once and asks `state`, which
    counts them, and then reloads."""

    version_ids = [v.pk for v in versions]

    def stored():
        summary = ProjectSummary.objects.filter(project=project).first()
        return summary, is_fresh(summary, version_ids) and _plan_fits(summary, threshold)

    summary, fresh = stored()
    if fresh:
        return summary, True
    small = summary is None or summary.enrolments <= LIVE_LIMIT
    if small and (wait or not _only_behind(summary, version_ids, threshold)):
        return refresh(project), True
    queue_refresh([project.pk])
    # A queue that runs its tasks at once (the tests', a development setting) has counted it.
    return stored()


def _only_behind(summary, version_ids, threshold) -> bool:
    """Stored figures that differ from current ones only by what was recorded since, or by the
    day: shown as they are while the queued refresh runs. Figures of another engine, of other
    goals (a goal just edited) or with a plan for another reader are not."""
    return (
        summary is not None
        and summary.computed_version is not None
        and summary.engine == ENGINE_VERSION
        and list(summary.goal_versions) == list(version_ids)
        and _plan_fits(summary, threshold)
    )


def _plan_fits(summary, threshold: int | None) -> bool:
    """The stored plan was made for a reader with `threshold` (None: exact figures, any)."""
    from . import publication

    return threshold is None or publication.made_for(summary.disclosure, threshold)


def state(project, *, threshold: int | None = None) -> bool:
    """Whether the project's figures are current for this reader, asked by a dashboard page
    that showed the last ones: a small project is counted now (the page is on the screen
    already, nobody waits for it), a large one when its queued refresh has run."""
    from . import engine

    _summary, fresh = _current_summary(project, engine.current_versions(project), threshold)
    if fresh:
        # A parent's page shows its parts' goal statuses too (part_statuses, wait=False): the
        # small parts behind are counted now, before the page reloads.
        for part in project.children.all():
            _current_summary(part, engine.current_versions(part), None)
    return fresh


def _plan_of(summary, threshold: int) -> dict:
    from . import publication

    plan = summary.disclosure or {}
    if not publication.made_for(plan, threshold):
        # Made for another threshold (the setting changed) or by other rules: nothing about
        # people until the queued refresh has made the right one.
        return publication.hidden_plan(threshold)
    return plan


def read(project, *, threshold: int | None = None, wait: bool = True) -> Dashboard:
    """The project's dashboard from its summary, for a reader with `threshold`
    (core.policy.disclosure_for; None: exact figures). `wait=False`: the last figures of a
    small project only behind the data are shown as they are, marked not fresh, while the
    queued refresh counts (the dashboard page; exports and reports wait for current ones)."""
    from . import engine

    versions = engine.current_versions(project)
    summary, fresh = _current_summary(project, versions, threshold, wait=wait)
    return _dashboard(project, summary, versions, fresh, threshold)


def read_stored(project, *, threshold: int) -> Dashboard | None:
    """The project's **stored** figures for a reader with `threshold`, never recomputed in the
    request (the public page: an anonymous request must not count the raw rows). None when no
    figures were ever computed. When they are not current (something was recorded since, or
    the plan was made for another threshold) they are returned marked not fresh, and a
    refresh is queued; a plan made for another threshold hides everything about people."""
    from . import engine, publication

    summary = ProjectSummary.objects.filter(project=project).first()
    if summary is None or summary.computed_version is None:
        return None
    versions = engine.current_versions(project)
    fresh = is_fresh(summary, [v.pk for v in versions]) and publication.made_for(
        summary.disclosure, threshold
    )
    if not fresh:
        queue_refresh([project.pk])
    return _dashboard(project, summary, versions, fresh, threshold)


def _dashboard(project, summary, versions, fresh: bool, threshold: int | None) -> Dashboard:
    """The stored goal rows as results, with the plan for `threshold` applied (None: exact)."""
    from . import publication

    by_key = {v.goal.key: v for v in versions}
    rows = GoalSummary.objects.filter(project=project).order_by("order")
    results = [_result(row, by_key.get(row.key)) for row in rows]
    plan = None
    if threshold:
        plan = _plan_of(summary, threshold)
        publication.apply(results, plan)
    return Dashboard(
        results=results,
        figures=summary.dashboard,
        computed_at=summary.computed_at,
        fresh=fresh,
        enrolments=summary.enrolments,
        plan=plan,
    )


def goal_results(project, *, threshold: int | None = None) -> list:
    return read(project, threshold=threshold).results


def disclosure_plan(project, threshold: int) -> dict:
    """The plan every route applies to this project's figures for readers with `threshold`
    (the same as the dashboard's, so no two routes disagree about a figure)."""
    from . import engine

    summary, _fresh = _current_summary(project, engine.current_versions(project), threshold)
    return _plan_of(summary, threshold)


def for_reader(project, results, threshold: int | None) -> list:
    """Results computed from the raw rows (a comparison, a command) as a reader with
    `threshold` may see them: the project's plan applied, the same as on every other route."""
    from . import publication

    if threshold:
        publication.apply(results, disclosure_plan(project, threshold))
    return results


def evaluate_for_threshold(project, threshold: int) -> list:
    """The project's goals computed now as a reader with another threshold than the project's
    would see them (an operator's question): a plan made on the spot over everything shown."""
    from . import engine, publication

    def count():
        context = counting_context(project)
        results = engine.evaluate_project(project, context=context)
        return results, figures_and_plan(project, results, context, threshold=threshold)[1]

    results, plan = counted(project, count)
    publication.apply(results, plan)
    return results


def plans(project_ids, threshold_of) -> dict[int, dict]:
    """The stored plans of several projects (one query), each checked against the reader's
    threshold in that project (`threshold_of(project_id)`); a mismatch shows nothing."""
    from . import publication

    out = {}
    for project_id, plan in ProjectSummary.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "disclosure"
    ):
        threshold = threshold_of(project_id)
        if threshold:
            ok = publication.made_for(plan, threshold)
            out[project_id] = plan if ok else publication.hidden_plan(threshold)
    return out


def _result(row: GoalSummary, version):
    from . import definitions as templates
    from . import engine
    from .engine.results import Cell, GoalResult

    if row.has_error and version is not None:
        # Why a definition cannot be computed is said in the reader's language.
        try:
            templates.validate_parameters(
                version.template, version.parameters, version.goal.project
            )
        except ValidationError as error:
            return engine.not_computable(version, error)
    data = dict(row.result)
    english = (get_language() or "").startswith("en")
    data["goal"] = row.title_en if english and row.title_en else row.title
    breakdown = {
        dimension: {group: _cell(Cell, cell) for group, cell in groups.items()}
        for dimension, groups in (data.pop("breakdown") or {}).items()
    }
    periods = data.pop("periods")
    result = GoalResult(
        **{k: v for k, v in data.items() if k in _RESULT_FIELDS},
        breakdown=breakdown,
        periods=None
        if periods is None
        else {period: _cell(Cell, cell) for period, cell in periods.items()},
    )
    return result


def _cell(cls, data: dict):
    return cls(**{k: v for k, v in data.items() if k in _CELL_FIELDS})


def _field_names(cls) -> set[str]:
    from dataclasses import fields

    return {f.name for f in fields(cls)}


def _init():
    from .engine.results import Cell, GoalResult

    return _field_names(Cell), _field_names(GoalResult) - {"breakdown", "periods"}


_CELL_FIELDS, _RESULT_FIELDS = _init()


# --- the portfolio ----------------------------------------------------------------------------


PORTFOLIO_COLUMNS = ["project_id", "key", "title", "title_en", "kind", "status", "numerator",
                     "denominator", "value", "ci_low", "ci_high", "missing", "target",
                     "result__template"]  # fmt: skip


def portfolio(projects) -> list[dict]:
    """Every goal of the given projects (ids, or a queryset of ids used as a subquery) from
    their summaries, top-level figures only, in two queries that build no model objects; each
    row says when its figures were computed and whether they are current. Small cells are for
    the caller to suppress."""
    state = {
        pk: (computed_at, in_step(*version_state))
        for pk, computed_at, *version_state in ProjectSummary.objects.filter(
            project_id__in=projects
        ).values_list(
            "project_id",
            "computed_at",
            "computed_version",
            "data_version",
            "computed_for",
            "valid_until",
            "engine",
        )
    }
    rows = (
        GoalSummary.objects.filter(project_id__in=projects)
        .order_by("project_id", "order")
        .values_list(*PORTFOLIO_COLUMNS)
    )
    out = []
    for values in rows:
        row = dict(zip(PORTFOLIO_COLUMNS, values, strict=True))
        row["template"] = row.pop("result__template")
        row["computed_at"], row["fresh"] = state.get(values[0], (None, False))
        out.append(row)
    return out


# --- a parent's parts -------------------------------------------------------------------------


PART_STATUSES = ["met", "not_met", "uncertain", "no_data"]


def part_statuses(
    projects, threshold: int | None, *, wait: bool = True
) -> dict[int, dict[str, int]]:
    """For the sub-project table of a parent: per project, how many of its own goals are met,
    not met, not yet certain or without data, from its summary (made current first, as its
    dashboard would) with its own plan applied for a reader with `threshold` (None: exact). A
    goal its plan hides counts as without data; a plan made for another threshold hides every
    goal about people (as in the portfolio). A fixed number of queries per project.
    `wait=False` (the parent's dashboard page): a part whose figures are only behind is not
    counted while the user waits (its refresh is queued; the page's `state` counts it)."""
    from . import engine, publication

    for project in projects:
        _current_summary(project, engine.current_versions(project), None, wait=wait)
    ids = [project.pk for project in projects]
    thresholds = {
        project.pk: None if threshold is None else max(threshold, project_threshold(project))
        for project in projects
    }
    stored = plans(ids, thresholds.get)
    counts = {pk: dict.fromkeys(PART_STATUSES, 0) for pk in ids}
    for row in portfolio(ids):
        status = row["status"] if row["status"] in PART_STATUSES else "no_data"
        plan = stored.get(row["project_id"])
        if plan is not None:
            decided = publication.top_level(plan, row["key"], row["template"])
            if decided is not None and decided[0] is None:
                status = "no_data"
        counts[row["project_id"]][status] += 1
    return counts


# --- keeping in step: signal receivers --------------------------------------------------------


def _project_of(instance) -> list[int] | models.QuerySet | None:
    """The project ids a saved or deleted row belongs to, without a query when the row knows."""
    from enrolments.models import Enrolment

    project_id = getattr(instance, "project_id", None)
    if project_id is not None:
        return [project_id]
    enrolment_id = getattr(instance, "enrolment_id", None)
    if enrolment_id is not None:
        return Enrolment.objects.filter(pk=enrolment_id).values_list("project_id", flat=True)
    return None


def _on_change(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    label = sender._meta.label
    if label == "core.Project":
        # A project moved to another parent: the parent it left counts it no more.
        mark_stale([instance.pk, getattr(instance, "_summaries_old_parent_id", None)])
    elif label == "participants.Participant":
        from enrolments.models import Enrolment

        mark_stale(
            Enrolment.objects.filter(participant_id=instance.pk).values_list(
                "project_id", flat=True
            )
        )
    elif label == "goals.GoalVersion":
        from .models import Goal

        mark_stale(Goal.objects.filter(pk=instance.goal_id).values_list("project_id", flat=True))
    elif label == "core.Area":
        mark_stale(_projects_of_area(instance.pk))
    elif label == "interventions.InterventionCategory":
        from interventions.models import Intervention

        mark_stale(
            Intervention.objects.filter(category_id=instance.pk).values_list(
                "project_id", flat=True
            )
        )
    elif label == "interventions.Intervention":
        # Moved to another project: the one it left counts its hours no more.
        mark_stale([instance.project_id, getattr(instance, "_summaries_old_project_id", None)])
    elif label == "goals.ReferenceValue":
        from core.models import Project

        mark_stale(
            Project.objects.filter(reference_programmes=instance.programme_id).values_list(
                "pk", flat=True
            )
        )
    else:
        ids = _project_of(instance)
        if ids is not None:
            mark_stale(ids)


def _projects_of_area(area_id: int) -> set[int]:
    """The projects whose figures name an area (its name is a breakdown's label): those it is
    an area of, and those with an enrolment or a household in it."""
    from core.models import Project
    from enrolments.models import Enrolment
    from participants.models import Household

    return {
        *Project.objects.filter(areas=area_id).values_list("pk", flat=True),
        *Enrolment.objects.filter(area_id=area_id).values_list("project_id", flat=True).distinct(),
        *Household.objects.filter(area_id=area_id).values_list("project_id", flat=True).distinct(),
    }


def _remembering(field: str):
    """A pre_save receiver that keeps the row's `field` as it was before the save (as
    `_summaries_old_<field>`), so the project it left is made stale too."""

    def remember(sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None:
            return
        old = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()
        setattr(instance, f"_summaries_old_{field}", old)

    return remember


def _on_m2m(sender, instance, action, pk_set=None, **kwargs):
    if type(instance)._meta.label == "core.Area":  # projects given or taken the area
        if action == "pre_clear":
            mark_stale(instance.projects.values_list("pk", flat=True))
        elif action in ("post_add", "post_remove"):
            mark_stale(pk_set or [])
        return
    if action in ("post_add", "post_remove", "post_clear"):
        _on_change(type(instance), instance)


# The models whose rows a goal or the dashboard counts.
WATCHED = [
    "core.Project",
    "core.TargetGroup",
    # Their names are labels of the figures (a breakdown by area, the hours by category).
    "core.Area",
    "interventions.InterventionCategory",
    "participants.Participant",
    "participants.Household",
    "enrolments.Enrolment",
    "enrolments.StatusChange",
    "enrolments.FollowUp",
    "interventions.Intervention",
    "interventions.Participation",
    "surveys.SurveyAnswer",
    "goals.Goal",
    "goals.GoalVersion",
    "goals.ReferenceValue",
    "prestudy.Stakeholder",
    "prestudy.Workshop",
    "prestudy.ProposedActivity",
    "prestudy.Risk",
    "prestudy.SwotItem",
    "prestudy.TargetGroupMapping",
    # The pre-study checklist: an item recorded done, and the partners' confirmations.
    "prestudy.Deliverable",
    "core.ProjectPartner",
]


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_save,
        pre_delete,
        pre_save,
    )

    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(_on_change, sender=model, dispatch_uid=f"summaries-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"summaries-delete-{label}")
    # Before a project is saved: its parent, whose roll-up is then stale too.
    pre_save.connect(
        _remembering("parent_id"),
        sender=apps.get_model("core.Project"),
        dispatch_uid="summaries-parent",
        weak=False,
    )
    # Deleting an area removes its projects' links before post_delete: mark them first.
    pre_delete.connect(
        lambda sender, instance, **kwargs: mark_stale(_projects_of_area(instance.pk)),
        sender=apps.get_model("core.Area"),
        dispatch_uid="summaries-area-deleted",
        weak=False,
    )
    pre_save.connect(
        _remembering("project_id"),
        sender=apps.get_model("interventions.Intervention"),
        dispatch_uid="summaries-intervention-project",
        weak=False,
    )
    enrolment = apps.get_model("enrolments.Enrolment")
    m2m_changed.connect(
        _on_m2m, sender=enrolment.target_groups.through, dispatch_uid="summaries-target-groups"
    )
    # A project's areas are the breakdown's groups, counted or not.
    m2m_changed.connect(
        _on_m2m,
        sender=apps.get_model("core.Project").areas.through,
        dispatch_uid="summaries-project-areas",
    )
    programme = apps.get_model("goals.ReferenceProgramme")
    m2m_changed.connect(
        _on_reference_programmes,
        sender=programme.projects.through,
        dispatch_uid="summaries-reference-programmes",
    )


def _on_reference_programmes(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    """A programme added to or removed from projects: those projects' reference goals change."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    from core.models import Project

    if isinstance(instance, Project):
        mark_stale([instance.pk])
    elif action == "pre_clear":
        mark_stale(instance.projects.values_list("pk", flat=True))
    else:
        mark_stale(pk_set or [])
