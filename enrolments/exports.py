"""Downloads of the lists of people: the case list, the follow-up worklist (and, through
`log_people_exported`, the interventions' attendance lists).

A list of people leaves Följsam as core/export.py writes it. What is particular here:

- **The page's rows, all of them.** The caller gives the page's own queryset (the one
  visibility rule, the page's filters and order); the export holds every row it matches, not
  one page of it.
- **Streamed.** Rows are read with values() and `.iterator(chunk_size=…)`: the columns the
  export needs come from the query itself (joins and a subquery, no query per row), and no more
  than one chunk of rows is in memory at a time.
- **Every person exported is in the audit log**: one view entry per person, as a list page
  writes for the people it shows (core.audit.log_people_shown), written in chunks of
  `AUDIT_CHUNK` people before the file is sent. The people are read in the order of their ids,
  one chunk per query (keyset), so no database cursor is open while the log is written (SQLite
  cannot write on a connection whose read snapshot is older than another writer's commit) and
  memory stays flat however many people there are.
- **No identity numbers, no note texts**: the lists do not show them, so neither do their files.
"""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from core import clock, export
from core.audit import PERSON_TYPE, PreparedLog, current_request_id, log_people_shown
from core.export import Column
from core.models import LogEntry

from .models import FollowUp, Status

ITERATOR_CHUNK = 2000
AUDIT_CHUNK = 5000


def log_people_exported(request, queryset, person_field: str, reason: str) -> int:
    """One audit view entry per distinct person `queryset` holds (the participant's id under
    `person_field`), in chunks read by keyset. Returns the number of people logged."""
    ids = queryset.order_by().values_list(person_field, flat=True).distinct().order_by(person_field)
    last, logged = 0, 0
    while True:
        chunk = list(ids.filter(**{f"{person_field}__gt": last})[:AUDIT_CHUNK])
        if not chunk:
            return logged
        _log_people(request, chunk, reason)
        logged += len(chunk)
        last = chunk[-1]


def _log_people(request, person_ids: list[int], reason: str) -> None:
    """The entries core.audit.log_people_shown writes (a view of each person, by id, no
    purpose), appended to the chain by the prepared insert the import uses too
    (core.audit.PreparedLog: a canonical text template, a SHA-256 and a multi-row INSERT per
    entry, no model instances), which is what makes an export of a million people possible."""
    if len(person_ids) < 50:  # not worth a template
        log_people_shown(
            by=request.user, project=request.project, person_ids=person_ids, reason=reason
        )
        return
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    common = {
        "user_id": user.pk if user else None,
        "user_label": user.get_username() if user else "",
        "project_id": request.project.pk,
        "action": LogEntry.Action.VIEW.value,
        "object_type": PERSON_TYPE,
        "fields": [],
        "reason": reason,
        "request_id": current_request_id(),
        "at": clock.now(),
    }
    logs = [{**common, "object_id": str(pk), "person_id": pk} for pk in person_ids]
    with transaction.atomic():
        PreparedLog(logs).execute({})


def person_names():
    """name(given, family, anonymous, id): the participant's name as Participant.__str__ gives
    it, from the row's values (the labels translated once, not per row)."""
    anonymous = _("Anonymous participant %(id)s")
    unnamed = _("Participant %(id)s")

    def name(given, family, is_anonymous, pk):
        if is_anonymous:
            return anonymous % {"id": pk}
        return f"{given} {family}".strip() or unnamed % {"id": pk}

    return name


def user_name(first, last, username):
    """A user as the pages show them: the full name, or the username."""
    full = f"{first or ''} {last or ''}".strip()
    return full or username or ""


# --- the case list ----------------------------------------------------------------------------


def case_list_columns():
    return [
        Column("name", _("Name")),
        Column("status", _("Status")),
        Column("referred_on", _("Referred on"), export.DATE),
        Column("started_on", _("Started on"), export.DATE),
        Column("case_worker", _("Case worker")),
        Column("next_follow_up_on", _("Next follow-up due"), export.DATE),
    ]


CASE_LIST_FIELDS = (
    "participant_id",
    "participant__given_name",
    "participant__family_name",
    "participant__is_anonymous",
    "status",
    "referred_on",
    "started_on",
    "case_worker__first_name",
    "case_worker__last_name",
    "case_worker__username",
    "next_follow_up_on",
)


def case_list_rows(enrolments):
    """The case list's rows from its ordered queryset (annotated with next_follow_up_on).

    The labels are translated now, in the request's language; the rows are read while the
    file is sent (the row functions here return a generator made after the labels)."""
    name = person_names()
    statuses = {value: str(label) for value, label in Status.choices}

    def rows():
        values = enrolments.values_list(*CASE_LIST_FIELDS).iterator(chunk_size=ITERATOR_CHUNK)
        for pid, given, family, anon, status, referred, started, first, last, user, due in values:
            yield (
                name(given, family, anon, pid),
                statuses.get(status, status),
                referred,
                started,
                user_name(first, last, user) if user else None,
                due,
            )

    return rows()


