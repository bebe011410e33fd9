"""Workflows on needs assessments and action plans. Each is one transaction and one audit entry.

The services check every rule themselves (the forms check the same rules first, so a user sees
the error next to the field; a caller that skips the forms still cannot save bad data)."""

import datetime as dt
import difflib
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import log_action
from core.clock import today
from core.models import Membership, Organisation, ProjectPartner
from enrolments.models import Enrolment

from .models import ActionPlan, ActionPlanStep, Assessment, AssessmentItem, Domain

RATINGS = (1, 2, 3, 4, 5)
# The rating scale in plain words: 1 is a large need of support, 5 none.
RATING_LABELS = {
    1: gettext_lazy("large need of support"),
    2: gettext_lazy("clear need of support"),
    3: gettext_lazy("some need of support"),
    4: gettext_lazy("small need of support"),
    5: gettext_lazy("no need of support"),
}


def project_organisations(project):
    """The organisations that may be responsible for a step: the project owner, its partners and
    co-financiers, and the organisations its members work for."""
    return Organisation.objects.filter(
        Q(pk=project.owner_id)
        | Q(pk__in=ProjectPartner.objects.filter(project=project).values("organisation"))
        | Q(pk__in=Membership.objects.filter(project=project).values("organisation"))
    ).order_by("name")


def label(model, field_name: str) -> str:
    """A field's name as the user sees it, in the active language."""
    return str(capfirst(model._meta.get_field(field_name).verbose_name))


# --- validation shared by forms and services --------------------------------------------------


def assessed_on_error(enrolment: Enrolment, assessed_on: dt.date | None) -> str | None:
    if assessed_on is None:
        return _("Enter the date of the assessment.")
    if assessed_on > today():
        return _("The assessment cannot be dated in the future.")
    if assessed_on < enrolment.referred_on:
        return _("The assessment cannot be before the referral (%(date)s).") % {
            "date": enrolment.referred_on.isoformat()
        }
    return None


def due_on_error(enrolment: Enrolment, due_on: dt.date | None) -> str | None:
    if due_on is not None and due_on < enrolment.referred_on:
        return _("The due date cannot be before the referral (%(date)s).") % {
            "date": enrolment.referred_on.isoformat()
        }
    return None


def agreed_on_error(plan: ActionPlan, agreed_on: dt.date | None) -> str | None:
    if agreed_on is None:
        return _("Enter the date the participant agreed to the plan.")
    if agreed_on > today():
        return _("The agreement cannot be dated in the future.")
    # created_at is the wall clock; when core.clock is set back (tests, the demo), a version
    # saved "today" must still be agreeable today.
    saved_on = min(timezone.localdate(plan.created_at), today())
    if agreed_on < saved_on:
        return _("The agreement cannot be before this version was saved (%(date)s).") % {
            "date": saved_on.isoformat()
        }
    return None


# --- needs assessment -------------------------------------------------------------------------


def latest_assessment_id(enrolment: Enrolment) -> int:
    """The id of the assessment saved last (whatever its date), 0 if none: a form carries it
    so that a second submission of the same form is recognised."""
    return enrolment.assessments.order_by("-pk").values_list("pk", flat=True).first() or 0


@transaction.atomic
def record_assessment(
    *,
    enrolment: Enrolment,
    assessed_on: dt.date,
    ratings: dict[str, tuple[int, str]],
    by,
    based_on_latest: int | None = None,
) -> Assessment:
    """Record a needs assessment: one Assessment and one item per rated domain. `ratings` maps
    a Domain value to (rating 1–5, note); unrated domains are left out, at least one is needed.
    `based_on_latest` is latest_assessment_id() when the form was opened (0: none);
    when another assessment was saved since (a double submission), nothing is saved.
    Raises ValidationError naming the field."""
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    errors = {}
    message = assessed_on_error(enrolment, assessed_on)
    if message:
        errors["assessed_on"] = message
    valid_domains = set(Domain.values)
    for domain, (rating, _note) in ratings.items():
        if domain not in valid_domains:
            errors[f"rating_{domain}"] = _("Unknown domain.")
        elif rating not in RATINGS:
            errors[f"rating_{domain}"] = _("%(domain)s: choose a rating from 1 to 5.") % {
                "domain": Domain(domain).label
            }
    if not ratings:
        errors["__all__"] = _("%(field)s: rate at least one domain (1 to 5).") % {
            "field": label(AssessmentItem, "rating")
        }
    if based_on_latest is not None and latest_assessment_id(enrolment) != based_on_latest:
        errors["__all__"] = _(
            "Another needs assessment was saved after you opened this form, perhaps by a "
            "double submission. Open the participant's assessments to see it."
        )
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        enrolment=enrolment, assessed_on=assessed_on, assessed_by=by
    )
    AssessmentItem.objects.bulk_create(
        [
            AssessmentItem(assessment=assessment, domain=domain, rating=rating, note=note or "")
            for domain, (rating, note) in sorted(ratings.items())
        ]
    )
    log_action(
        by=by,
        action="create",
        obj=assessment,
        project=enrolment.project,
        fields=["assessed_on", "domain", "rating", "note"],
    )
    return assessment


