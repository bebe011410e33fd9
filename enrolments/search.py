"""Finding people and work: the case list's name search and "next action due" filter, and the
follow-up worklist's horizons. Everything is a filter on a queryset the caller got from
enrolments.access (the one visibility rule), so nothing here can widen what a user sees, and
everything is done by the database — no list of people is ever loaded to be filtered in Python.

The search by identity number is not here: it is an exact match on the keyed hash
(`Participant.objects.with_identity_number()`), made by the case list view from a POST.
"""

import datetime as dt
import re

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import OPEN_STATUSES, FollowUp

# A name search shorter than this is refused with a message (it would match nearly everyone).
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
# "Next action due": an open follow-up due within this many days from today, or overdue.
NEXT_ACTION_DAYS = 14

# The worklist's horizons, in days from today (inclusive bounds): overdue is before today.
SOON_DAYS = 14
MONTH_DAYS = 30


def name_terms(query: str) -> list[str]:
    """The words of a name search ("anna berg" → ["anna", "berg"]), at most five."""
    return (query or "").split()[:5]


def _contains(field: str, term: str, vendor: str) -> Q:
    """`field` contains `term`, ignoring case — also for å, ä, ö and other letters outside
    ASCII. PostgreSQL's ILIKE (Django's icontains) folds every letter of the database's
    encoding; SQLite's LIKE only folds ASCII, so there it is a case-insensitive regular
    expression, which Django runs with Python's `re` (Unicode-aware)."""
    if vendor == "sqlite":
        return Q(**{f"{field}__iregex": re.escape(term)})
    return Q(**{f"{field}__icontains": term})


def filter_by_name(enrolments: QuerySet, query: str) -> QuerySet:
    """Enrolments whose participant's given or family name contains every word of the query
    ("anna berg" finds Anna Berg and Annika Bergström). Anonymous participants have no name
    and are never found by name."""
    vendor = connections[enrolments.db].vendor
    for term in name_terms(query):
        enrolments = enrolments.filter(
            _contains("participant__given_name", term, vendor)
            | _contains("participant__family_name", term, vendor)
        )
    return enrolments


def open_follow_up():
    """A follow-up of the outer enrolment not yet recorded (for Exists())."""
    return FollowUp.objects.filter(enrolment_id=OuterRef("pk"), recorded_on__isnull=True)


def filter_caseload(enrolments: QuerySet, user) -> QuerySet:
    """ "My caseload": enrolments the user is responsible case worker for that are still open
    (referred, active, paused) or, after the exit, still have a follow-up to record."""
    return enrolments.filter(case_worker=user).filter(
        Q(status__in=OPEN_STATUSES) | Exists(open_follow_up())
    )


def filter_next_action_due(enrolments: QuerySet, current: dt.date) -> QuerySet:
    """Enrolments with a next action due: a follow-up not yet recorded that is overdue or
    falls due within NEXT_ACTION_DAYS days of today."""
    return enrolments.filter(
        Exists(open_follow_up().filter(due_on__lte=current + dt.timedelta(days=NEXT_ACTION_DAYS)))
    )


def follow_up_horizons(follow_ups: QuerySet, current: dt.date) -> dict[str, QuerySet]:
    """The worklist's groups, each its own query (cut into pages and counted by the database):
    overdue (due before today), due within 14 days (today to today + 14), within 15–30 days,
    later (after 30 days), and done (recorded, most recent first)."""
    open_ = follow_ups.filter(recorded_on__isnull=True)
    soon_until = current + dt.timedelta(days=SOON_DAYS)
    month_until = current + dt.timedelta(days=MONTH_DAYS)
    by_due = ("due_on", "pk")
    return {
        "overdue": open_.filter(due_on__lt=current).order_by(*by_due),
        "due_soon": open_.filter(due_on__gte=current, due_on__lte=soon_until).order_by(*by_due),
        "due_month": open_.filter(due_on__gt=soon_until, due_on__lte=month_until).order_by(*by_due),
        "due_later": open_.filter(due_on__gt=month_until).order_by(*by_due),
        "done": follow_ups.filter(recorded_on__isnull=False).order_by("-recorded_on", "-pk"),
    }
