"""Spreadsheet import: keep the upload, check it (the dry run), and write it — all or nothing,
in one short write transaction.

The uploaded file is kept encrypted (Upload.set_content) and measured before anything parses
it (reader.measure: unpacked size, rows, zip bombs). import_upload() checks and prepares every
row outside any transaction — reading only — and then takes the write lock once, for the
INSERTs and UPDATEs it prepared (core.fastinsert.PreparedInsert), after making sure that nothing the
check read has changed meanwhile (validation.fingerprint; if it has, it checks again). On SQLite
the lock is thus held for about a second for 20,000 rows (docs/performance.md), not minutes.

Who may start an import is decided by one conditional UPDATE (claim()), so of two simultaneous
imports of one file exactly one runs. The file's bytes are emptied when the import is done or
has failed; an import interrupted by a dying worker keeps them for its retry, which starts over
(nothing of an unfinished import was ever written). Audit entries name objects and fields,
never values; every person found by identity number is logged, one entry each.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import clock
from core.audit import PreparedLog, current_request_id, log_action, log_people_shown
from core.collection import without_collection
from core.fastinsert import New, PreparedInsert, PreparedUpdate, reserve
from core.models import LogEntry
from core.signals import counted_data_changed
from enrolments.models import Enrolment, FollowUp, Status, StatusChange
from enrolments.signals import enrolments_exited
from interventions.models import Participation
from participants import identity
from participants.models import Consent, Participant
from surveys.models import Source, SurveyAnswer
from surveys.services import template_question

from .models import RowKey, Upload
from .reader import FileRefused, measure
from .validation import (
    ENROLMENT_FIELDS,
    Plan,
    check,
    fingerprint,
    scrub,
)

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 20000
KEEP_FOR = dt.timedelta(days=1)
WRITE_ATTEMPTS = 3  # checks again when someone changed the same people meanwhile


class ImportRefused(Exception):
    """The import cannot go ahead: the message says why, in the user's language."""


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def max_rows_per_day() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS_PER_DAY", 200_000))


def background_rows() -> int:
    return int(getattr(settings, "IMPORT_BACKGROUND_ROWS", 2000))


def background_bytes() -> int:
    """Unpacked text above which a file is checked in the background whatever its row count
    (a row can be long): about 1 kB a row at IMPORT_BACKGROUND_ROWS."""
    return background_rows() * 1024


def purge_expired() -> int:
    """Delete uploads older than a day (their content with them)."""
    deleted, _details = Upload.objects.filter(created_at__lt=clock.now() - KEEP_FOR).delete()
    return deleted


def prune_uploads(older_than: dt.timedelta = dt.timedelta(hours=2)) -> int:
    """Empty the kept file of every upload not imported within `older_than` of its upload: a
    check nobody went on to import, an import that failed, or one whose worker died and that
    nobody retried. Rows older than a day are deleted (purge_expired). Returns how many files
    were emptied. Registered as a pruner (imports/jobs.py): the worker's schedule and
    `manage.py prune` run it.
    An upload being imported right now is left alone unless its job is no longer running."""
    from jobs.models import Job

    cutoff = clock.now() - older_than
    stale = Upload.objects.filter(created_at__lt=cutoff).exclude(content=b"")
    busy = [Upload.State.IMPORTING, Upload.State.VALIDATING]
    running = {
        str(pk)
        for pk in Job.objects.filter(
            kind="imports.spreadsheet",
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        ).values_list("pk", flat=True)
    }
    emptied = 0
    for pk, state, job_id in stale.values_list("pk", "state", "job_id"):
        if state in busy and job_id in running:
            continue
        emptied += Upload.objects.filter(pk=pk, state=state).update(
            content=b"",
            state=Upload.State.FAILED if state in busy else state,
        )
    purge_expired()
    return emptied


def rows_today(user) -> int:
    """Rows this user uploaded in the last 24 hours (measured, then counted by the check)."""
    since = clock.now() - dt.timedelta(days=1)
    return (
        Upload.objects.filter(created_by=user, created_at__gte=since).aggregate(n=Sum("row_count"))[
            "n"
        ]
        or 0
    )


