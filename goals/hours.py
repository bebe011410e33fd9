"""The attended hours of each intervention, kept by the database itself (goals.models.
InterventionHours), so that a refresh adds up a few rows per project instead of every
participation (631,000 at 100,000 enrolments: 135 ms, docs/performance.md).

Triggers on interventions_participation keep the sum and the number of participations of each
intervention in step with every write of a participation, whoever makes it: a page, a
service's bulk UPDATE, the import's COPY, a cascade, raw SQL. A trigger is one place for the
rule that no write path can miss, which signal receivers could not be (a bulk UPDATE sends none).

- PostgreSQL: one trigger per statement (INSERT, UPDATE, DELETE) with its transition tables, so
  a statement that writes 10,000 participations adds to each intervention's row once. The rows
  are written in intervention order, so two statements that touch the same interventions take
  their locks in the same order.
- SQLite: one trigger per row (SQLite has no statement triggers). A deleted participation only
  subtracts from a row that exists, so `flush` (which empties the tables one by one) leaves no
  row behind whatever its order.

What goes around them:
- TRUNCATE (only `flush` truncates, and it empties this table too);
- PostgreSQL's `session_replication_role = replica` (bench/national.py loads its rows so);
- a `loaddata` or a data-only restore that brings this table's rows as well as the
  participations: the triggers count the participations again.
After those, `manage.py rebuild_goal_facts`. The function runs with the search path it was
created under (a restore empties it).

On SQLite a migration that rebuilds `interventions_participation` (most field changes: a copy,
then a rename) drops the triggers with the old table, and one that rebuilds this table fails
on them: such a migration must call `install()` again. `tests/test_goal_facts.py` fails when
the migrated test database lacks a trigger.

On PostgreSQL a write holds its intervention's row until it commits: two writers of the same
intervention's participations take turns (no lost update).

`rebuild()` makes the table equal to the raw rows (`manage.py rebuild_goal_facts`), and
`differing()` compares them (`--check`, and tests/test_goal_facts.py after any sequence of
writes).
"""

from django.db import connection as default_connection
from django.db import transaction

from core import db_triggers

TABLE = "goals_interventionhours"
SOURCE = "interventions_participation"

_UPSERT = f"""
    INSERT INTO {TABLE} (intervention_id, hours, participations)
    SELECT intervention_id, SUM(hours), SUM(participations) FROM (
        {{rows}}
    ) AS changed
    GROUP BY intervention_id
    HAVING SUM(hours) <> 0 OR SUM(participations) <> 0
    ORDER BY intervention_id
    ON CONFLICT (intervention_id) DO UPDATE
    SET hours = {TABLE}.hours + EXCLUDED.hours,
        participations = {TABLE}.participations + EXCLUDED.participations
"""  # noqa: S608 (constant table names)
_ADDED = "SELECT intervention_id, attended_hours AS hours, 1 AS participations FROM added"
_REMOVED = "SELECT intervention_id, -attended_hours AS hours, -1 AS participations FROM removed"

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION goals_hours_changed() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_UPSERT.format(rows=_ADDED)};
        ELSIF TG_OP = 'DELETE' THEN
            {_UPSERT.format(rows=_REMOVED)};
        ELSE
            {_UPSERT.format(rows=f"{_ADDED} UNION ALL {_REMOVED}")};
        END IF;
        RETURN NULL;
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS goals_hours_insert ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS goals_hours_update ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS goals_hours_delete ON {SOURCE}",
    f"""
    CREATE TRIGGER goals_hours_insert AFTER INSERT ON {SOURCE}
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION goals_hours_changed()
    """,
    f"""
    CREATE TRIGGER goals_hours_update AFTER UPDATE ON {SOURCE}
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION goals_hours_changed()
    """,
    f"""
    CREATE TRIGGER goals_hours_delete AFTER DELETE ON {SOURCE}
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION goals_hours_changed()
    """,
]
POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS goals_hours_insert ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS goals_hours_update ON {SOURCE}",
    f"DROP TRIGGER IF EXISTS goals_hours_delete ON {SOURCE}",
    "DROP FUNCTION IF EXISTS goals_hours_changed()",
]

