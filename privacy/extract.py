"""The register extract (GDPR art. 15): everything Följsam holds about one person, and every
read and change of it from the audit log, as JSON (a documented, stable structure: SCHEMA
below and docs/privacy.md) and as a PDF made with typst (privacy/typst/register_extract.typ).

Which projects an extract covers: those where the requesting user holds a membership whose
role may make extracts (core.policy, `participants.register_extract`), and in each the
enrolments that membership may see (Enrolment.objects.visible_to). The extract names the
projects it covers; it says nothing of any other project.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core import clock
from core.models import LogEntry, Membership, Project
from core.policy import Capability, roles_with
from enrolments.models import ContactNote, Enrolment, FollowUp, StatusChange
from interventions.models import AttendanceRecord, Participation
from participants.models import Consent, Correction, Participant
from plans.models import ActionPlan, Assessment
from surveys.models import Invitation, SurveyAnswer

SCHEMA = "foljsam.register-extract"
SCHEMA_VERSION = 1
TEMPLATE = Path(__file__).resolve().parent / "typst" / "register_extract.typ"

# The keys of each kind of record in the JSON, in order (docs/privacy.md describes them; a
# test holds the structure to this list, so a change is a deliberate new SCHEMA_VERSION).
PERSON_FIELDS = [
    "id",
    "identity_number",
    "is_coordination_number",
    "given_name",
    "family_name",
    "is_anonymous",
    "protected_identity",
    "gender",
    "birth_year",
    "region_of_birth",
    "arrival_year",
    "education_level",
    "interpreter_language",
    "disability",
    "household",
    "created_at",
    "created_by",
]
ENROLMENT_FIELDS = [
    "referred_on",
    "referred_by",
    "started_on",
    "labour_market_status",
    "months_without_work",
    "income_source",
    "swedish_level",
    "target_groups",
    "area",
    "case_worker",
    "status",
    "exited_on",
    "exit_reason",
    "exit_status",
    "exit_income_source",
]
STATUS_CHANGE_FIELDS = ["from_status", "to_status", "changed_on", "changed_by", "created_at"]
FOLLOW_UP_FIELDS = [
    "day",
    "due_on",
    "reached",
    "status",
    "income_source",
    "source",
    "recorded_on",
    "recorded_by",
]
NOTE_FIELDS = [
    "happened_on",
    "kind",
    "author",
    "author_organisation",
    "visibility",
    "text",
    "created_at",
]
ASSESSMENT_FIELDS = ["assessed_on", "assessed_by"]
ASSESSMENT_ITEM_FIELDS = ["domain", "rating", "note"]
PLAN_FIELDS = ["version", "goals", "created_at", "created_by", "agreed_on", "agreement_method"]
STEP_FIELDS = [
    "order",
    "description",
    "responsible_organisation",
    "responsible_person",
    "due_on",
    "status",
    "intervention",
]
PARTICIPATION_FIELDS = [
    "intervention",
    "started_on",
    "ended_on",
    "planned_hours",
    "attended_hours",
    "completion",
]
ATTENDANCE_FIELDS = ["held_on", "hours", "recorded_by", "created_at"]
SURVEY_FIELDS = ["occasion", "question", "value", "text", "answered_on", "source"]
CONSENT_FIELDS = [
    "version",
    "given_on",
    "given_by",
    "organisations",
    "purposes",
    "recorded_by",
    "recorded_at",
    "method",
    "confirmed_by",
    "confirmed_at",
    "document_reference",
    "withdrawn_on",
    "withdrawal_recorded_by",
    "replaced_on",
]
CORRECTION_FIELDS = ["kind", "object_type", "object_id", "detail", "removed", "reason", "by", "at"]
LOG_FIELDS = [
    "id",
    "at",
    "user",
    "organisation",
    "project",
    "action",
    "object_type",
    "object_id",
    "fields",
    "context",
    "purpose",
    "purpose_text",
]


# --- who may see what ---------------------------------------------------------------------------


@dataclass
class Scope:
    """The memberships an extract is made through and the enrolments each may see."""

    participant: Participant
    memberships: list = field(default_factory=list)
    enrolments: list = field(default_factory=list)

    @property
    def projects(self) -> list[Project]:
        seen = {}
        for enrolment in self.enrolments:
            seen.setdefault(enrolment.project_id, enrolment.project)
        return sorted(seen.values(), key=lambda p: (p.title, p.pk))

    @property
    def project_ids(self) -> list[int]:
        return [p.pk for p in self.projects]


def extract_scope(*, participant, user) -> Scope:
    """The projects the user may make extracts for in which the person is enrolled, and the
    enrolments of the person the user's membership there may see."""
    memberships = list(
        Membership.objects.filter(
            user=user, role__in=roles_with(Capability.PARTICIPANTS_REGISTER_EXTRACT)
        ).select_related("project", "organisation")
    )
    enrolments = []
    for membership in memberships:
        enrolments += list(
            Enrolment.objects.visible_to(membership)
            .filter(participant=participant)
            .select_related("project", "referred_by", "area", "case_worker")
            .prefetch_related("target_groups")
            .order_by("referred_on", "pk")
        )
    return Scope(participant=participant, memberships=memberships, enrolments=enrolments)


