"""The daily e-mail to each case worker: the follow-ups due this week, counted per project.

E-mail leaves the system, so it names no participant: no names, no identity numbers, no
enrolment ids — only the project, how many follow-ups fall due on which dates, and a link to the
follow-up worklist where the case worker, logged in, sees who they are. Which follow-ups count
is the worklist's "mine" rule: open follow-ups of enrolments the member is case worker for,
within what the membership may see (Enrolment.objects.visible_to).
"""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from django_tasks import task

from core.audit import log_action
from core.clock import today
from core.models import Membership

from .models import Enrolment, FollowUp

logger = logging.getLogger(__name__)

# The name the audit log has always used for a sent reminder (the code lived in jobs before).
AUDIT_OBJECT_TYPE = "jobs.FollowUpReminder"


@dataclass
class ProjectDue:
    project: object
    due_dates: Counter = field(default_factory=Counter)  # date -> number due that day
    overdue: int = 0

    @property
    def due(self) -> int:
        return sum(self.due_dates.values())


@dataclass
class Reminder:
    user: object
    projects: list[ProjectDue]

    @property
    def due(self) -> int:
        return sum(p.due for p in self.projects)

    @property
    def overdue(self) -> int:
        return sum(p.overdue for p in self.projects)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week the day is in."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _open_follow_ups(until: dt.date):
    return FollowUp.objects.filter(recorded_on__isnull=True, due_on__lte=until)


def collect_reminders(on: dt.date | None = None) -> list[Reminder]:
    """Who gets a reminder on the day, with what: per member and project, the open follow-ups
    of their own participants due this week (Monday to Sunday) and those overdue from before."""
    on = on or today()
    monday, sunday = week_of(on)
    candidates = (
        _open_follow_ups(sunday)
        .filter(enrolment__case_worker__isnull=False)
        .values_list("enrolment__case_worker_id", "enrolment__project_id")
        .distinct()
    )
    pairs = set(candidates)
    if not pairs:
        return []
    memberships = (
        Membership.objects.filter(
            user_id__in={user_id for user_id, _ in pairs},
            project_id__in={project_id for _, project_id in pairs},
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "project")
        .order_by("user_id", "project__title", "project_id")
    )
    by_user: dict[int, Reminder] = {}
    for membership in memberships:
        if (membership.user_id, membership.project_id) not in pairs:
            continue
        if not membership.has_capability("enrolments.view"):
            continue
        visible = Enrolment.objects.visible_to(membership).filter(case_worker=membership.user)
        due_dates = _open_follow_ups(sunday).filter(enrolment__in=visible.values("pk"))
        entry = ProjectDue(project=membership.project)
        for due_on in due_dates.values_list("due_on", flat=True):
            if due_on < monday:
                entry.overdue += 1
            else:
                entry.due_dates[due_on] += 1
        if entry.due or entry.overdue:
            reminder = by_user.setdefault(
                membership.user_id, Reminder(user=membership.user, projects=[])
            )
            reminder.projects.append(entry)
    return list(by_user.values())


def _already_sent(user, on: dt.date) -> bool:
    from core.models import LogEntry

    return LogEntry.objects.filter(
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(user.pk),
        reason__startswith=_reason_prefix(on),
    ).exists()


def _reason_prefix(on: dt.date) -> str:
    return f"follow-up reminder {on.isoformat()}"


def render_reminder(reminder: Reminder, on: dt.date) -> tuple[str, str]:
    """Subject and text of the e-mail, in the recipient's language."""
    monday, sunday = week_of(on)
    language = getattr(reminder.user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        projects = [
            {
                "title": entry.project.title_en
                if language == "en" and entry.project.title_en
                else entry.project.title,
                "due": entry.due,
                "overdue": entry.overdue,
                "dates": sorted(entry.due_dates.items()),
                "url": settings.SITE_URL
                + reverse("enrolments:follow_up_worklist", kwargs={"project_id": entry.project.pk}),
            }
            for entry in reminder.projects
        ]
        subject = ngettext(
            "Följsam: %(count)s follow-up due this week",
            "Följsam: %(count)s follow-ups due this week",
            reminder.due,
        ) % {"count": reminder.due}
        if not reminder.due:
            subject = ngettext(
                "Följsam: %(count)s follow-up is overdue",
                "Följsam: %(count)s follow-ups are overdue",
                reminder.overdue,
            ) % {"count": reminder.overdue}
        text = render_to_string(
            "enrolments/email/follow_up_reminder.txt",
            {
                "projects": projects,
                "monday": monday,
                "sunday": sunday,
                "week": on.isocalendar().week,
                "site_url": settings.SITE_URL,
            },
        )
    return subject, text


def send_follow_up_reminders(*, on: dt.date | None = None, dry_run: bool = False) -> dict:
    """E-mail each member their follow-ups due this week (once a day: a second run on the same
    day skips whoever got theirs). Each sent reminder is written to the audit log, naming the
    recipient by user id and the counts only. Returns counts for the caller to report."""
    on = on or today()
    summary = {"recipients": 0, "follow_ups": 0, "skipped": 0, "failed": 0, "planned": []}
    for reminder in collect_reminders(on):
        if _already_sent(reminder.user, on):
            summary["skipped"] += 1
            continue
        if dry_run:
            summary["planned"].append(
                {
                    "user_id": reminder.user.pk,
                    "username": reminder.user.get_username(),
                    "projects": {p.project.pk: (p.due, p.overdue) for p in reminder.projects},
                }
            )
            continue
        subject, text = render_reminder(reminder, on)
        try:
            send_mail(subject, text, None, [reminder.user.email])
        except Exception:
            logger.exception("The reminder to user %s could not be sent", reminder.user.pk)
            summary["failed"] += 1
            continue
        for entry in reminder.projects:
            log_action(
                by=None,
                action="export",
                object_type=AUDIT_OBJECT_TYPE,
                object_id=reminder.user.pk,
                project=entry.project,
                reason=f"{_reason_prefix(on)}: e-mailed, {entry.due} due this week, "
                f"{entry.overdue} overdue",
            )
        summary["recipients"] += 1
        summary["follow_ups"] += reminder.due + reminder.overdue
    return summary


@task()
def send_follow_up_reminders_task() -> dict:
    """The daily task (schedule it with cron: see docs/tasks.md)."""
    summary = send_follow_up_reminders()
    summary.pop("planned", None)
    return summary
