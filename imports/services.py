"""Spreadsheet import: keep the upload, check it (the dry run), and write it in one transaction.

Nothing is written to the participant tables before import_upload(); it re-checks the file
inside its transaction and writes every valid row with bulk queries (a few per 2,000 rows), so
the whole import is all or nothing. Audit entries name objects and fields, never values.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.audit import current_request_id, log_action
from core.models import LogEntry
from core.signals import counted_data_changed
from enrolments.models import Enrolment, FollowUp, Status, StatusChange
from enrolments.signals import enrolments_exited
from interventions.models import Participation
from participants import identity
from participants.models import Consent, Participant

from .fastinsert import insert
from .models import RowKey, Upload
from .reader import FileRefused
from .validation import CHUNK, ENROLMENT_FIELDS, Plan, check

MAX_STORED_ERRORS = 20000
KEEP_FOR = dt.timedelta(days=1)


class ImportRefused(Exception):
    """The import cannot go ahead: the message says why, in the user's language."""


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def purge_expired() -> int:
    """Delete uploads older than a day (their content with them)."""
    deleted, _details = Upload.objects.filter(created_at__lt=clock.now() - KEEP_FOR).delete()
    return deleted


def store_upload(*, project, by, filename: str, content: bytes) -> Upload:
    """Keep an uploaded file server-side under a random id. Refuses empty and too large files."""
    if not content:
        raise FileRefused(_("The file is empty."))
    if len(content) > max_bytes():
        raise FileRefused(too_large_message())
    purge_expired()
    upload = Upload.objects.create(
        project=project,
        created_by=by,
        filename=(filename or "import")[-200:],
        size=len(content),
        content=content,
        state=Upload.State.UPLOADED,
    )
    log_action(by=by, action="create", obj=upload, project=project, fields=["content"])
    return upload


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB: split it into smaller files.") % {
        "mb": max_bytes() // (1024 * 1024)
    }


def estimated_rows(content: bytes) -> int:
    """A cheap row count to decide between the page and the background (not exact)."""
    if content[:4] == b"PK\x03\x04":
        return len(content) // 60  # about 60 compressed bytes a row in practice
    return content.count(b"\n")


def _report(plan: Plan) -> dict:
    errors = plan.errors()
    return {
        "counts": plan.counts(),
        "errors": errors[:MAX_STORED_ERRORS],
        "more_errors": max(0, len(errors) - MAX_STORED_ERRORS),
        "notes": plan.notes,
        "refused": "",
    }


def validate_upload(upload: Upload, *, progress=None) -> dict:
    """The dry run: check every row, store the report on the upload. Writes nothing else."""
    try:
        plan = check(
            bytes(upload.content),
            filename=upload.filename,
            project=upload.project,
            user=upload.created_by,
            progress=progress,
        )
        report = _report(plan)
        upload.row_count = len(plan.rows)
    except FileRefused as error:
        report = {"counts": {}, "errors": [], "notes": [], "refused": str(error)}
    upload.report = report
    upload.state = Upload.State.VALIDATED
    upload.save(update_fields=["report", "state", "row_count"])
    return report


def rejected_rows(upload: Upload):
    """(headers, rows) of the rejected rows as in the file, with their reasons — for download."""
    plan = check(
        bytes(upload.content),
        filename=upload.filename,
        project=upload.project,
        user=upload.created_by,
    )
    by_number = dict(plan.table.rows)
    out = []
    for row in plan.rejected:
        reasons = "; ".join(
            f"{column}: {message}" if column else message for column, message in row.errors
        )
        values = ["" if v is None else str(v) for v in by_number.get(row.number, [])]
        values += [""] * (len(plan.table.headers) - len(values))
        out.append([row.number, reasons, *values])
    return [_("Row"), _("Reason"), *plan.table.headers], out