def assessment_changes(assessment: Assessment) -> tuple[Assessment | None, list[dict]]:
    """The assessment's rows, one per domain in Domain order, each with the rating of the
    previous assessment of the same enrolment and the change. Two queries: the previous
    assessment, then the items of both."""
    previous = (
        Assessment.objects.filter(enrolment_id=assessment.enrolment_id)
        .filter(
            Q(assessed_on__lt=assessment.assessed_on)
            | Q(assessed_on=assessment.assessed_on, pk__lt=assessment.pk)
        )
        .order_by("-assessed_on", "-pk")
        .first()
    )
    ids = [assessment.pk] + ([previous.pk] if previous else [])
    current_items, previous_items = {}, {}
    for item in AssessmentItem.objects.filter(assessment_id__in=ids):
        (current_items if item.assessment_id == assessment.pk else previous_items)[item.domain] = (
            item
        )
    rows = []
    for domain in Domain:
        now, before = current_items.get(domain.value), previous_items.get(domain.value)
        rating = now.rating if now else None
        earlier = before.rating if before else None
        if rating is not None and earlier is not None:
            change = "better" if rating > earlier else "worse" if rating < earlier else "same"
        elif rating is not None:
            change = "new" if previous else ""
        elif earlier is not None:
            change = "dropped"
        else:
            change = ""
        rows.append(
            {
                "domain": domain,
                "rating": rating,
                "rating_label": RATING_LABELS.get(rating, ""),
                "note": now.note if now else "",
                "previous": earlier,
                "difference": (rating - earlier) if change in ("better", "worse") else None,
                "change": change,
            }
        )
    return previous, rows


# --- action plan ------------------------------------------------------------------------------

STEP_FIELDS = (
    "description",
    "responsible_organisation",
    "responsible_person",
    "due_on",
    "status",
    "intervention",
)


@transaction.atomic
def save_plan_version(
    *,
    enrolment: Enrolment,
    goals: str,
    steps: list[dict],
    by,
    based_on_version: int | None = None,
) -> ActionPlan:
    """Save a new version of the enrolment's action plan (version = previous + 1; earlier
    versions are kept unchanged). `steps` are dicts with STEP_FIELDS, in plan order. Each step's
    responsible organisation must be one of the project's organisations, its intervention one of
    the project's. `based_on_version` is the version the form started from (0: none); if a newer
    version was saved since (a double submission, or a colleague), nothing is saved.
    Raises ValidationError naming the field."""
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    project = enrolment.project
    latest = enrolment.action_plans.order_by("-version").values_list("version", flat=True).first()
    latest = latest or 0
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    if based_on_version is not None and based_on_version != latest:
        add(
            "__all__",
            _(
                "Version %(version)s of the plan was saved after you opened this form, perhaps "
                "by a double submission. Open the plan again to see the latest version."
            )
            % {"version": latest},
        )
    if not (goals or "").strip():
        add(
            "goals",
            _("%(field)s: write at least one goal.") % {"field": label(ActionPlan, "goals")},
        )
    if not steps:
        add("__all__", _("Add at least one step to the plan."))
    allowed_organisations = set(project_organisations(project).values_list("pk", flat=True))
    statuses = set(ActionPlanStep.StepStatus.values)
    for number, step in enumerate(steps, start=1):
        prefix = _("Step %(number)s") % {"number": number}
        if not (step.get("description") or "").strip():
            add(
                "__all__",
                f"{prefix} – {label(ActionPlanStep, 'description')}: " + _("Describe the step."),
            )
        organisation = step.get("responsible_organisation")
        if organisation is None or getattr(organisation, "pk", organisation) not in (
            allowed_organisations
        ):
            add(
                "__all__",
                f"{prefix} – {label(ActionPlanStep, 'responsible_organisation')}: "
                + _("Choose one of the project's organisations."),
            )
        intervention = step.get("intervention")
        if intervention is not None and intervention.project_id != project.pk:
            add(
                "__all__",
                f"{prefix} – {label(ActionPlanStep, 'intervention')}: "
                + _("Choose one of this project's interventions."),
            )
        message = due_on_error(enrolment, step.get("due_on"))
        if message:
            add("__all__", f"{prefix} – {label(ActionPlanStep, 'due_on')}: {message}")
        if step.get("status", ActionPlanStep.StepStatus.PLANNED) not in statuses:
            add("__all__", f"{prefix} – {label(ActionPlanStep, 'status')}: " + _("Unknown status."))
    if errors:
        raise ValidationError(errors)
    plan = ActionPlan.objects.create(
        enrolment=enrolment, version=latest + 1, goals=goals.strip(), created_by=by
    )
    ActionPlanStep.objects.bulk_create(
        [
            ActionPlanStep(
                plan=plan,
                order=number,
                description=step["description"].strip(),
                responsible_organisation=step["responsible_organisation"],
                responsible_person=(step.get("responsible_person") or "").strip(),
                due_on=step.get("due_on"),
                status=step.get("status") or ActionPlanStep.StepStatus.PLANNED,
                intervention=step.get("intervention"),
            )
            for number, step in enumerate(steps, start=1)
        ]
    )
    log_action(
        by=by,
        action="create",
        obj=plan,
        project=project,
        fields=["version", "goals", "steps", *(f"steps.{name}" for name in STEP_FIELDS)],
    )
    return plan


