"""The database's own guard of the audit log: triggers that refuse UPDATE, DELETE and TRUNCATE
on core_logentry (installed by core migration 0009; docs/audit.md).

On PostgreSQL the triggers hold for every role, including the table's owner, until the owner
drops or disables them — which is why the application's database role must not own the table
(docs/audit.md, "Database role"). `flush` (tests and `load_demo --flush`) empties every table
including the log: core's own flush command lifts the triggers for that one statement and puts
them back, which on PostgreSQL only the table's owner can.
"""

from core import db_triggers

MESSAGE = "The audit log is append-only."

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION core_logentry_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS core_logentry_no_change ON core_logentry",
    "DROP TRIGGER IF EXISTS core_logentry_no_truncate ON core_logentry",
    """
    CREATE TRIGGER core_logentry_no_change BEFORE UPDATE OR DELETE ON core_logentry
    FOR EACH ROW EXECUTE FUNCTION core_logentry_append_only()
    """,
    """
    CREATE TRIGGER core_logentry_no_truncate BEFORE TRUNCATE ON core_logentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_logentry_append_only()
    """,
]
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS core_logentry_no_change ON core_logentry",
    "DROP TRIGGER IF EXISTS core_logentry_no_truncate ON core_logentry",
]
# SQLite has no TRUNCATE: DELETE without WHERE fires the delete trigger.
SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS core_logentry_no_update",
    "DROP TRIGGER IF EXISTS core_logentry_no_delete",
    f"""
    CREATE TRIGGER core_logentry_no_update BEFORE UPDATE ON core_logentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER core_logentry_no_delete BEFORE DELETE ON core_logentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS core_logentry_no_update",
    "DROP TRIGGER IF EXISTS core_logentry_no_delete",
]
EXPECTED = {
    "postgresql": {"core_logentry_no_change", "core_logentry_no_truncate"},
    "sqlite": {"core_logentry_no_update", "core_logentry_no_delete"},
}


def install(connection) -> None:
    db_triggers.run(connection, {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL})


def uninstall(connection) -> None:
    db_triggers.run(connection, {"postgresql": POSTGRESQL_UNINSTALL, "sqlite": SQLITE_UNINSTALL})


def installed(connection) -> set[str]:
    """The append-only triggers present on core_logentry."""
    return db_triggers.present(connection, "core_logentry")


def missing(connection) -> set[str]:
    return EXPECTED.get(connection.vendor, set()) - installed(connection)
