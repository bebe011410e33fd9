"""The database router: reports read from the read replica, everything else the primary.

Active when settings.DATABASES has a "replica" (REPLICA_DATABASE_URL, docs/scaling.md); without
one, every query goes to "default" as if there were no router. The rules are in core/replica.py.
"""

from django.db import connections

from core.replica import REPLICA, replica_allowed

PRIMARY = "default"

# Read from the primary even inside a replica scope: who is signed in (a session written a
# moment ago by the login), who may see what (a membership just ended must end at once), and
# the audit log (appended to under a lock on the primary). App labels, or app.model labels.
PRIMARY_ONLY = frozenset(
    {
        "sessions",
        "auth",
        "accounts",
        "axes",
        "otp_totp",
        "otp_static",
        "core.membership",
        "core.logentry",
    }
)


class ReplicaRouter:
    """Reads inside `core.replica.reading_from_replica()` go to the replica; nothing else."""

    def db_for_read(self, model, **hints):
        if (
            replica_allowed()
            and not connections[PRIMARY].in_atomic_block
            and model._meta.app_label not in PRIMARY_ONLY
            and model._meta.label_lower not in PRIMARY_ONLY
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: a row read from either is the same row.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets its tables by replication, never by `migrate`.
        return db == PRIMARY