# --- values -------------------------------------------------------------------------------------


def _user(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _json_value(obj, name):
    """A field's value as the JSON holds it: choice codes, ISO dates, names of related rows."""
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return sorted(str(o) for o in getattr(obj, name).all())
    value = getattr(obj, name)
    if value is None:
        return None
    if model_field.is_relation:
        if hasattr(value, "get_username"):
            return _user(value)
        return str(value)
    if isinstance(value, dt.datetime):
        return clock_local(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def clock_local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value) if timezone.is_aware(value) else value


def _shown(obj, name) -> str:
    """A field's value as the PDF shows it, in the reader's language."""
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return ", ".join(sorted(str(o) for o in getattr(obj, name).all())) or "—"
    value = getattr(obj, name)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(getattr(obj, f"get_{name}_display")())
    if model_field.is_relation:
        return _user(value) if hasattr(value, "get_username") else str(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return clock_local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return formats.number_format(value)
    return str(value)


def _label(model, name) -> str:
    label = str(model._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _record(obj, names) -> dict:
    return {"id": obj.pk, **{name: _json_value(obj, name) for name in names}}


# --- collecting ---------------------------------------------------------------------------------


@dataclass
class Collected:
    """The person's records in the scope, fetched once for both the JSON and the PDF."""

    scope: Scope
    identity_number: str | None
    enrolments: list
    consents: list
    corrections: list
    log: list
    organisations: dict  # (user_id, project_id) → organisation name

    @property
    def size(self) -> int:
        """Rows in the extract: how much work the PDF is (privacy.views decides sync or job)."""
        rows = len(self.log) + len(self.consents) + len(self.corrections)
        for item in self.enrolments:
            rows += 1 + sum(len(item[k]) for k in item if isinstance(item[k], list))
        return rows


def log_entries(scope: Scope):
    """Every audit entry about the person in the projects of the scope (and those naming no
    project): reads of their page and of the lists that showed them, changes of their records,
    earlier extracts — LogEntry.objects.about_person() (core/audit.py). Entries written before
    the log named the person (LogEntry.person_id empty) are found by the records they name."""
    participant = scope.participant
    enrolment_ids = list(participant.enrolments.values_list("pk", flat=True))
    older = Q(object_type="participants.Participant", object_id=str(participant.pk))
    kinds = {
        "enrolments.Enrolment": enrolment_ids,
        "enrolments.ContactNote": ContactNote.objects.filter(enrolment_id__in=enrolment_ids),
        "enrolments.FollowUp": FollowUp.objects.filter(enrolment_id__in=enrolment_ids),
        "enrolments.StatusChange": StatusChange.objects.filter(enrolment_id__in=enrolment_ids),
        "plans.Assessment": Assessment.objects.filter(enrolment_id__in=enrolment_ids),
        "plans.ActionPlan": ActionPlan.objects.filter(enrolment_id__in=enrolment_ids),
        "interventions.Participation": Participation.objects.filter(enrolment_id__in=enrolment_ids),
        "surveys.SurveyAnswer": SurveyAnswer.objects.filter(enrolment_id__in=enrolment_ids),
        "surveys.Invitation": Invitation.objects.filter(enrolment_id__in=enrolment_ids),
        "participants.Consent": participant.consents.all(),
        "participants.Correction": participant.corrections.all(),
    }
    for object_type, rows in kinds.items():
        ids = rows if isinstance(rows, list) else list(rows.values_list("pk", flat=True))
        if ids:
            older |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    entries = LogEntry.objects.about_person(participant) | LogEntry.objects.filter(
        older, person_id__isnull=True
    )
    return entries.filter(Q(project_id__in=scope.project_ids) | Q(project_id__isnull=True))


def collect(scope: Scope) -> Collected:
    participant = scope.participant
    number = participant.identity_number() if not participant.is_anonymous else None
    enrolments = []
    for enrolment in scope.enrolments:
        plans = list(
            ActionPlan.objects.filter(enrolment=enrolment)
            .select_related("created_by")
            .prefetch_related("steps__responsible_organisation", "steps__intervention")
            .order_by("version")
        )
        participations = list(
            Participation.objects.filter(enrolment=enrolment)
            .select_related("intervention")
            .order_by("started_on", "pk")
        )
        enrolments.append(
            {
                "enrolment": enrolment,
                "status_changes": list(
                    StatusChange.objects.filter(enrolment=enrolment).select_related("changed_by")
                ),
                "follow_ups": list(
                    FollowUp.objects.filter(enrolment=enrolment).select_related("recorded_by")
                ),
                "notes": list(
                    ContactNote.objects.filter(enrolment=enrolment)
                    .select_related("author", "author_organisation")
                    .order_by("happened_on", "pk")
                ),
                "assessments": list(
                    Assessment.objects.filter(enrolment=enrolment)
                    .select_related("assessed_by")
                    .prefetch_related("items")
                ),
                "plans": plans,
                "participations": participations,
                "attendance": list(
                    AttendanceRecord.objects.filter(participation__enrolment=enrolment)
                    .select_related("participation__intervention", "recorded_by")
                    .order_by("held_on", "pk")
                ),
                "survey_answers": list(SurveyAnswer.objects.filter(enrolment=enrolment)),
            }
        )
    consents = list(
        Consent.objects.filter(participant=participant, project_id__in=scope.project_ids)
        .select_related("project", "recorded_by", "withdrawal_recorded_by")
        .prefetch_related("organisations")
        .order_by("project__title", "given_on", "version")
    )
    corrections = list(
        Correction.objects.filter(participant=participant, project_id__in=scope.project_ids)
        .select_related("project", "by")
        .order_by("at", "pk")
    )
    log = list(log_entries(scope).select_related("project", "user").order_by("at", "pk"))
    pairs = {(e.user_id, e.project_id) for e in log if e.user_id and e.project_id}
    organisations = {}
    if pairs:
        rows = Membership.objects.filter(
            user_id__in={u for u, _p in pairs}, project_id__in={p for _u, p in pairs}
        ).select_related("organisation")
        organisations = {(m.user_id, m.project_id): m.organisation.name for m in rows}
    return Collected(
        scope=scope,
        identity_number=number.formatted() if number else None,
        enrolments=enrolments,
        consents=consents,
        corrections=corrections,
        log=log,
        organisations=organisations,
    )


# --- the JSON -----------------------------------------------------------------------------------


def _log_row(entry, organisations) -> dict:
    purpose = getattr(entry, "purpose", "") or ""
    return {
        "id": entry.pk,
        "at": clock_local(entry.at).isoformat(timespec="seconds"),
        "user": _user(entry.user) if entry.user else (entry.user_label or None),
        "organisation": organisations.get((entry.user_id, entry.project_id)),
        "project": {"id": entry.project_id, "title": entry.project.title}
        if entry.project_id and entry.project
        else None,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "fields": list(entry.fields or []),
        "context": entry.reason,
        "purpose": purpose or None,
        "purpose_text": getattr(entry, "purpose_text", "") or None,
    }


def as_json(collected: Collected, *, by) -> dict:
    """The extract as the documented JSON structure (docs/privacy.md, "The JSON")."""
    person = collected.scope.participant
    person_row = {
        name: _json_value(person, name)
        for name in PERSON_FIELDS
        if name not in ("id", "identity_number")
    }
    person_row = {"id": person.pk, "identity_number": collected.identity_number, **person_row}
    enrolments = []
    for item in collected.enrolments:
        enrolment = item["enrolment"]
        enrolments.append(
            {
                **_record(enrolment, ENROLMENT_FIELDS),
                "project": {"id": enrolment.project_id, "title": enrolment.project.title},
                "status_changes": [
                    _record(o, STATUS_CHANGE_FIELDS) for o in item["status_changes"]
                ],
                "follow_ups": [_record(o, FOLLOW_UP_FIELDS) for o in item["follow_ups"]],
                "contact_notes": [_record(o, NOTE_FIELDS) for o in item["notes"]],
                "assessments": [
                    {
                        **_record(a, ASSESSMENT_FIELDS),
                        "items": [_record(i, ASSESSMENT_ITEM_FIELDS) for i in a.items.all()],
                    }
                    for a in item["assessments"]
                ],
                "action_plans": [
                    {
                        **_record(p, PLAN_FIELDS),
                        "steps": [_record(s, STEP_FIELDS) for s in p.steps.all()],
                    }
                    for p in item["plans"]
                ],
                "participations": [
                    {
                        **_record(p, PARTICIPATION_FIELDS),
                        "provider": str(p.intervention.provider)
                        if p.intervention.provider_id
                        else None,
                        "attendance": [
                            _record(a, ATTENDANCE_FIELDS)
                            for a in item["attendance"]
                            if a.participation_id == p.pk
                        ],
                    }
                    for p in item["participations"]
                ],
                "survey_answers": [_record(o, SURVEY_FIELDS) for o in item["survey_answers"]],
            }
        )
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "made_at": clock_local(clock.now()).isoformat(timespec="seconds"),
        "made_by": _user(by),
        "projects": [
            {
                "id": p.pk,
                "title": p.title,
                "owner": str(p.owner),
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
            }
            for p in collected.scope.projects
        ],
        "person": person_row,
        "enrolments": enrolments,
        "consents": [
            {
                **_record(c, CONSENT_FIELDS),
                "project": {"id": c.project_id, "title": c.project.title},
            }
            for c in collected.consents
        ],
        "corrections": [
            {
                **_record(c, CORRECTION_FIELDS),
                "project": {"id": c.project_id, "title": c.project.title} if c.project else None,
                "changes": [
                    {
                        "field": line["label"],
                        "old": None if line["masked"] else line["old"],
                        "new": None if line["masked"] else line["new"],
                        "masked": line["masked"],
                    }
                    for line in c.lines()
                ],
            }
            for c in collected.corrections
        ],
        "log": [_log_row(e, collected.organisations) for e in collected.log],
    }


def json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


# --- the PDF ------------------------------------------------------------------------------------


def _facts(obj, names) -> dict:
    return {"kind": "facts", "rows": [[_label(type(obj), n), _shown(obj, n)] for n in names]}


def _table(caption, model, names, rows, extra_header=(), extra=None) -> dict:
    header = [_label(model, n) for n in names] + list(extra_header)
    body = []
    for row in rows:
        values = [_shown(row, n) for n in names]
        if extra is not None:
            values += extra(row)
        body.append(values)
    return {"kind": "table", "caption": caption, "header": header, "rows": body}


ACTION_LABELS = {
    "view": lambda: _("read"),
    "create": lambda: _("created"),
    "change": lambda: _("changed"),
    "delete": lambda: _("deleted"),
    "export": lambda: _("exported"),
    "login": lambda: _("logged in"),
}


def _record_shown(object_type: str, object_id: str) -> str:
    """ "participant 64" rather than "participants.Participant 64", in the reader's language."""
    from django.apps import apps

    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type
    return f"{name} {object_id}".strip()


def _action_shown(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label()) if label else action


def _purpose_shown(entry) -> str:
    purpose = getattr(entry, "purpose", "") or ""
    if not purpose:
        return "—"
    shown = str(entry.get_purpose_display()) if hasattr(entry, "get_purpose_display") else purpose
    text = getattr(entry, "purpose_text", "") or ""
    return f"{shown}: {text}" if text else shown


def document(collected: Collected, *, by, language: str) -> dict:
    """The PDF's content in the reader's language: sections of facts, tables and text."""
    with translation.override(language):
        return _document(collected, by=by, language=language)


def _document(collected: Collected, *, by, language: str) -> dict:
    person = collected.scope.participant
    made_at = clock_local(clock.now()).strftime("%Y-%m-%d %H:%M")
    identity_rows = [[_("Identity number"), collected.identity_number or "—"]]
    sections = [
        {
            "heading": _("The person"),
            "blocks": [
                {"kind": "facts", "rows": identity_rows + _facts(person, PERSON_FIELDS[2:])["rows"]}
            ],
        }
    ]
    for item in collected.enrolments:
        enrolment = item["enrolment"]
        blocks = [_facts(enrolment, ENROLMENT_FIELDS)]
        if item["status_changes"]:
            blocks.append(
                _table(
                    _("Status changes"), StatusChange, STATUS_CHANGE_FIELDS, item["status_changes"]
                )
            )
        if item["follow_ups"]:
            blocks.append(_table(_("Follow-ups"), FollowUp, FOLLOW_UP_FIELDS, item["follow_ups"]))
        if item["notes"]:
            blocks.append({"kind": "subheading", "text": _("Contact notes")})
            for note in item["notes"]:
                blocks.append(_facts(note, NOTE_FIELDS))
        for assessment in item["assessments"]:
            blocks.append(
                {
                    "kind": "subheading",
                    "text": _("Needs assessment of %(date)s")
                    % {"date": assessment.assessed_on.isoformat()},
                }
            )
            blocks.append(_facts(assessment, ASSESSMENT_FIELDS))
            blocks.append(
                _table(
                    _("Needs by domain"),
                    type(assessment).items.rel.related_model,
                    ASSESSMENT_ITEM_FIELDS,
                    list(assessment.items.all()),
                )
            )
        for plan in item["plans"]:
            blocks.append(
                {
                    "kind": "subheading",
                    "text": _("Action plan, version %(version)s") % {"version": plan.version},
                }
            )
            blocks.append(_facts(plan, PLAN_FIELDS[1:]))
            steps = list(plan.steps.all())
            if steps:
                blocks.append(_table(_("Steps"), type(steps[0]), STEP_FIELDS, steps))
        if item["participations"]:
            blocks.append(
                _table(
                    _("Interventions"),
                    Participation,
                    PARTICIPATION_FIELDS,
                    item["participations"],
                )
            )
        if item["attendance"]:
            blocks.append(
                _table(
                    _("Attendance"),
                    AttendanceRecord,
                    ATTENDANCE_FIELDS,
                    item["attendance"],
                    extra_header=[_("Intervention")],
                    extra=lambda a: [str(a.participation.intervention)],
                )
            )
        if item["survey_answers"]:
            blocks.append(
                _table(_("Survey answers"), SurveyAnswer, SURVEY_FIELDS, item["survey_answers"])
            )
        sections.append(
            {
                "heading": _("Enrolment in %(project)s, referred %(date)s")
                % {"project": enrolment.project.title, "date": enrolment.referred_on.isoformat()},
                "blocks": blocks,
            }
        )
    consent_blocks = []
    for consent in collected.consents:
        consent_blocks.append(
            {
                "kind": "subheading",
                "text": _("Consent in %(project)s, version %(version)s")
                % {"project": consent.project.title, "version": consent.version},
            }
        )
        rows = _facts(consent, CONSENT_FIELDS)["rows"]
        rows[CONSENT_FIELDS.index("purposes")][1] = ", ".join(consent.purpose_labels) or "—"
        if consent.given_by == "participant":  # the field's default, a code
            rows[CONSENT_FIELDS.index("given_by")][1] = _("The participant")
        consent_blocks.append({"kind": "facts", "rows": rows})
    sections.append(
        {
            "heading": _("Consents"),
            "blocks": consent_blocks or [{"kind": "text", "text": _("No consent is recorded.")}],
        }
    )
    correction_blocks = []
    for correction in collected.corrections:
        correction_blocks.append({"kind": "subheading", "text": correction.title()})
        rows = [
            [_("Corrected at"), _shown(correction, "at")],
            [_("Corrected by"), _shown(correction, "by")],
            [_("Reason"), correction.reason],
        ]
        for line in correction.lines():
            old, new = line["old"] or "—", line["new"] or "—"
            change = _("changed") if line["masked"] else f"{old} → {new}"
            rows.append([line["label"], change])
        correction_blocks.append({"kind": "facts", "rows": rows})
    sections.append(
        {
            "heading": _("Corrections"),
            "blocks": correction_blocks or [{"kind": "text", "text": _("Nothing was corrected.")}],
        }
    )
    log_rows = [
        [
            clock_local(e.at).strftime("%Y-%m-%d %H:%M"),
            _user(e.user) if e.user else (e.user_label or "—"),
            collected.organisations.get((e.user_id, e.project_id)) or "—",
            _action_shown(e.action),
            _record_shown(e.object_type, e.object_id),
            _purpose_shown(e),
        ]
        for e in collected.log
    ]
    sections.append(
        {
            "heading": _("Who has read or changed the data"),
            "blocks": [
                {
                    "kind": "text",
                    "text": _(
                        "Every time someone opened, listed, changed or exported the person's "
                        "records, from the audit log."
                    ),
                },
                {
                    "kind": "table",
                    "caption": _("Reads and changes"),
                    "header": [
                        _("When"),
                        _("Who"),
                        _("Organisation"),
                        _("What was done"),
                        _("Record"),
                        _("Purpose"),
                    ],
                    "rows": log_rows,
                },
            ],
        }
    )
    projects = ", ".join(p.title for p in collected.scope.projects) or "—"
    return {
        "lang": language,
        "title": _("Register extract"),
        "author": "Följsam",
        "footer": _("Register extract made %(at)s by %(by)s") % {"at": made_at, "by": _user(by)},
        "facts_header": [_("Data"), _("Value")],
        "intro": [
            _(
                "Everything Följsam holds about the person in the projects listed below, and "
                "every read and change of it (GDPR article 15)."
            ),
        ],
        "meta": [
            [_("Person"), str(person)],
            [_("Made"), made_at],
            [_("Made by"), _user(by)],
            [_("Projects covered"), projects],
        ],
        "sections": sections,
    }


def pdf_bytes(collected: Collected, *, by, language: str) -> bytes:
    """The PDF, compiled by typst in this process with its embedded fonts (no system fonts,
    no network), tagged for assistive technology (PDF/UA-1)."""
    import typst

    data = json.dumps(document(collected, by=by, language=language), ensure_ascii=False)
    return typst.compile(
        TEMPLATE.read_bytes(),
        sys_inputs={"data": data},
        ignore_system_fonts=True,
        pdf_standards=["ua-1"],
    )
