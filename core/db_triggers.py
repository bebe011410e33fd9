"""Database triggers the product installs itself (the audit log's guard, core/audit_db.py; the
hours kept per intervention, goals/hours.py): each module's statements run for the database at
hand, and which of its triggers a table has."""


def run(connection, statements: dict[str, list[str]]) -> None:
    """The statements for this connection's database (keyed by vendor), in order; none for
    another database."""
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def present(connection, table: str) -> set[str]:
    """The names of the enabled triggers on `table` (its own, not PostgreSQL's internal ones
    for foreign keys); none on another database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}