_SQLITE_ADD = f"""
    INSERT INTO {TABLE} (intervention_id, hours, participations)
    VALUES (NEW.intervention_id, NEW.attended_hours, 1)
    ON CONFLICT (intervention_id) DO UPDATE
    SET hours = hours + excluded.hours, participations = participations + 1;
"""  # noqa: S608
_SQLITE_SUBTRACT = f"""
    UPDATE {TABLE}
    SET hours = hours - OLD.attended_hours, participations = participations - 1
    WHERE intervention_id = OLD.intervention_id;
"""  # noqa: S608
SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS goals_hours_insert",
    "DROP TRIGGER IF EXISTS goals_hours_update",
    "DROP TRIGGER IF EXISTS goals_hours_delete",
    f"CREATE TRIGGER goals_hours_insert AFTER INSERT ON {SOURCE} BEGIN {_SQLITE_ADD} END",
    f"""
    CREATE TRIGGER goals_hours_update AFTER UPDATE OF attended_hours, intervention_id ON {SOURCE}
    BEGIN {_SQLITE_SUBTRACT} {_SQLITE_ADD} END
    """,
    f"CREATE TRIGGER goals_hours_delete AFTER DELETE ON {SOURCE} BEGIN {_SQLITE_SUBTRACT} END",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS goals_hours_insert",
    "DROP TRIGGER IF EXISTS goals_hours_update",
    "DROP TRIGGER IF EXISTS goals_hours_delete",
]
EXPECTED = {"goals_hours_insert", "goals_hours_update", "goals_hours_delete"}


def install(connection=default_connection) -> None:
    db_triggers.run(connection, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def uninstall(connection=default_connection) -> None:
    db_triggers.run(connection, {"postgresql": POSTGRESQL_UNINSTALL, "sqlite": SQLITE_UNINSTALL})


def missing(connection=default_connection) -> set[str]:
    """The triggers not installed (or disabled) on interventions_participation."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return set()
    return EXPECTED - db_triggers.present(connection, SOURCE)


def rebuild(connection=default_connection) -> None:
    """Every intervention's row from its participations: one DELETE, one INSERT … SELECT. On
    PostgreSQL the participations are locked against writes until the transaction ends, so no
    write's trigger falls between the two statements (SQLite has one writer at a time)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {SOURCE} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (intervention_id, hours, participations) "  # noqa: S608
            f"SELECT intervention_id, SUM(attended_hours), COUNT(*) FROM {SOURCE} "
            "GROUP BY intervention_id"
        )


def stored() -> dict[int, tuple]:
    """{intervention id: (hours, participations)} as kept (rows left at zero by deletes are
    the same as no row)."""
    from .figures import in_tenths
    from .models import InterventionHours

    rows = InterventionHours.objects.order_by().values_list(
        "intervention_id", "hours", "participations"
    )
    kept = {pk: (in_tenths(hours), n) for pk, hours, n in rows}
    return {pk: row for pk, row in kept.items() if row != (0, 0)}


def expected() -> dict[int, tuple]:
    """The same, added up from the participations."""
    from django.db.models import Count, Sum

    from interventions.models import Participation

    from .figures import in_tenths

    rows = (
        Participation.objects.order_by()
        .values("intervention_id")
        .annotate(hours=Sum("attended_hours"), n=Count("pk"))
    )
    return {row["intervention_id"]: (in_tenths(row["hours"]), row["n"]) for row in rows}


def differing() -> set[int]:
    """The interventions whose kept hours differ from their participations'."""
    kept, counted = stored(), expected()
    return {pk for pk in kept.keys() | counted.keys() if kept.get(pk) != counted.get(pk)}