def import_upload(upload: Upload, *, by, only_valid: bool, progress=None) -> dict:
    """Check the file again and write it, all or nothing. With only_valid=False any rejected
    row stops the import; with True the rejected rows are left out."""
    if upload.state == Upload.State.IMPORTED:
        raise ImportRefused(_("This file has already been imported."))
    try:
        with transaction.atomic():
            plan = check(
                bytes(upload.content),
                filename=upload.filename,
                project=upload.project,
                user=upload.created_by,
            )
            rejected = len(plan.rejected)
            if rejected and not only_valid:
                raise ImportRefused(
                    _("%(count)s rows have errors: correct them, or import only the valid rows.")
                    % {"count": rejected}
                )
            if not plan.valid:
                raise ImportRefused(_("No row can be imported."))
            result = write_rows(plan, project=upload.project, by=by, progress=progress)
            result["rejected_rows"] = rejected
            log_action(
                by=by,
                action="create",
                obj=upload,
                project=upload.project,
                fields=sorted(k for k, v in result.items() if v),
                reason="import",
            )
            upload.content = b""
            upload.state = Upload.State.IMPORTED
            upload.result = result
            upload.imported_at = clock.now()
            upload.save(update_fields=["content", "state", "result", "imported_at"])
    except FileRefused as error:
        raise ImportRefused(str(error)) from None
    except IntegrityError:
        raise ImportRefused(
            _(
                "Someone changed the same participants while the file was imported; nothing "
                "was saved. Check the file again and import it."
            )
        ) from None
    return result


# --- the write ---------------------------------------------------------------------------------


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