def store_upload(*, project, by, filename: str, content: bytes) -> Upload:
    """Keep an uploaded file server-side, encrypted, under a random id. Measures it first
    (reader.measure) and refuses empty, too large and bomb-like files, and a user's upload past
    IMPORT_MAX_ROWS_PER_DAY rows in a day. `upload.measure` tells the view how big it is."""
    if not content:
        raise FileRefused(_("The file is empty."))
    if len(content) > max_bytes():
        raise FileRefused(too_large_message())
    found = measure(content)
    purge_expired()
    if rows_today(by) + found.rows > max_rows_per_day():
        raise FileRefused(
            _(
                "You can check and import at most %(max)s rows a day, and this file would pass "
                "that limit: try again tomorrow, or ask an administrator to raise the limit."
            )
            % {"max": f"{max_rows_per_day():,}".replace(",", "\u00a0")}
        )
    upload = Upload(
        project=project,
        created_by=by,
        filename=(filename or "import")[-200:],
        size=len(content),
        row_count=found.rows,
        state=Upload.State.UPLOADED,
    )
    upload.set_content(content)
    upload.save()
    upload.measure = found
    log_action(by=by, action="create", obj=upload, project=project, fields=["content"])
    return upload


def in_background(upload: Upload) -> bool:
    """Whether the file is to be checked (and imported) by a background job — decided from its
    measure, before any parsing."""
    found = getattr(upload, "measure", None)
    if found is None:
        found = measure(upload.raw_content())
    return found.rows > background_rows() or found.uncompressed > background_bytes()


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB: split it into smaller files.") % {
        "mb": max_bytes() // (1024 * 1024)
    }


def gone_message() -> str:
    return _("The uploaded file is no longer kept: upload it again.")


def _content(upload: Upload) -> bytes:
    try:
        content = upload.raw_content()
    except InvalidToken:
        raise FileRefused(gone_message()) from None
    if not content:
        raise FileRefused(gone_message())
    return content


def _report(plan: Plan) -> dict:
    errors = [[row, scrub(column), scrub(message)] for row, column, message in plan.errors()]
    return {
        "counts": plan.counts(),
        "errors": errors[:MAX_STORED_ERRORS],
        "more_errors": max(0, len(errors) - MAX_STORED_ERRORS),
        "notes": [scrub(note) for note in plan.notes],
        "refused": "",
    }


def found_by_number(plan: Plan) -> list[int]:
    """The people already in the register whom the file's identity numbers found."""
    return sorted(
        {r.participant_id for r in plan.rows if r.hash and isinstance(r.participant_id, int)}
    )


def _lookup_logs(plan: Plan, *, by, project, reason: str) -> list[dict]:
    """One audit entry per person the file found by identity number (a look-up, even when the
    report does not show it): who looked, which person, why."""
    user = by if getattr(by, "is_authenticated", False) else None
    now = clock.now()
    request_id = current_request_id()
    found = found_by_number(plan)
    return [
        {
            "user_id": user.pk if user else None,
            "user_label": user.get_username() if user else "",
            "project_id": project.pk,
            "action": LogEntry.Action.VIEW.value,
            "object_type": "participants.Participant",
            "object_id": str(pk),
            "person_id": pk,
            "fields": ["identity_number"],
            "reason": reason,
            "request_id": request_id,
            "at": now,
        }
        for pk in found
    ]


def validate_upload(upload: Upload, *, progress=None) -> dict:
    """The dry run: check every row, store the report on the upload. Writes nothing else but
    the audit entries of the people it found."""
    try:
        plan = check(
            _content(upload),
            filename=upload.filename,
            project=upload.project,
            user=upload.created_by,
            progress=progress,
        )
        report = _report(plan)
        upload.row_count = len(plan.rows)
        log_people_shown(
            by=upload.created_by,
            project=upload.project,
            person_ids=found_by_number(plan),
            reason="import-check",
        )
    except FileRefused as error:
        report = {"counts": {}, "errors": [], "notes": [], "refused": str(error)}
    upload.report = report
    upload.state = Upload.State.VALIDATED
    upload.save(update_fields=["report", "state", "row_count"])
    return report


