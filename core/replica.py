"""Reports may read from the read replica, and only where they say so (docs/scaling.md).

A view whose figures may be a few seconds old — the portfolio, the goal comparisons — runs
inside `reading_from_replica()`, as a decorator or a `with` block. The database router
(foljsam/routers.py) then sends its reads to the "replica" database, when one is configured
(REPLICA_DATABASE_URL). Everything else reads and writes the primary, as before:

- outside the scope, every query goes to the primary;
- a write goes to the primary, always; and from the first write on, the rest of the scope
  reads the primary too, so a request reads what it has just written (a summary computed while
  the user waits, an audit entry). A write is seen when a model is about to be saved or deleted
  (pre_save, pre_delete, m2m_changed: before the receivers that read the old row, connected
  first in core's ready()) and when a statement that changes data runs on the primary (an
  UPDATE of a queryset, raw SQL);
- inside a transaction on the primary (`transaction.atomic()`), reads go to the primary;
- who is signed in, who may see what and the audit log are read from the primary whatever the
  scope says (the router's PRIMARY_ONLY).

The scope is a context variable: it holds for the thread (or task) that entered it and ends
with the block, so a streamed response's rows, read after the view has returned, come from the
primary.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, pre_delete, pre_save

REPLICA = "replica"


@dataclass
class _Scope:
    written: bool = False


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "foljsam_replica_scope", default=None
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def reading_from_replica():
    """Let the reads inside the block go to the read replica (see the module's docstring).
    Usable as a decorator: `@reading_from_replica()`. A nested scope is its parent's, so a
    write anywhere inside sends every later read of the outer block to the primary too."""
    if _scope.get() is not None or not replica_configured():
        yield
        return
    scope = _Scope()
    token = _scope.set(scope)
    try:
        with connections[DEFAULT_DB_ALIAS].execute_wrapper(_WriteWatch(scope)):
            yield
    finally:
        _scope.reset(token)


# Statements that change no data: reads, transaction control and session settings (such as
# `SET LOCAL jit = off`). Any other statement counts as a write.
NOT_WRITES = frozenset(
    {"SELECT", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "SET", "SHOW", "EXPLAIN"}
)


class _WriteWatch:
    """Watches the statements run on the primary: the first write ends the scope's reading
    from the replica (read-your-writes). Marked before it runs, so a write that fails counts
    too."""

    def __init__(self, scope: _Scope):
        self.scope = scope

    def __call__(self, execute, sql, params, many, context):
        words = sql.split(None, 1)
        if not words or words[0].upper() not in NOT_WRITES:
            self.scope.written = True
        return execute(sql, params, many, context)


def _about_to_write(sender, **kwargs):
    scope = _scope.get()
    if scope is not None:
        scope.written = True


def connect_signals() -> None:
    for signal in (pre_save, pre_delete, m2m_changed):
        signal.connect(_about_to_write, dispatch_uid="core.replica.about_to_write")


def replica_allowed() -> bool:
    """Inside a scope in which nothing has been written to the primary yet."""
    scope = _scope.get()
    return scope is not None and not scope.written