def case_list_response(request, filtered, ordered, *, searched: bool):
    """The case list as a file: `filtered` is the page's queryset before its annotation and
    order (used for the audit), `ordered` the page's own, every row of it."""
    reason = "case list export, name search" if searched else "case list export"
    log_people_exported(request, filtered, "participant_id", reason)
    return export.response(
        request,
        name=_("Participants"),
        columns=case_list_columns(),
        rows=case_list_rows(ordered),
        fmt=export.requested_format(request),
        project=request.project,
    )


# --- the follow-up worklist -------------------------------------------------------------------


def worklist_columns(show_case_worker: bool):
    columns = [
        Column("group", _("Group")),
        Column("participant", _("Participant")),
        Column("follow_up", _("Follow-up")),
        Column("due_on", _("Due on"), export.DATE),
        Column("exited_on", _("Exited on"), export.DATE),
        Column("recorded_on", _("Recorded on"), export.DATE),
        Column("result", _("Result")),
    ]
    if show_case_worker:
        columns.append(Column("case_worker", _("Case worker")))
    return columns


WORKLIST_FIELDS = (
    "enrolment__participant_id",
    "enrolment__participant__given_name",
    "enrolment__participant__family_name",
    "enrolment__participant__is_anonymous",
    "day",
    "due_on",
    "enrolment__exited_on",
    "recorded_on",
    "reached",
    "status",
    "enrolment__case_worker__first_name",
    "enrolment__case_worker__last_name",
    "enrolment__case_worker__username",
)


def worklist_group_labels():
    return {
        "overdue": _("Overdue"),
        "due_soon": _("Within 14 days"),
        "due_month": _("Within 15–30 days"),
        "due_later": _("Later"),
        "done": _("Done"),
    }


def worklist_rows(groups: dict, show_case_worker: bool):
    """The worklist's groups one after the other, in the page's order within each."""
    name = person_names()
    labels = worklist_group_labels()
    statuses = {value: str(label) for value, label in FollowUp._meta.get_field("status").choices}
    unreached = _("Could not be reached (non-response)")
    day_text = _("day %(day)s")

    def rows():
        for key, queryset in groups.items():
            label = labels[key]
            values = queryset.values_list(*WORKLIST_FIELDS).iterator(chunk_size=ITERATOR_CHUNK)
            for row in values:
                pid, given, family, anon, day, due, exited, recorded, reached, status = row[:10]
                result = None
                if recorded is not None:
                    result = statuses.get(status, status) if reached else unreached
                cells = [
                    label,
                    name(given, family, anon, pid),
                    day_text % {"day": day},
                    due,
                    exited,
                    recorded,
                    result,
                ]
                if show_case_worker:
                    first, last, user = row[10:]
                    cells.append(user_name(first, last, user) if user else None)
                yield cells

    return rows()


def worklist_response(request, follow_ups, groups: dict, *, show_case_worker: bool):
    log_people_exported(
        request, follow_ups, "enrolment__participant_id", "follow-up worklist export"
    )
    return export.response(
        request,
        name=_("Follow-ups"),
        columns=worklist_columns(show_case_worker),
        rows=worklist_rows(groups, show_case_worker),
        fmt=export.requested_format(request),
        project=request.project,
    )


def next_follow_up_due():
    """The case list's "next follow-up due": the earliest unrecorded follow-up (a subquery)."""
    return Subquery(
        FollowUp.objects.filter(enrolment_id=OuterRef("pk"), recorded_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )


# --- an intervention's attendance list --------------------------------------------------------


def attendance_columns():
    return [
        Column("participant", _("Participant")),
        Column("started_on", _("Started"), export.DATE),
        Column("planned_hours", _("Planned hours"), export.DECIMAL),
        Column("attended_hours", _("Attended hours"), export.DECIMAL),
        Column("completion", _("Completion")),
        Column("ended_on", _("Ended on"), export.DATE),
    ]


ATTENDANCE_FIELDS = (
    "enrolment__participant_id",
    "enrolment__participant__given_name",
    "enrolment__participant__family_name",
    "enrolment__participant__is_anonymous",
    "started_on",
    "planned_hours",
    "attended_hours",
    "completion",
    "ended_on",
)


def attendance_rows(participations, completions: dict):
    name = person_names()

    def rows():
        values = participations.values_list(*ATTENDANCE_FIELDS).iterator(chunk_size=ITERATOR_CHUNK)
        for pid, given, family, anon, started, planned, attended, completion, ended in values:
            yield (
                name(given, family, anon, pid),
                started,
                planned,
                attended,
                completions.get(completion, completion),
                ended,
            )

    return rows()


def attendance_response(request, intervention, participations, completions: dict):
    """An intervention's attendance list as a file: every participant the page lists (all its
    pages), with the attendance fields only."""
    log_people_exported(
        request,
        participations,
        "enrolment__participant_id",
        f"attendance list export, intervention {intervention.pk}",
    )
    return export.response(
        request,
        name=_("Attendance %(intervention)s") % {"intervention": intervention.name},
        columns=attendance_columns(),
        rows=attendance_rows(participations, completions),
        fmt=export.requested_format(request),
        project=request.project,
    )