def rejected_rows(upload: Upload):
    """(headers, rows) of the rejected rows as in the file, with their reasons — for download."""
    plan = check(
        _content(upload),
        filename=upload.filename,
        project=upload.project,
        user=upload.created_by,
    )
    by_number = dict(plan.table.rows)
    out = []
    for row in plan.rejected:
        reasons = "; ".join(
            scrub(f"{column}: {message}" if column else message) for column, message in row.errors
        )
        values = ["" if v is None else str(v) for v in by_number.get(row.number, [])]
        values += [""] * (len(plan.table.headers) - len(values))
        out.append([row.number, reasons, *values])
    return [_("Row"), _("Reason"), *plan.table.headers], out


def claim(upload: Upload, *, state: str = Upload.State.IMPORTING) -> bool:
    """Move a checked upload on to `state` (importing, or being checked again) in one
    conditional UPDATE: of two simultaneous requests exactly one gets True."""
    won = Upload.objects.filter(pk=upload.pk, state=Upload.State.VALIDATED).update(state=state) == 1
    if won:
        upload.state = state
    return won


def busy_message(upload: Upload) -> str:
    upload.refresh_from_db(fields=["state"])
    if upload.state == Upload.State.IMPORTED:
        return _("This file has already been imported.")
    if upload.state == Upload.State.FAILED:
        return gone_message()
    return _("This file is already being imported.")


def _fail(upload: Upload, message: str) -> None:
    """The import failed: nothing was written; the file's bytes are emptied at once."""
    Upload.objects.filter(pk=upload.pk, state=Upload.State.IMPORTING).update(
        content=b"",
        state=Upload.State.FAILED,
        report={**(upload.report or {}), "refused": scrub(message)},
    )
    upload.content = b""
    upload.state = Upload.State.FAILED


def _back_to_checked(upload: Upload) -> None:
    Upload.objects.filter(pk=upload.pk, state=Upload.State.IMPORTING).update(
        state=Upload.State.VALIDATED
    )
    upload.state = Upload.State.VALIDATED


def import_upload(upload: Upload, *, by, only_valid: bool, progress=None) -> dict:
    """Check the file again and write it, all or nothing. With only_valid=False any rejected
    row stops the import; with True the rejected rows are left out.

    The upload is claimed first (checked -> importing), unless the caller has claimed it (the
    view before starting a job; a retried job finds it still importing). The check and the
    preparation run outside any transaction; the write is one short transaction. A refusal the
    user can act on leaves the upload checked; a failure empties the file (state failed); an
    unexpected error (a crash) leaves it checked with its file, so a retry starts over; so does
    a worker that died mid-way (the upload is still importing: its retried job goes on)."""
    if upload.state == Upload.State.IMPORTED:
        raise ImportRefused(_("This file has already been imported."))
    if upload.state != Upload.State.IMPORTING and not claim(upload):
        raise ImportRefused(busy_message(upload))
    try:
        content = _content(upload)
        for _attempt in range(WRITE_ATTEMPTS):
            plan = check(
                content, filename=upload.filename, project=upload.project, user=upload.created_by
            )
            rejected = len(plan.rejected)
            if rejected and not only_valid:
                _back_to_checked(upload)
                raise ImportRefused(
                    _("%(count)s rows have errors: correct them, or import only the valid rows.")
                    % {"count": rejected}
                )
            if not plan.valid:
                _back_to_checked(upload)
                raise ImportRefused(_("No row can be imported."))
            prepared = prepare_write(
                plan,
                project=upload.project,
                by=by,
                progress=progress,
                extra_logs=_lookup_logs(plan, by=by, project=upload.project, reason="import"),
            )
            with transaction.atomic():
                found = fingerprint(upload.project, plan.hashes, plan.keys, surveys=plan.surveys)
                if found != plan.fingerprint:
                    continue  # someone changed the same people since the check: check again
                still_ours = Upload.objects.filter(
                    pk=upload.pk, state=Upload.State.IMPORTING
                ).update(
                    content=b"",
                    state=Upload.State.IMPORTED,
                    imported_at=clock.now(),
                )
                if not still_ours:
                    raise ImportRefused(busy_message(upload))
                result = prepared.execute()
                result["rejected_rows"] = rejected
                Upload.objects.filter(pk=upload.pk).update(result=result)
                log_action(
                    by=by,
                    action="create",
                    obj=upload,
                    project=upload.project,
                    fields=sorted(k for k, v in result.items() if v),
                    reason="import",
                )
            upload.refresh_from_db()
            return result
        raise ImportRefused(changed_message())
    except ImportRefused as error:
        if upload.state == Upload.State.IMPORTING:
            _fail(upload, str(error))
        raise
    except FileRefused as error:
        _fail(upload, str(error))
        raise ImportRefused(str(error)) from None
    except IntegrityError:
        _fail(upload, changed_message())
        raise ImportRefused(changed_message()) from None
    except Exception:
        # A crash (nothing was written): the file stays, checked, for another try — by the
        # user, or by the job's retry, which starts over.
        _back_to_checked(upload)
        raise


