"""The goals' fact table (goals.models.EnrolmentFact) built from the raw rows and kept in step
with them in the writer's transaction.

One rule builds a fact row: `_source()`, a query over the enrolments that selects exactly the
fact table's columns (the engine's own age-band rule, population.age_band_expression, included),
so `rebuild()` is one DELETE and one INSERT … SELECT whatever the number of rows — for one
enrolment saved on a page, for the enrolments an import or a bulk service wrote, for a whole
project, or for every project (`manage.py rebuild_goal_facts`).

Who calls it: every write goals hears of (goals.summaries' model signal receivers and
core.signals.counted_data_changed) rebuilds the rows of the enrolments it touched, in the same
transaction, before the project's summary is marked stale. A refresh checks that the project's
rows are complete (two index counts) and rebuilds them when not — say, right after this table
was added to an installation with data.

tests/test_goal_facts.py proves, with Hypothesis, that after any sequence of writes the rows
equal a rebuild from the raw rows, and that the goals counted from them equal the engine's
count over the raw rows.
"""

import contextvars
import json
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Min,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from enrolments.models import Enrolment
from interventions.models import Participation

from .engine import population as pop
from .figures import followed_up_flag
from .models import EnrolmentFact

# The fact table's columns, in the order `_source()` selects them.
COLUMNS = [
    "enrolment_id",
    "project_id",
    "is_first",
    "target_group_id",
    "area_id",
    "gender",
    "region_of_birth",
    "age",
    "age_band",
    "started_on",
    "exited_on",
    "status",
    "exit_reason",
    "exit_status",
    "labour_market_status",
    "income_source",
    "categories",
    "followed_up",
]
# Category ids below this fit the bit set (a BIGINT holds 63 usable bits).
CATEGORY_BITS = 63


def category_bit(category_id: int):
    """The bit of a category in `EnrolmentFact.categories`, or None when its id is too large
    to have one (the engine then counts that goal over the raw rows)."""
    return 1 << category_id if 0 <= category_id < CATEGORY_BITS else None


def _categories():
    """The bit set of the intervention categories the enrolment took part in (0 for none)."""
    # PostgreSQL shifts a BIGINT by an INTEGER only.
    shift = Cast(F("intervention__category_id"), models.IntegerField())
    bit = Cast(Value(1), models.BigIntegerField()).bitleftshift(shift)
    taken = (
        Participation.objects.filter(
            enrolment_id=OuterRef("pk"), intervention__category_id__lt=CATEGORY_BITS
        )
        .order_by()
        .values("enrolment_id")
        .annotate(bits=Sum(bit, distinct=True))
        .values("bits")
    )
    return Coalesce(Subquery(taken, output_field=models.BigIntegerField()), Value(0))


