"""Erasure on request and anonymisation after the retention period.

Both come down to two steps over other apps' tables, done here (privacy is above them in the
app order, so it may write to them; their models are not changed):

- `_scrub_records()` — in the given projects, every free text about the person is replaced by
  ERASED: contact notes, the notes of needs assessments, the goals and steps of action plans,
  the reasons and old/new values of corrections, who gave a consent (a guardian's name); an
  import's external ids for the person are deleted, and Django admin's change history names
  the person's records by id only.
- `_anonymise_identity()` — the person's identity number (its encrypted token and its keyed
  hash), name, interpreter language and protected-identity flag are removed; the record stays
  as an anonymous, statistical one (gender, birth year, region of birth, year of arrival,
  education, disability, household), so every goal and report keeps its figures.

The audit log is append-only and names people by id only, so it is kept as it is.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.audit import log_action
from core.models import Membership, Project, Purpose
from core.policy import Capability, roles_with
from core.retention import retention_ends_on
from enrolments.models import ContactNote, Enrolment
from imports.models import RowKey
from participants.models import Consent, Correction, Participant
from plans.models import ActionPlan, ActionPlanStep, AssessmentItem

from .models import Erasure

ERASED = "[erased]"


# --- the two steps ------------------------------------------------------------------------------


def _scrub_records(participant_id: int, project_ids) -> dict[str, int]:
    """Replace the person's free text in the projects by ERASED. Returns rows changed per kind."""
    project_ids = list(project_ids)
    enrolments = Enrolment.objects.filter(participant_id=participant_id, project_id__in=project_ids)
    enrolment_ids = list(enrolments.values_list("pk", flat=True))
    counts = {}
    counts["contact_notes"] = ContactNote.objects.filter(enrolment_id__in=enrolment_ids).update(
        text=ERASED
    )
    # Notes may be encrypted at rest (core.fields.EncryptedTextField), so they are read, not
    # filtered on, to leave an empty one empty.
    written = [
        item.pk
        for item in AssessmentItem.objects.filter(assessment__enrolment_id__in=enrolment_ids)
        if item.note
    ]
    counts["assessment_notes"] = AssessmentItem.objects.filter(pk__in=written).update(note=ERASED)
    counts["action_plans"] = ActionPlan.objects.filter(enrolment_id__in=enrolment_ids).update(
        goals=ERASED
    )
    steps = ActionPlanStep.objects.filter(plan__enrolment_id__in=enrolment_ids)
    counts["action_plan_steps"] = steps.update(description=ERASED)
    steps.exclude(responsible_person="").update(responsible_person=ERASED)
    corrections = Correction.objects.filter(
        participant_id=participant_id, project_id__in=project_ids
    )
    counts["corrections"] = 0
    for correction in corrections:
        changes = [
            {
                **change,
                **{key: ERASED for key in ("old", "new") if change.get(key) not in (None, "")},
            }
            for change in correction.changes or []
        ]
        Correction.objects.filter(pk=correction.pk).update(reason=ERASED, changes=changes)
        counts["corrections"] += 1
    counts["consents"] = (
        Consent.objects.filter(participant_id=participant_id, project_id__in=project_ids)
        .exclude(given_by__in=["participant", ""])
        .update(given_by=ERASED)
    )
    counts["external_ids"], _detail = RowKey.objects.filter(
        participant_id=participant_id, project_id__in=project_ids
    ).delete()
    return counts


def _scrub_admin_history(participant_id: int) -> int:
    """Django admin's own change history keeps each object's name (str(), the person's name)."""
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.contrib.contenttypes.models import ContentType

    return AdminLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Participant),
        object_id=str(participant_id),
    ).update(object_repr=ERASED, change_message="")


def _anonymise_identity(participant_id: int) -> None:
    Participant.objects.filter(pk=participant_id).update(
        identity_encrypted="",
        identity_hash=None,
        is_coordination_number=False,
        is_anonymous=True,
        protected_identity=False,
        given_name="",
        family_name="",
        interpreter_language="",
        updated_at=clock.now(),
    )
    _scrub_admin_history(participant_id)


# --- erasure on request -------------------------------------------------------------------------


def projects_blocking_erasure(*, participant, by) -> int:
    """How many projects the person is registered in where `by` may not erase: erasure
    removes the identity everywhere, so it needs the right in every one of them."""
    allowed = set(
        Membership.objects.filter(
            user=by, role__in=roles_with(Capability.PARTICIPANTS_ERASE)
        ).values_list("project_id", flat=True)
    )
    registered = set(participant.enrolments.values_list("project_id", flat=True)) | set(
        participant.consents.values_list("project_id", flat=True)
    )
    return len(registered - allowed)