def changed_message() -> str:
    return _(
        "Someone changed the same participants while the file was imported; nothing was "
        "saved. Upload the file again to check and import it."
    )


# --- the write ---------------------------------------------------------------------------------

# The survey questions the answers go to: found (or made from the template) inside the write
# transaction, once per import, and filled into the answers' rows like the new rows' ids.
SURVEY_QUESTIONS = "survey template questions"


def _status_path(current: str, merged: dict, all_recorded: bool) -> list[tuple[str, dt.date]]:
    """The statuses the enrolment moves through, forward only, with their dates."""
    steps = []
    status = current
    if status == "":
        steps.append((Status.REFERRED, merged["referred_on"]))
        status = Status.REFERRED
    if status == Status.REFERRED and merged["started_on"]:
        steps.append((Status.ACTIVE, merged["started_on"]))
        status = Status.ACTIVE
    if status in (Status.ACTIVE, Status.PAUSED) and merged["exited_on"]:
        steps.append((Status.EXITED, merged["exited_on"]))
        status = Status.EXITED
    if status == Status.EXITED and all_recorded:
        steps.append((Status.FOLLOWED_UP, all_recorded))
    return steps


@without_collection()
def prepare_write(
    plan: Plan, *, project, by, progress=None, extra_logs: list[dict] = ()
) -> "PreparedWrite":
    """Everything the import will write, built before the write transaction: every row's
    values converted for the database, new rows' ids as placeholders (fastinsert.New) filled in
    when the transaction reserves them. Builds nothing in the database."""
    ctx = plan.ctx
    user = by if getattr(by, "is_authenticated", False) else None
    now = clock.now()
    request_id = current_request_id()
    rows = [r for r in plan.valid if r.action in ("create", "update")]
    total = len(rows)
    user_id = user.pk if user else None
    user_label = user.get_username() if user else ""
    P, C, E = (m._meta.db_table for m in (Participant, Consent, Enrolment))
    logs: list[dict] = []

    def log(action, obj_type, obj_id, fields, person, reason="import"):
        logs.append(
            {
                "user_id": user_id,
                "user_label": user_label,
                "project_id": project.pk,
                "action": action,
                "object_type": obj_type,
                "object_id": obj_id if isinstance(obj_id, New) else str(obj_id),
                "person_id": person,
                "fields": sorted(fields),
                "reason": reason,
                "request_id": request_id,
                "at": now,
            }
        )

    # People
    new_people = [r for r in rows if r.participant_id is None]
    people = []
    for index, r in enumerate(new_people):
        person = r.person
        p = {
            "is_anonymous": r.identity is None,
            "given_name": person["given_name"] if r.identity else "",
            "family_name": person["family_name"] if r.identity else "",
            "gender": person["gender"],
            "birth_year": person["birth_year"],
            "region_of_birth": person["region_of_birth"],
            "arrival_year": person["arrival_year"],
            "education_level": person["education_level"],
            "created_by_id": user_id,
        }
        if r.identity is not None:
            p["identity_encrypted"] = identity.encrypt(r.identity)
            p["identity_hash"] = r.hash
            p["is_coordination_number"] = r.identity.is_coordination_number
        people.append(p)
        r.participant_id = New(P, index)
        fields = [k for k in ("given_name", "family_name", *PERSON_LOG) if person.get(k)]
        log(
            "create",
            "participants.Participant",
            New(P, index, text=True),
            [*fields, *(["identity_number"] if r.identity else ["is_anonymous"])],
            New(P, index),
        )
    if progress:
        progress(total // 4, total)
    row_keys = [
        {"project_id": project.pk, "key": r.row_key, "participant_id": r.participant_id}
        for r in new_people
        if r.identity is None
    ]
    # Consents
    consent_rows = [r for r in rows if r.needs_consent]
    consents = [
        {
            "participant_id": r.participant_id,
            "project_id": project.pk,
            "purposes": [Consent.Purpose.REGISTRATION.value],
            "given_on": r.consent_date,
            "given_by": "participant",
            "recorded_by_id": user_id,
        }
        for r in consent_rows
    ]
    consent_orgs = [
        {"consent_id": New(C, index), "organisation_id": o}
        for index in range(len(consents))
        for o in ctx.consent_organisations
    ]
    for index, r in enumerate(consent_rows):
        log(
            "create",
            "participants.Consent",
            New(C, index, text=True),
            ["organisations", "purposes", "given_on", "given_by"],
            r.participant_id,
        )
    # Enrolments
    new_rows = [r for r in rows if r.action == "create"]
    upd_rows = [r for r in rows if r.action == "update"]
    fu_by_row = {}
    for r in rows:
        current = plan.existing.get(r.enrolment_id, {}).get("follow_ups", {})
        fu_by_row[r.number] = _follow_up_plan(r, ctx, current)
    new_enrolments = []
    for index, r in enumerate(new_rows):
        status = _final_status("", r.merged, fu_by_row[r.number])
        values = {k: r.merged[k] for k in ENROLMENT_FIELDS}
        for k in CODE_FIELDS:
            values[k] = values[k] or ""
        new_enrolments.append(
            {"participant_id": r.participant_id, "project_id": project.pk, "status": status}
            | values
        )
        r.enrolment_id = New(E, index)
        log(
            "create",
            "enrolments.Enrolment",
            New(E, index, text=True),
            [
                *(k.removesuffix("_id") for k in ENROLMENT_FIELDS if r.merged[k] not in (None, "")),
                "status",
                *(["target_groups"] if r.target_groups else []),
                *(["survey_answers"] if r.new_answers else []),
            ],
            r.participant_id,
        )
    updates = []
    for r in upd_rows:
        current = plan.existing[r.enrolment_id]
        status = _final_status(current["status"], r.merged, fu_by_row[r.number])
        values = {
            k: (r.merged[k] if r.merged[k] is not None else ("" if k in CODE_FIELDS else None))
            for k in ENROLMENT_FIELDS
        }
        updates.append({"pk": r.enrolment_id, "status": status, "updated_at": now} | values)
        changed = [
            k.removesuffix("_id")
            for k in ENROLMENT_FIELDS
            if (current[k] if current[k] != "" else None) != r.merged[k]
        ]
        if status != current["status"]:
            changed.append("status")
        if r.new_answers:
            changed.append("survey_answers")
        log(
            "change",
            "enrolments.Enrolment",
            r.enrolment_id,
            changed or ["follow_ups"],
            r.participant_id,
        )
    if progress:
        progress(total // 2, total)
    # Status history, target groups
    changes = []
    for r in new_rows + upd_rows:
        current_status = plan.existing[r.enrolment_id]["status"] if r.action == "update" else ""
        for (to, on), before in _with_previous(
            _status_path(current_status, r.merged, _all_recorded_on(fu_by_row[r.number])),
            current_status,
        ):
            changes.append(
                {
                    "enrolment_id": r.enrolment_id,
                    "from_status": before,
                    "to_status": to,
                    "changed_on": on,
                    "changed_by_id": user_id,
                }
            )
    groups = [
        {"enrolment_id": r.enrolment_id, "targetgroup_id": g}
        for r in new_rows + upd_rows
        for g in r.target_groups
        - (
            plan.existing.get(r.enrolment_id, {}).get("target_groups", set())
            if r.action == "update"
            else set()
        )
    ]
    # Follow-ups
    fu_new, fu_upd = [], []
    for r in new_rows + upd_rows:
        for day, (pk, values, due_on, _recorded) in fu_by_row[r.number].items():
            if pk is None:
                fu_new.append(
                    {
                        "enrolment_id": r.enrolment_id,
                        "day": day,
                        "due_on": due_on,
                        "recorded_by_id": user_id if values.get("recorded_on") else None,
                        **values,
                    }
                )
            elif values:
                fu_upd.append({"pk": pk, "recorded_by_id": user_id, "updated_at": now, **values})
    # Participations
    part_new, part_upd = [], []
    for r in new_rows + upd_rows:
        current = (
            plan.existing.get(r.enrolment_id, {}).get("participations", {})
            if r.action == "update"
            else {}
        )
        exited = r.merged["exited_on"]
        for intervention_id, hours in r.participations.items():
            if intervention_id in current:
                if current[intervention_id]["attended_hours"] != hours:
                    part_upd.append(
                        {
                            "pk": current[intervention_id]["pk"],
                            "attended_hours": hours,
                            "updated_at": now,
                        }
                    )
                continue
            part_new.append(
                {
                    "intervention_id": intervention_id,
                    "enrolment_id": r.enrolment_id,
                    "started_on": r.merged["started_on"],
                    "ended_on": exited,
                    "attended_hours": hours,
                    "completion": (
                        Participation.Completion.COMPLETED.value
                        if exited
                        else Participation.Completion.ONGOING.value
                    ),
                }
            )
    # Survey answers: only those not yet recorded (validation._check_answers).
    survey_keys = sorted({key for r in new_rows + upd_rows for _o, key, _v, _d in r.new_answers})
    answers = [
        {
            "enrolment_id": r.enrolment_id,
            "occasion": occasion,
            "question_id": New(SURVEY_QUESTIONS, survey_keys.index(key)),
            "value": value,
            "answered_on": answered_on,
            "source": Source.IMPORT.value,
        }
        for r in new_rows + upd_rows
        for occasion, key, value, answered_on in r.new_answers
    ]
    # An exit recorded by the file ends the person's ongoing placements at the exit date,
    # as the exit form does (interventions answers the signal, in the write transaction).
    exits = {
        r.enrolment_id: r.merged["exited_on"]
        for r in upd_rows
        if r.merged["exited_on"]
        and plan.existing[r.enrolment_id]["status"] not in (Status.EXITED, Status.FOLLOWED_UP)
    }
    steps = [
        PreparedInsert(Participant, people, new=True),
        PreparedInsert(RowKey, row_keys),
        PreparedInsert(Consent, consents, new=True),
        PreparedInsert(Consent.organisations.through, consent_orgs),
        PreparedInsert(Enrolment, new_enrolments, new=True),
        PreparedUpdate(Enrolment, [*ENROLMENT_FIELDS, "status", "updated_at"], updates),
        PreparedInsert(StatusChange, changes),
        PreparedInsert(Enrolment.target_groups.through, groups),
        PreparedInsert(FollowUp, fu_new),
        PreparedUpdate(FollowUp, [*FOLLOW_UP_FIELDS, "recorded_by_id", "updated_at"], fu_upd),
        PreparedInsert(Participation, part_new),
        PreparedUpdate(Participation, ["attended_hours", "updated_at"], part_upd),
        PreparedInsert(SurveyAnswer, answers),
        PreparedLog([*logs, *extra_logs]),
    ]
    counts = plan.counts()
    result = {
        "new_people": counts["new_people"],
        "existing_people": counts["existing_people"],
        "new_enrolments": counts["new_enrolments"],
        "updated_enrolments": counts["updated_enrolments"],
        "unchanged_enrolments": counts["unchanged_enrolments"],
        "new_answers": len(answers),
        "answers_already_recorded": counts["answers_already_recorded"],
    }
    if progress:
        progress(total, total)
    return PreparedWrite(
        project=project,
        user=user,
        steps=steps,
        new_ids={
            P: (Participant, len(people)),
            C: (Consent, len(consents)),
            E: (Enrolment, len(new_enrolments)),
        },
        exits=exits,
        result=result,
        survey_keys=tuple(survey_keys),
        enrolments=[r.enrolment_id for r in new_rows + upd_rows],
    )


@dataclass
class PreparedWrite:
    project: object
    user: object
    steps: list
    new_ids: dict
    exits: dict
    result: dict
    survey_keys: tuple = ()
    # The enrolments the file creates or changes (New placeholders until written).
    enrolments: list = field(default_factory=list)

    @without_collection()
    def execute(self) -> dict:
        """The write itself: call inside the (short) write transaction."""
        ids = reserve(self.new_ids)
        ids[SURVEY_QUESTIONS] = [template_question(self.project, k).pk for k in self.survey_keys]
        for step in self.steps:
            step.execute(ids)
        if self.exits:
            exits = {
                (pk.resolve(ids) if isinstance(pk, New) else pk): on
                for pk, on in self.exits.items()
            }
            enrolments_exited.send(Enrolment, exits=exits, by=self.user)
        written = [pk.resolve(ids) if isinstance(pk, New) else pk for pk in self.enrolments]
        counted_data_changed.send(Enrolment, project_ids=[self.project.pk], enrolment_ids=written)
        return dict(self.result)


def write_rows(plan: Plan, *, project, by, progress=None) -> dict:
    """Prepare and write the plan's valid rows. Call inside a transaction."""
    return prepare_write(plan, project=project, by=by, progress=progress).execute()


PERSON_LOG = ("gender", "birth_year", "region_of_birth", "arrival_year", "education_level")
CODE_FIELDS = {
    "labour_market_status",
    "income_source",
    "swedish_level",
    "exit_reason",
    "exit_status",
    "exit_income_source",
}
FOLLOW_UP_FIELDS = ("reached", "status", "income_source", "source", "recorded_on")


def _with_previous(steps, first):
    before = first
    for step in steps:
        yield step, before
        before = step[0]


def _follow_up_plan(row, ctx, current: dict) -> dict:
    """day -> (existing pk or None, values to set (may be {}), due date), for an exited row;
    the project's follow-up days are created at exit as the exit form does."""
    exited = row.merged.get("exited_on") if row.merged else None
    if not exited:
        return {}
    days = set(ctx.follow_up_days) | set(row.follow_ups)
    out = {}
    for day in sorted(days):
        values = row.follow_ups.get(day) or {}
        existing = current.get(day)
        if existing is None:
            out[day] = (None, values, exited + dt.timedelta(days=day), values.get("recorded_on"))
        else:
            changed = bool(values) and any(existing[k] != v for k, v in values.items())
            recorded = values.get("recorded_on") if values else existing["recorded_on"]
            out[day] = (existing["pk"], values if changed else {}, existing["due_on"], recorded)
    return out


def _all_recorded_on(fu_plan: dict):
    """The last recording date when every follow-up is recorded, else None."""
    dates = [entry[3] for entry in fu_plan.values()]
    if not dates or any(d is None for d in dates):
        return None
    return max(dates)


def _final_status(current: str, merged: dict, fu_plan: dict) -> str:
    steps = _status_path(current, merged, _all_recorded_on(fu_plan))
    return steps[-1][0] if steps else current