def _source(enrolments):
    """The fact rows of `enrolments` (an Enrolment queryset), one per enrolment and target
    group, selecting COLUMNS in order."""
    through = Enrolment.target_groups.through
    first_group = (
        through.objects.filter(enrolment_id=OuterRef("pk"))
        .order_by()
        .values("enrolment_id")
        .annotate(first=Min("targetgroup_id"))
        .values("first")
    )
    expressions = {
        "_enrolment_id": F("pk"),
        "_project_id": F("project_id"),
        "_is_first": Case(
            When(target_groups__isnull=True, then=Value(True)),
            When(target_groups=Subquery(first_group), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "_target_group_id": F("target_groups"),
        "_area_id": F("area_id"),
        "_gender": F("participant__gender"),
        "_region_of_birth": F("participant__region_of_birth"),
        "_age_value": F("_age"),
        "_age_band": pop.age_band_expression(),
        "_started_on": F("started_on"),
        "_exited_on": F("exited_on"),
        "_status": F("status"),
        "_exit_reason": F("exit_reason"),
        "_exit_status": F("exit_status"),
        "_labour_market_status": F("labour_market_status"),
        "_income_source": F("income_source"),
        "_categories": _categories(),
        "_followed_up": followed_up_flag(),
    }
    names = list(expressions)
    assert len(names) == len(COLUMNS)
    return (
        enrolments.order_by()
        .annotate(_age=pop.age_at_start())
        .annotate(**expressions)
        .values_list(*names)
    )


def _insert_sql(enrolments) -> tuple[str, list]:
    sql, params = _source(enrolments).query.sql_with_params()
    table = connection.ops.quote_name(EnrolmentFact._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    return f"INSERT INTO {table} ({columns}) {sql}", list(params)


def _insert(enrolments) -> None:
    sql, params = _insert_sql(enrolments)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# A write rebuilds the rows of a few enrolments many times a day: its two statements are
# compiled once per database (building the query costs more than running it), with the ids
# passed as one JSON array parameter.
_IDS = "__goal_fact_ids__"
_ID_LIST = {
    "postgresql": "SELECT (jsonb_array_elements_text(%s::jsonb))::bigint",
    "sqlite": "SELECT value FROM json_each(%s)",
}
_COMPILED: dict[str, tuple[str, str, list, int]] = {}


def _compiled() -> tuple[str, str, list, int]:
    vendor = connection.vendor
    if vendor not in _COMPILED:
        id_list = _ID_LIST[vendor]
        # Constant SQL text: the ids are its one parameter.
        ids = RawSQL(id_list, [_IDS])  # noqa: S611
        insert, params = _insert_sql(Enrolment.objects.filter(pk__in=ids))
        table = connection.ops.quote_name(EnrolmentFact._meta.db_table)
        delete = f"DELETE FROM {table} WHERE enrolment_id IN ({id_list})"  # noqa: S608
        _COMPILED[vendor] = (delete, insert, params, params.index(_IDS))
    return _COMPILED[vendor]


def _lock(enrolments) -> None:
    """Lock the enrolments' rows (PostgreSQL; SQLite has one writer at a time): two rebuilds of
    one enrolment take turns, and the second's DELETE sees the first's committed rows."""
    list(enrolments.select_for_update().order_by("pk").values_list("pk", flat=True))


def _rebuild_enrolments(ids: list[int]) -> None:
    _lock(Enrolment.objects.filter(pk__in=ids))
    if connection.vendor not in _ID_LIST:  # another database: compiled each time
        EnrolmentFact.objects.filter(enrolment_id__in=ids).delete()
        _insert(Enrolment.objects.filter(pk__in=ids))
        return
    delete, insert, params, position = _compiled()
    given = json.dumps(ids)
    params = list(params)
    params[position] = given
    with connection.cursor() as cursor:
        cursor.execute(delete, [given])
        cursor.execute(insert, params)


def rebuild(*, enrolment_ids=None, project_ids=None) -> None:
    """Make the fact rows of these enrolments, or of every enrolment of these projects (and
    any row still filed under them), equal to the raw rows: one DELETE, one INSERT … SELECT.
    Call inside the writer's transaction (it is one transaction, or a savepoint of the
    writer's). Neither given: every enrolment."""
    with transaction.atomic():
        _rebuild(enrolment_ids, project_ids)


def _rebuild(enrolment_ids, project_ids) -> None:
    if enrolment_ids is not None:
        ids = sorted({int(pk) for pk in enrolment_ids if pk is not None})
        if not ids:
            return
        _rebuild_enrolments(ids)
    elif project_ids is not None:
        ids = sorted({int(pk) for pk in project_ids if pk is not None})
        if not ids:
            return
        _lock(Enrolment.objects.filter(project_id__in=ids))
        EnrolmentFact.objects.filter(project_id__in=ids).delete()
        EnrolmentFact.objects.filter(
            Exists(Enrolment.objects.filter(pk=OuterRef("enrolment_id"), project_id__in=ids))
        ).delete()
        _insert(Enrolment.objects.filter(project_id__in=ids))
    else:
        _lock(Enrolment.objects.all())
        EnrolmentFact.objects.all().delete()
        _insert(Enrolment.objects.all())


def complete(project_ids: list[int], using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether every enrolment of the projects has its counting row (two index counts), on the
    primary (a lagging replica would ask for a needless rebuild)."""
    ids = [int(pk) for pk in project_ids]
    if not ids:
        return True
    ops = connections[using].ops
    facts = ops.quote_name(EnrolmentFact._meta.db_table)
    enrolments = ops.quote_name(Enrolment._meta.db_table)
    listed = ", ".join(["%s"] * len(ids))
    # Both counts in one statement (one round trip: every refresh asks).
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {facts} WHERE is_first = %s "  # noqa: S608
            f"AND project_id IN ({listed})), "
            f"(SELECT COUNT(*) FROM {enrolments} WHERE project_id IN ({listed}))",
            [True, *ids, *ids],
        )
        rows, expected = cursor.fetchone()
    return rows == expected


# The sets of projects found complete within `checked_once()` (None outside it).
_checked: contextvars.ContextVar[set | None] = contextvars.ContextVar("facts_checked", default=None)


# What a count reads that does not change within it, read once (None outside checked_once()).
_read: contextvars.ContextVar[dict | None] = contextvars.ContextVar("facts_read", default=None)


@contextmanager
def checked_once():
    """Within it (one refresh: the goals, the flow, the hours), ensure() checks each set of
    projects once rather than once per reader, and read_once() reads once."""
    token = _checked.set(set())
    read = _read.set({})
    try:
        yield
    finally:
        _read.reset(read)
        _checked.reset(token)


def read_once(key, read):
    """`read()`, made once within checked_once() (one count) and every time outside it."""
    found = _read.get()
    if found is None:
        return read()
    if key not in found:
        found[key] = read()
    return found[key]


def counted_ids(project) -> list[int]:
    """project.counted_project_ids(), read once per count (read_once): the fact rows made
    complete, the goals' validation and every statement of the count ask. Read first for the
    fact rows, before the count's snapshot: a project moved meanwhile is counted as the tree
    was when its rows were made complete, and its move marks the figures stale."""
    return list(read_once(("counted_project_ids", project.pk), project.counted_project_ids))


def categories() -> list:
    """The intervention categories in their order: (id, code, name, name_en) each. Read once
    per count: its goals' validation, their participation measures and the hours all ask."""
    from interventions.models import InterventionCategory

    return read_once(
        "categories",
        lambda: list(
            InterventionCategory.objects.order_by("order", "code").values_list(
                "pk", "code", "name", "name_en"
            )
        ),
    )


def ensure(project_ids: list[int]) -> None:
    """Rebuild the projects' rows when some are missing (the first count of a project after
    this table came to an installation). Two readers at once: the second waits for the
    first's locks, finds the rows complete and writes nothing."""
    seen = _checked.get()
    key = tuple(sorted(project_ids))
    if seen is not None and key in seen:
        return
    if not complete(project_ids):
        with transaction.atomic():
            _lock(Enrolment.objects.filter(project_id__in=project_ids))
            if not complete(project_ids):
                rebuild(project_ids=project_ids)
    if seen is not None:
        seen.add(key)


def expected_rows(enrolments=None) -> list[tuple]:
    """The fact rows a rebuild would write for `enrolments` (all by default), sorted; for the
    tests and `manage.py rebuild_goal_facts --check`."""
    return sorted(_source(enrolments if enrolments is not None else Enrolment.objects.all()))


def stored_rows(enrolment_ids=None) -> list[tuple]:
    rows = EnrolmentFact.objects.order_by()
    if enrolment_ids is not None:
        rows = rows.filter(enrolment_id__in=enrolment_ids)
    return sorted(rows.values_list(*COLUMNS))


# --- kept in step: the writes goals hears of -------------------------------------------------

# Rows written in bulk without a model signal (core.signals.counted_data_changed) change the
# facts when they are of these kinds (a recorded follow-up: the flow's last stage); survey
# answers, households and partners do not.
FACT_SENDERS = {
    "enrolments.Enrolment",
    "participants.Participant",
    "interventions.Participation",
    "interventions.Intervention",
    "enrolments.FollowUp",
}


def _on_save(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: `manage.py rebuild_goal_facts` afterwards
        return
    label = sender._meta.label
    if label == "enrolments.Enrolment":
        rebuild(enrolment_ids=[instance.pk])
    elif label == "participants.Participant":
        rebuild(enrolment_ids=instance.enrolments.values_list("pk", flat=True))
    elif label == "interventions.Participation":
        rebuild(enrolment_ids=[instance.enrolment_id])
    elif label == "enrolments.FollowUp":
        old = getattr(instance, "_facts_old", None)
        if old != (instance.enrolment_id, instance.recorded_on is not None):
            rebuild(enrolment_ids={instance.enrolment_id, old and old[0]})
    elif label == "interventions.Intervention":
        if getattr(instance, "_facts_old_category_id", None) != instance.category_id:
            rebuild(enrolment_ids=instance.participations.values_list("enrolment_id", flat=True))


def _remember_category(sender, instance, raw=False, **kwargs):
    """Before an intervention is saved: its category, so only a new category rebuilds the rows
    of everyone taking part (a new name or date changes no goal)."""
    if not raw and instance.pk is not None:
        instance._facts_old_category_id = (
            sender.objects.filter(pk=instance.pk).values_list("category_id", flat=True).first()
        )


def _remember_follow_up(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a follow-up is saved: its enrolment and whether it was recorded, the only things
    of it the fact rows hold (the flow's "followed up"), so a new due date or a corrected
    answer rebuilds nothing. A save of named fields that are neither reads nothing."""
    if raw:
        return
    if instance.pk is None:  # new: as if it were an unrecorded follow-up of its enrolment
        instance._facts_old = (instance.enrolment_id, False)
    elif update_fields is not None and not {"recorded_on", "enrolment", "enrolment_id"} & set(
        update_fields
    ):
        instance._facts_old = (instance.enrolment_id, instance.recorded_on is not None)
    else:
        old = sender.objects.filter(pk=instance.pk).values_list("enrolment_id", "recorded_on")
        old = old.first()
        instance._facts_old = None if old is None else (old[0], old[1] is not None)


# Deleting one of these deletes every enrolment whose follow-ups and participations it
# cascades to, and with them their fact rows: those children rebuild nothing on the way.
_CASCADING = {"enrolments.Enrolment", "participants.Participant"}


def _cascaded(origin) -> bool:
    model = getattr(origin, "model", None) or type(origin)
    meta = getattr(model, "_meta", None)
    return meta is not None and meta.label in _CASCADING


def _on_delete(sender, instance, origin=None, **kwargs):
    label = sender._meta.label
    if label == "enrolments.Enrolment":
        EnrolmentFact.objects.filter(enrolment_id=instance.pk).delete()
    elif label in ("interventions.Participation", "enrolments.FollowUp"):
        if not _cascaded(origin):
            rebuild(enrolment_ids=[instance.enrolment_id])
    elif label == "core.TargetGroup":
        rebuild(enrolment_ids=getattr(instance, "_facts_enrolment_ids", []))


def _before_target_group_delete(sender, instance, **kwargs):
    """Deleting a target group removes its enrolments' links without an m2m signal: remember
    whose rows to rebuild once it is gone."""
    through = Enrolment.target_groups.through
    instance._facts_enrolment_ids = list(
        through.objects.filter(targetgroup_id=instance.pk).values_list("enrolment_id", flat=True)
    )


def _on_target_groups(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if reverse and action == "pre_clear":  # a target group's enrolments: remember whose
        _before_target_group_delete(sender, instance)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        rebuild(enrolment_ids=[instance.pk])
    elif action == "post_clear":
        rebuild(enrolment_ids=getattr(instance, "_facts_enrolment_ids", []))
    elif pk_set:
        rebuild(enrolment_ids=pk_set)


def _on_counted_data_changed(sender, *, project_ids=(), enrolment_ids=None, **kwargs):
    """Bulk writes: the enrolments they name, else every enrolment of their projects."""
    if sender._meta.label not in FACT_SENDERS:
        return
    if enrolment_ids is not None:
        rebuild(enrolment_ids=enrolment_ids)
    elif project_ids:
        rebuild(project_ids=project_ids)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

    from core.signals import counted_data_changed

    for label in sorted(FACT_SENDERS):
        model = apps.get_model(label)
        post_save.connect(_on_save, sender=model, dispatch_uid=f"facts-save-{label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"facts-delete-{label}")
    pre_save.connect(
        _remember_category,
        sender=apps.get_model("interventions.Intervention"),
        dispatch_uid="facts-intervention-category",
    )
    pre_save.connect(
        _remember_follow_up,
        sender=apps.get_model("enrolments.FollowUp"),
        dispatch_uid="facts-follow-up-recorded",
    )
    target_group = apps.get_model("core.TargetGroup")
    pre_delete.connect(
        _before_target_group_delete, sender=target_group, dispatch_uid="facts-target-group"
    )
    post_delete.connect(_on_delete, sender=target_group, dispatch_uid="facts-delete-group")
    m2m_changed.connect(
        _on_target_groups,
        sender=Enrolment.target_groups.through,
        dispatch_uid="facts-target-groups",
    )
    counted_data_changed.connect(_on_counted_data_changed, dispatch_uid="facts-counted-data")


def differing_enrolments(project_ids=None) -> set[int]:
    """The enrolments whose stored rows differ from a rebuild (of these projects, or all)."""
    enrolments = Enrolment.objects.all()
    stored = EnrolmentFact.objects.order_by()
    if project_ids:
        enrolments = enrolments.filter(project_id__in=project_ids)
        stored = stored.filter(project_id__in=project_ids)
    expected = set(_source(enrolments))
    kept = set(stored.values_list(*COLUMNS))
    return {row[0] for row in expected ^ kept}
