"""Django's flush, which also empties the audit log: the append-only triggers (core/audit_db.py)
are lifted for the one statement and put back, in the same transaction where the database allows
it. Used by the test suite between transactional tests and by `load_demo --flush`'s callers; on
PostgreSQL only the table's owner may lift them, so the application's role (docs/audit.md) cannot
empty the log this way."""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from core import audit_db


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        audit_db.uninstall(connection)
        try:
            return super().handle(**options)
        finally:
            audit_db.install(connection)
