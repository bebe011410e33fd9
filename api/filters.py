"""`?changed_since=<ISO 8601 date-time>`: the rows changed at or after that moment."""

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

CHANGED_SINCE = "changed_since"


def parse_moment(value: str) -> dt.datetime | None:
    """An aware datetime in UTC from ISO 8601 text, or None when the text is not one (also for
    dates too close to the ends of the calendar to be converted to UTC)."""
    try:
        moment = parse_datetime(value.strip())
        if moment is None:
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def changed_since(request) -> dt.datetime | None:
    raw = request.query_params.get(CHANGED_SINCE)
    if raw is None or raw == "":
        return None
    moment = parse_moment(raw)
    if moment is None:
        raise exceptions.ValidationError(
            {
                CHANGED_SINCE: [
                    _(
                        "Give a date and time in ISO 8601, e.g. 2026-01-31T12:00:00Z "
                        "(write + as %2B in a URL)."
                    )
                ]
            }
        )
    return moment


def filter_changed_since(queryset, request):
    moment = changed_since(request)
    return queryset if moment is None else queryset.filter(updated_at__gte=moment)