def erase_participant(*, participant, project, reason: str, by) -> Erasure:
    """Erase a person's personal data on request (GDPR art. 17), in one transaction: their
    free text in every project they are registered in, then their identity; the statistical
    fields stay, so goal figures do not change. Recorded as an Erasure (who, when, why —
    not whom by name) and an audit entry. Refused (ValidationError, nothing changed) when the
    person is already anonymous with nothing left, or registered in a project where `by` may
    not erase."""
    if reason not in Erasure.Reason.values or reason == Erasure.Reason.RETENTION:
        raise ValidationError({"reason": _("Choose why the person is erased.")})
    with transaction.atomic():
        person = Participant.objects.select_for_update().get(pk=participant.pk)
        blocking = projects_blocking_erasure(participant=person, by=by)
        if blocking:
            raise ValidationError(
                _(
                    "The person is also registered in a project where you may not erase. "
                    "Ask that project's manager to erase them there first, or to give you "
                    "the right to."
                ),
                code="other_projects",
            )
        project_ids = set(person.enrolments.values_list("project_id", flat=True)) | set(
            person.consents.values_list("project_id", flat=True)
        )
        records = _scrub_records(person.pk, project_ids)
        records["identity"] = 0 if person.is_anonymous else 1
        _anonymise_identity(person.pk)
        erasure = Erasure.objects.create(
            participant_id=person.pk,
            project=project,
            reason=reason,
            erased_by=by,
            records=records,
        )
        log_action(
            by=by,
            action="delete",
            obj=person,
            project=project,
            fields=["identity_number", "given_name", "family_name", "free_text"],
            reason=f"erasure {erasure.pk}",
            purpose=Purpose.REQUESTED if reason == Erasure.Reason.REQUEST else "",
        )
    participant.refresh_from_db()
    return erasure


# --- retention ----------------------------------------------------------------------------------


def expired_project_ids(today: dt.date) -> set[int]:
    """Every project whose retention period has passed (anonymised already or not)."""
    return {
        project.pk
        for project in Project.objects.only("pk", "ends_on", "retention_months")
        if retention_ends_on(project) < today
    }


@dataclass
class RetentionReport:
    projects: list[int] = field(default_factory=list)
    anonymised: int = 0  # people whose identity was removed (every project of theirs expired)
    kept: int = 0  # people still in a project whose retention has not passed: only that
    # expired project's free text was removed
    records: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "projects": len(self.projects),
            "people_anonymised": self.anonymised,
            "people_kept_for_other_projects": self.kept,
            **{f"records_{k}": v for k, v in sorted(self.records.items())},
        }


def anonymise_expired(*, today: dt.date | None = None, dry_run: bool = False) -> RetentionReport:
    """Anonymise the personal data of every project whose retention period (its end plus
    Project.retention_months, or settings.DEFAULT_RETENTION_MONTHS) has passed and that is not
    anonymised yet. A person whose every enrolment is in such projects loses their identity;
    a person still registered in a project whose retention runs keeps it there, and loses
    only the expired project's free text. Statistics are kept. One transaction per project;
    Project.anonymised_at is set. `dry_run` counts and changes nothing."""
    today = today or clock.today()
    expired = expired_project_ids(today)
    report = RetentionReport()
    pending = Project.objects.filter(pk__in=expired, anonymised_at__isnull=True).order_by("pk")
    for project in pending:
        with transaction.atomic():
            report.projects.append(project.pk)
            enrolled = Enrolment.objects.filter(project=project)
            consented = Consent.objects.filter(project=project)
            people = set(enrolled.values_list("participant_id", flat=True)) | set(
                consented.values_list("participant_id", flat=True)
            )
            for person_id in sorted(people):
                elsewhere = set(
                    Enrolment.objects.filter(participant_id=person_id).values_list(
                        "project_id", flat=True
                    )
                ) | set(
                    Consent.objects.filter(participant_id=person_id).values_list(
                        "project_id", flat=True
                    )
                )
                whole = elsewhere <= expired
                if dry_run:
                    if whole:
                        report.anonymised += 1
                    else:
                        report.kept += 1
                    continue
                # Every expired project of the person at once when the identity goes.
                scope = elsewhere if whole else {project.pk}
                counts = _scrub_records(person_id, scope)
                for key, value in counts.items():
                    report.records[key] = report.records.get(key, 0) + value
                if whole:
                    identified = Participant.objects.filter(
                        pk=person_id, is_anonymous=False
                    ).exists()
                    _anonymise_identity(person_id)
                    report.anonymised += 1
                    Erasure.objects.create(
                        participant_id=person_id,
                        project=project,
                        reason=Erasure.Reason.RETENTION,
                        records={**counts, "identity": int(identified)},
                    )
                    log_action(
                        by=None,
                        action="delete",
                        object_type="participants.Participant",
                        object_id=person_id,
                        project=project,
                        fields=["identity_number", "given_name", "family_name", "free_text"],
                        reason="retention",
                    )
                else:
                    report.kept += 1
            if not dry_run:
                Project.objects.filter(pk=project.pk).update(anonymised_at=clock.now())
                log_action(
                    by=None,
                    action="change",
                    obj=project,
                    project=project,
                    fields=["anonymised_at"],
                    reason="retention",
                )
    return report


def prune_extract_files() -> int:
    """Delete register extracts made in the background once they have expired."""
    from .models import ExtractFile

    deleted, _detail = ExtractFile.objects.filter(expires_at__lte=clock.now()).delete()
    return deleted
