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
from surveys.models import Invitation, SurveyAnswer

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
    consents = Consent.objects.filter(participant_id=participant_id, project_id__in=project_ids)
    counts["consents"] = consents.exclude(given_by__in=["participant", ""]).update(given_by=ERASED)
    # Where the signed form is kept (a registration number): it leads to the person.
    consents.exclude(document_reference="").update(document_reference=ERASED)
    # Free-text survey answers are the person's own words; the scale answers are statistics and
    # stay. The e-mail address kept for a reminder and a saved half-answer go.
    written = [
        a.pk
        for a in SurveyAnswer.objects.filter(enrolment_id__in=enrolment_ids).only("pk", "text")
        if a.text
    ]
    counts["survey_texts"] = SurveyAnswer.objects.filter(pk__in=written).update(text=ERASED)
    counts["survey_invitations"] = Invitation.objects.filter(enrolment_id__in=enrolment_ids).update(
        email="", draft=""
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


def registered_projects(person_id: int) -> set[int]:
    """The projects holding records of the person: enrolments, consents, corrections."""
    return (
        set(Enrolment.objects.filter(participant_id=person_id).values_list("project_id", flat=True))
        | set(Consent.objects.filter(participant_id=person_id).values_list("project_id", flat=True))
        | set(
            Correction.objects.filter(
                participant_id=person_id, project_id__isnull=False
            ).values_list("project_id", flat=True)
        )
    )


def _detach(person_id: int, project_ids) -> int:
    """Move the person's records in these projects (enrolments with everything under them,
    consents, corrections) to a new anonymous participant with the same statistical fields,
    and return its id. The person keeps their identity in their other projects, which are not
    told anything; these projects keep their figures."""
    person = Participant.objects.get(pk=person_id)
    twin = Participant.objects.create(
        is_anonymous=True,
        gender=person.gender,
        birth_year=person.birth_year,
        region_of_birth=person.region_of_birth,
        arrival_year=person.arrival_year,
        education_level=person.education_level,
        disability=person.disability,
        household_id=person.household_id,
    )
    Participant.objects.filter(pk=twin.pk).update(created_at=person.created_at)
    project_ids = list(project_ids)
    Enrolment.objects.filter(participant_id=person_id, project_id__in=project_ids).update(
        participant=twin
    )
    Consent.objects.filter(participant_id=person_id, project_id__in=project_ids).update(
        participant=twin
    )
    Correction.objects.filter(participant_id=person_id, project_id__in=project_ids).update(
        participant=twin
    )
    RowKey.objects.filter(participant_id=person_id, project_id__in=project_ids).update(
        participant=twin
    )
    return twin.pk


def _erase_in(person_id: int, project_ids: set[int]) -> tuple[int, dict[str, int]]:
    """Remove the person's personal data from the projects: in place when these are all the
    person's projects (the identity goes), else from a detached anonymous twin (the identity
    stays for the other projects). Returns the id of the record now anonymous, and counts."""
    if registered_projects(person_id) <= set(project_ids):
        identified = Participant.objects.filter(pk=person_id, is_anonymous=False).exists()
        records = _scrub_records(person_id, project_ids)
        _anonymise_identity(person_id)
        return person_id, {**records, "identity": int(identified)}
    subject_id = _detach(person_id, project_ids)
    return subject_id, {**_scrub_records(subject_id, project_ids), "identity": 0}


def erasable_projects(*, by) -> set[int]:
    """The projects where `by` may erase people."""
    return set(
        Membership.objects.filter(
            user=by, role__in=roles_with(Capability.PARTICIPANTS_ERASE)
        ).values_list("project_id", flat=True)
    )


def erase_participant(*, participant, project, reason: str, by) -> Erasure:
    """Erase a person's personal data on request (GDPR art. 17), in one transaction, in every
    project of theirs where `by` may erase: free text replaced by ERASED, and the identity
    (number, hash, name) removed; the statistical fields stay, so goal figures do not change.
    If the person is also registered in a project where `by` may not erase, that project's
    records are left as they are — the person keeps their identity there — and the records of
    `by`'s projects are moved to an anonymous twin first (the page says the same either way:
    no one learns of the other project). Recorded as an Erasure (who, when, why, the id of the
    record erased — no personal data) and an audit entry."""
    if reason not in Erasure.Reason.values or reason == Erasure.Reason.RETENTION:
        raise ValidationError({"reason": _("Choose why the person is erased.")})
    with transaction.atomic():
        person = Participant.objects.select_for_update().get(pk=participant.pk)
        projects = registered_projects(person.pk) & erasable_projects(by=by)
        subject_id, records = _erase_in(person.pk, projects | {project.pk})
        erasure = Erasure.objects.create(
            participant_id=subject_id,
            project=project,
            reason=reason,
            erased_by=by,
            records=records,
        )
        log_action(
            by=by,
            action="delete",
            object_type="participants.Participant",
            object_id=subject_id,
            person=subject_id,
            project=project,
            fields=["identity_number", "given_name", "family_name", "free_text"],
            reason=f"erasure {erasure.pk}",
            purpose=Purpose.REQUESTED if reason == Erasure.Reason.REQUEST else "",
        )
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
    anonymised yet. A person whose every project is past retention loses their identity; a
    person still registered in a project whose retention runs keeps it there, and the expired
    project's records move to an anonymous twin without free text (`_erase_in`). Statistics
    are kept. One transaction per project; Project.anonymised_at is set. `dry_run` counts and
    changes nothing."""
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
                elsewhere = registered_projects(person_id)
                whole = elsewhere <= expired
                if dry_run:
                    if whole:
                        report.anonymised += 1
                    else:
                        report.kept += 1
                    continue
                # The identity goes when every project of the person has expired (all of them
                # at once); else this project's records go to an anonymous twin.
                subject_id, counts = _erase_in(person_id, elsewhere if whole else {project.pk})
                for key, value in counts.items():
                    if key != "identity":
                        report.records[key] = report.records.get(key, 0) + value
                if whole:
                    report.anonymised += 1
                else:
                    report.kept += 1
                Erasure.objects.create(
                    participant_id=subject_id,
                    project=project,
                    reason=Erasure.Reason.RETENTION,
                    records=counts,
                )
                log_action(
                    by=None,
                    action="delete",
                    object_type="participants.Participant",
                    object_id=subject_id,
                    person=subject_id,
                    project=project,
                    fields=["identity_number", "given_name", "family_name", "free_text"],
                    reason="retention",
                )
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