@transaction.atomic
def record_agreement(
    *, plan: ActionPlan, agreed_on: dt.date, agreement_method: str, by
) -> ActionPlan:
    """Record that the participant agreed to this version of the plan: when and how (signed,
    verbal, digital). Recording it again corrects it. Raises ValidationError naming the field."""
    plan = (
        ActionPlan.objects.select_for_update().select_related("enrolment__project").get(pk=plan.pk)
    )
    errors = {}
    message = agreed_on_error(plan, agreed_on)
    if message:
        errors["agreed_on"] = message
    if agreement_method not in ActionPlan.AgreementMethod.values:
        errors["agreement_method"] = _("Choose how the participant agreed.")
    if errors:
        raise ValidationError(errors)
    plan.agreed_on = agreed_on
    plan.agreement_method = agreement_method
    plan.save(update_fields=["agreed_on", "agreement_method"])
    log_action(
        by=by,
        action="change",
        obj=plan,
        project=plan.enrolment.project,
        fields=["agreed_on", "agreement_method"],
    )
    return plan


# --- differences between versions -------------------------------------------------------------

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]+")


def goals_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A word diff of the goals text: a list of (kind, text), kind "same", "removed" or "added".
    Words, punctuation and whitespace (line breaks included) are tokens, so the text reads as
    written and a changed comma does not mark its word."""
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    segments: list[tuple[str, str]] = []

    def push(kind, tokens):
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1][0] == kind:
            segments[-1] = (kind, segments[-1][1] + text)
        else:
            segments.append((kind, text))

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            push("same", old[i1:i2])
        else:
            push("removed", old[i1:i2])
            push("added", new[j1:j2])
    return segments


def _normalised(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _step_value(step: ActionPlanStep, name: str) -> str:
    if name == "responsible_organisation":
        return str(step.responsible_organisation)
    if name == "intervention":
        return str(step.intervention) if step.intervention_id else ""
    if name == "status":
        return str(step.get_status_display())
    if name == "due_on":
        return step.due_on.isoformat() if step.due_on else ""
    return str(getattr(step, name) or "")


COMPARED_STEP_FIELDS = ("order", "description", *STEP_FIELDS[1:])


def _similarity(a: ActionPlanStep, b: ActionPlanStep) -> float:
    return difflib.SequenceMatcher(
        None, _normalised(a.description), _normalised(b.description)
    ).ratio()


SIMILAR_DESCRIPTION = 0.6


def steps_diff(before: list[ActionPlanStep], after: list[ActionPlanStep]) -> list[dict]:
    """Steps added, removed, changed and unchanged between two versions.

    A step has no identity across versions (each version is a full copy), so steps are matched
    by their description: first the same description (ignoring case and spacing), wherever the
    step now stands; then, among the steps left, the most similar description (difflib ratio
    of at least 0.6, the same order number breaking a tie) counts as the same step with its
    description edited. What is left over was added or removed. Each row: kind ("added",
    "removed", "changed", "unchanged"), the step before and after, and the changed fields
    (label, before, after)."""
    unmatched_old = list(before)

    def key(step):
        return _normalised(step.description)

    pairs: list[tuple[ActionPlanStep | None, ActionPlanStep | None]] = []
    unmatched_new = []
    for step in after:
        match = next(
            (old for old in unmatched_old if _normalised(old.description) == key(step)),
            None,
        )
        if match is not None:
            unmatched_old.remove(match)
            pairs.append((match, step))
        else:
            unmatched_new.append(step)
    for step in list(unmatched_new):
        scored = [(_similarity(old, step), old.order == step.order, old) for old in unmatched_old]
        scored = [entry for entry in scored if entry[0] >= SIMILAR_DESCRIPTION]
        if scored:
            match = max(scored, key=lambda entry: (entry[0], entry[1]))[2]
            unmatched_old.remove(match)
            unmatched_new.remove(step)
            pairs.append((match, step))
    pairs += [(None, step) for step in unmatched_new]
    pairs += [(old, None) for old in unmatched_old]

    rows = []
    for old, new in pairs:
        if old is None:
            rows.append({"kind": "added", "before": None, "after": new, "changes": []})
            continue
        if new is None:
            rows.append({"kind": "removed", "before": old, "after": None, "changes": []})
            continue
        changes = [
            {
                "label": label(ActionPlanStep, name),
                "before": _step_value(old, name),
                "after": _step_value(new, name),
            }
            for name in COMPARED_STEP_FIELDS
            if _step_value(old, name) != _step_value(new, name)
        ]
        rows.append(
            {
                "kind": "changed" if changes else "unchanged",
                "before": old,
                "after": new,
                "changes": changes,
            }
        )
    rows.sort(
        key=lambda row: (
            row["after"] is None,
            (row["after"] or row["before"]).order,
        )
    )
    return rows


# --- correcting the order of the steps (issue 11) -----------------------------------------------


def step_order_token_values(plan: ActionPlan) -> dict[str, str]:
    """What a reordering form compares: the steps of the plan, in order, by id."""
    ids = plan.steps.order_by("order").values_list("pk", flat=True)
    return {"steps": ",".join(str(pk) for pk in ids)}


@transaction.atomic
def reorder_steps(
    *, plan: ActionPlan, by, order: list[int], reason: str, expected: dict | None
) -> ActionPlan:
    """Put the steps of the current version of a plan in a new order (`order`: every step's
    id, first step first), without making a new version. Only the newest version can be
    reordered; a plan saved or reordered since the form was opened is refused. Each step that
    moved is kept in the history (participants.Correction) with the reason."""
    from participants.corrections import check_unchanged, clean_reason, record_correction
    from participants.models import Correction

    Enrolment.objects.select_for_update().filter(pk=plan.enrolment_id).first()
    plan = ActionPlan.objects.select_related("enrolment__participant", "enrolment__project").get(
        pk=plan.pk
    )
    enrolment = plan.enrolment
    latest = enrolment.action_plans.order_by("-version").values_list("version", flat=True).first()
    if plan.version != latest:
        raise ValidationError(
            {
                "__all__": _(
                    "Version %(version)s of the plan was saved after you opened this form. Open "
                    "the plan again to see the latest version."
                )
                % {"version": latest}
            }
        )
    check_unchanged(
        object_type=ActionPlan._meta.label,
        expected=expected,
        current=step_order_token_values(plan),
    )
    errors: dict[str, list[str]] = {}
    try:
        reason = clean_reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    steps = {step.pk: step for step in plan.steps.order_by("order")}
    if sorted(order) != sorted(steps) or len(set(order)) != len(order):
        errors.setdefault("__all__", []).append(
            _("Give every step its own place in the order: two steps share a place.")
        )
    if errors:
        raise ValidationError(errors)
    changes = []
    for position, pk in enumerate(order, start=1):
        step = steps[pk]
        if step.order != position:
            changes.append(
                {
                    "field": "position",
                    "old": str(step.order),
                    "new": str(position),
                    "subject": step.description[:80],
                }
            )
    if not changes:
        return plan
    offset = len(order) + 1000
    ActionPlanStep.objects.filter(plan=plan).update(order=F("order") + offset)
    for position, pk in enumerate(order, start=1):
        ActionPlanStep.objects.filter(pk=pk).update(order=position)
    record_correction(
        participant=enrolment.participant,
        project=enrolment.project,
        obj=plan,
        kind=Correction.Kind.PLAN_STEPS,
        changes=changes,
        reason=reason,
        by=by,
        detail=str(plan.version),
    )
    log_action(
        by=by,
        action="change",
        obj=plan,
        project=enrolment.project,
        fields=["steps.order"],
        reason=f"correction, enrolment {enrolment.pk}",
    )
    return plan