def write_rows(plan: Plan, *, project, by, progress=None) -> dict:
    """Write the plan's valid rows. Call inside a transaction (import_upload does)."""
    ctx = plan.ctx
    user = by if getattr(by, "is_authenticated", False) else None
    now = clock.now()
    request_id = current_request_id()
    counts = plan.counts()
    rows = [r for r in plan.valid if r.action in ("create", "update")]
    total = len(rows)
    logs: list[dict] = []
    user_id = user.pk if user else None
    user_label = user.get_username() if user else ""

    def log(action, obj_type, obj_id, fields, reason=""):
        logs.append(
            {
                "user_id": user_id,
                "user_label": user_label,
                "project_id": project.pk,
                "action": action,
                "object_type": obj_type,
                "object_id": str(obj_id),
                "fields": sorted(fields),
                "reason": reason,
                "request_id": request_id,
            }
        )

    for start in range(0, total, CHUNK):
        chunk = rows[start : start + CHUNK]
        # People
        new_people = [r for r in chunk if r.participant_id is None]
        people = []
        for r in new_people:
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
        people_pks = insert(Participant, people, returning=True)
        for r, pk in zip(new_people, people_pks, strict=True):
            r.participant_id = pk
            fields = [k for k in ("given_name", "family_name", *PERSON_LOG) if r.person.get(k)]
            log(
                "create",
                "participants.Participant",
                pk,
                [*fields, *(["identity_number"] if r.identity else ["is_anonymous"])],
                "import",
            )
        insert(
            RowKey,
            [
                {"project_id": project.pk, "key": r.row_key, "participant_id": r.participant_id}
                for r in new_people
                if r.identity is None
            ],
        )
        # Consents
        consent_rows = [r for r in chunk if r.needs_consent]
        consents = insert(
            Consent,
            [
                {
                    "participant_id": r.participant_id,
                    "project_id": project.pk,
                    "purposes": [Consent.Purpose.REGISTRATION.value],
                    "given_on": r.consent_date,
                    "given_by": "participant",
                    "recorded_by_id": user_id,
                }
                for r in consent_rows
            ],
            returning=True,
        )
        insert(
            Consent.organisations.through,
            [
                {"consent_id": c, "organisation_id": o}
                for c in consents
                for o in ctx.consent_organisations
            ],
        )
        for c in consents:
            log(
                "create",
                "participants.Consent",
                c,
                ["organisations", "purposes", "given_on", "given_by"],
                "import",
            )
        # Enrolments
        new_rows = [r for r in chunk if r.action == "create"]
        upd_rows = [r for r in chunk if r.action == "update"]
        fu_by_row = {}
        for r in chunk:
            current = plan.existing.get(r.enrolment_id, {}).get("follow_ups", {})
            fu_by_row[r.number] = _follow_up_plan(r, ctx, current)
        new_enrolments = []
        for r in new_rows:
            status = _final_status("", r.merged, fu_by_row[r.number])
            values = {k: r.merged[k] for k in ENROLMENT_FIELDS}
            for k in (
                "labour_market_status",
                "income_source",
                "swedish_level",
                "exit_reason",
                "exit_status",
                "exit_income_source",
            ):
                values[k] = values[k] or ""
            new_enrolments.append(
                {
                    "participant_id": r.participant_id,
                    "project_id": project.pk,
                    "status": status,
                    **values,
                }
            )
        enrolment_pks = insert(Enrolment, new_enrolments, returning=True)
        for r, pk in zip(new_rows, enrolment_pks, strict=True):
            r.enrolment_id = pk
            log(
                "create",
                "enrolments.Enrolment",
                pk,
                [
                    *(
                        k.removesuffix("_id")
                        for k in ENROLMENT_FIELDS
                        if r.merged[k] not in (None, "")
                    ),
                    "status",
                    *(["target_groups"] if r.target_groups else []),
                ],
                "import",
            )
        updates, changes = [], []
        for r in upd_rows:
            current = plan.existing[r.enrolment_id]
            status = _final_status(current["status"], r.merged, fu_by_row[r.number])
            values = {
                k: (r.merged[k] if r.merged[k] is not None else ("" if k in CODE_FIELDS else None))
                for k in ENROLMENT_FIELDS
            }
            updates.append(Enrolment(pk=r.enrolment_id, status=status, updated_at=now, **values))
            changed = [
                k.removesuffix("_id")
                for k in ENROLMENT_FIELDS
                if (current[k] if current[k] != "" else None) != r.merged[k]
            ]
            if status != current["status"]:
                changed.append("status")
            log(
                "change",
                "enrolments.Enrolment",
                r.enrolment_id,
                changed or ["follow_ups"],
                "import",
            )
        Enrolment.objects.bulk_update(updates, [*ENROLMENT_FIELDS, "status", "updated_at"])
        # Status history, target groups
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
        insert(StatusChange, changes)
        insert(
            Enrolment.target_groups.through,
            [
                {"enrolment_id": r.enrolment_id, "targetgroup_id": g}
                for r in new_rows + upd_rows
                for g in r.target_groups
                - plan.existing.get(r.enrolment_id, {}).get("target_groups", set())
            ],
        )
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
                    fu_upd.append(FollowUp(pk=pk, recorded_by=user, updated_at=now, **values))
        insert(FollowUp, fu_new)
        FollowUp.objects.bulk_update(fu_upd, [*FOLLOW_UP_FIELDS, "recorded_by", "updated_at"])
        # Participations
        part_new, part_upd = [], []
        for r in new_rows + upd_rows:
            current = plan.existing.get(r.enrolment_id, {}).get("participations", {})
            exited = r.merged["exited_on"]
            for intervention_id, hours in r.participations.items():
                if intervention_id in current:
                    if current[intervention_id]["attended_hours"] != hours:
                        part_upd.append(
                            Participation(
                                pk=current[intervention_id]["pk"],
                                attended_hours=hours,
                                updated_at=now,
                            )
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
        insert(Participation, part_new)
        Participation.objects.bulk_update(part_upd, ["attended_hours", "updated_at"])
        # An exit recorded by the file ends the person's ongoing placements at the exit date,
        # as the exit form does (interventions answers the signal, in this transaction).
        exits = {
            r.enrolment_id: r.merged["exited_on"]
            for r in upd_rows
            if r.merged["exited_on"]
            and plan.existing[r.enrolment_id]["status"] not in (Status.EXITED, Status.FOLLOWED_UP)
        }
        if exits:
            enrolments_exited.send(Enrolment, exits=exits, by=user)
        insert(LogEntry, logs)
        logs.clear()
        if progress:
            progress(min(start + CHUNK, total), total)
    counted_data_changed.send(Enrolment, project_ids=[project.pk])
    return {
        "new_people": counts["new_people"],
        "existing_people": counts["existing_people"],
        "new_enrolments": counts["new_enrolments"],
        "updated_enrolments": counts["updated_enrolments"],
        "unchanged_enrolments": counts["unchanged_enrolments"],
    }


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
