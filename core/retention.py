"""How long a project's personal data is kept: its end plus a retention period in months
(Project.retention_months, or settings.DEFAULT_RETENTION_MONTHS when empty). The one rule, used
by the project settings (core/views_settings.py) and the anonymisation task
(privacy.services.anonymise_expired)."""

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import log_action

# Longer than any project's documentation duty (ESF: ten years after the final payment).
MAX_RETENTION_MONTHS = 240


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_months(project) -> int:
    if project.retention_months is not None:
        return project.retention_months
    return settings.DEFAULT_RETENTION_MONTHS


def retention_ends_on(project) -> dt.date:
    """The last day the project's personal data is kept; it is anonymised after this day."""
    return add_months(project.ends_on, retention_months(project))


def set_retention(*, project, months: int | None, by) -> None:
    """Change the project's retention period (None: the installation's). Audited."""
    if months is not None and not 0 <= months <= MAX_RETENTION_MONTHS:
        raise ValidationError(
            {"retention_months": _("Between 0 and %(max)s months.") % {"max": MAX_RETENTION_MONTHS}}
        )
    with transaction.atomic():
        project.retention_months = months
        project.save(update_fields=["retention_months", "updated_at"])
        log_action(
            by=by, action="change", obj=project, project=project, fields=["retention_months"]
        )
