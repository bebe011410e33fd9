"""Today's date, in one place, so tests and demos can set the clock (no sleeping in tests)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    """The local date, or settings.FOLJSAM_TODAY ("YYYY-MM-DD" or a date) when it is set."""
    fixed = getattr(settings, "FOLJSAM_TODAY", None)
    if fixed:
        return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(fixed)
    return timezone.localdate()


def now() -> dt.datetime:
    """The current moment; on a fixed date (FOLJSAM_TODAY) that date at the current local time
    of day, so a demo's "figures valid up to" never shows another day than the demo's."""
    current = timezone.localtime()
    fixed = getattr(settings, "FOLJSAM_TODAY", None)
    if not fixed:
        return current
    return current.replace(year=today().year, month=today().month, day=today().day)


def real_now() -> dt.datetime:
    """The wall clock's moment, unaffected by FOLJSAM_TODAY: only for measuring how much real
    time has passed between two of the program's own events (a background job's heartbeat, the
    age of a task queue's row), never for a date a person reads or the product records."""
    return timezone.now()


def real_seconds() -> float:
    """Seconds since the epoch by the real wall clock, for security timers only (the idle
    timeout and the absolute age of a login session, accounts/middleware.py). Never the demo's
    fixed date: a session must expire after real minutes, whatever day the demo says it is.
    Tests replace this function instead of sleeping."""
    return real_now().timestamp()
