"""A participant's answers to a questionnaire, from the link page or typed in by staff.

`read_form(questionnaire, data)` turns posted fields (`q<question id>`) into answers and errors;
`save_draft()` keeps answers given so far on the invitation (encrypted) for the participant to
come back to; `submit()` writes every answer of one occasion in one transaction, marks the
invitation answered (its link is then used up: single use is one conditional UPDATE, so two tabs
sending at once save once) and writes one audit entry. Unanswered questions are simply missing.
"""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import now, today
from core.signals import counted_data_changed

from .models import TEXT_MAX_LENGTH, Invitation, Kind, Source, SurveyAnswer

# Error codes of read_form: keys of catalogue.PAGE_TEXT for the link page.
INVALID, TOO_LONG = "error_invalid", "error_too_long"


def field_name(question) -> str:
    return f"q{question.pk}"


def read_form(questionnaire, data) -> tuple[dict[int, int | str], dict[int, str]]:
    """(answers, errors) from posted fields: question id -> 1–5 or text, and question id -> error
    code. An empty field is no answer; anything not on the scale is an error, never a guess."""
    answers, errors = {}, {}
    for question in questionnaire.ordered_questions():
        raw = (data.get(field_name(question)) or "").strip()
        if not raw:
            continue
        if question.kind == Kind.SCALE:
            if raw in {"1", "2", "3", "4", "5"}:
                answers[question.pk] = int(raw)
            else:
                errors[question.pk] = INVALID
        elif len(raw) > TEXT_MAX_LENGTH:
            errors[question.pk] = TOO_LONG
        else:
            answers[question.pk] = raw
    return answers, errors


def draft_of(invitation: Invitation) -> dict[int, int | str]:
    """The answers saved on the link page and not yet sent."""
    if not invitation.draft:
        return {}
    try:
        return {int(k): v for k, v in json.loads(invitation.draft).items()}
    except (ValueError, AttributeError):
        return {}


def mark_opened(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now())
        invitation.opened_at = now()


def save_draft(invitation: Invitation, answers: dict[int, int | str], *, language: str) -> None:
    """Keep the answers so far; the link stays open for the rest."""
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, answered_on__isnull=True).update(
            draft=json.dumps({str(k): v for k, v in answers.items()}), language=language
        )
        log_action(
            by=None,
            action="change",
            obj=invitation,
            project=invitation.enrolment.project,
            fields=["draft"],
            reason="survey link: answers saved to continue later",
        )


class AlreadyAnswered(Exception):
    """The invitation was answered in the meantime (another tab, or staff typed it in)."""


def submit(
    *,
    enrolment,
    questionnaire,
    occasion: str,
    answers: dict[int, int | str],
    source: str,
    answered_on: dt.date | None = None,
    invitation: Invitation | None = None,
    by=None,
) -> list[SurveyAnswer]:
    """Write the answers of one occasion. One transaction: the invitation (when there is one)
    is claimed first and marked answered, then the answers are written; an answer already
    recorded for a question at this occasion is an error naming it, and nothing is saved."""
    answered_on = answered_on or today()
    questions = {q.pk: q for q in questionnaire.ordered_questions()}
    errors = {}
    if answered_on > today():
        errors["answered_on"] = _("The date cannot be in the future.")
    elif answered_on < enrolment.referred_on:
        errors["answered_on"] = _("The date cannot be before the referral.")
    unknown = [pk for pk in answers if pk not in questions]
    if unknown:
        errors["__all__"] = _("An answer is to a question the questionnaire does not have.")
    already = set(
        SurveyAnswer.objects.filter(
            enrolment=enrolment, occasion=occasion, question_id__in=list(answers)
        ).values_list("question_id", flat=True)
    )
    for pk in already:
        errors[f"q{pk}"] = _("This question already has an answer at this occasion.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if invitation is not None:
            claimed = Invitation.objects.filter(pk=invitation.pk, answered_on__isnull=True).update(
                answered_on=answered_on, source=source, draft=""
            )
            if not claimed:
                raise AlreadyAnswered
            invitation.answered_on, invitation.source, invitation.draft = (
                answered_on,
                source,
                "",
            )
        rows = SurveyAnswer.objects.bulk_create(
            SurveyAnswer(
                enrolment=enrolment,
                occasion=occasion,
                question=questions[pk],
                value=value if questions[pk].kind == Kind.SCALE else None,
                text=value if questions[pk].kind == Kind.TEXT else "",
                answered_on=answered_on,
                source=source,
                invitation=invitation,
            )
            for pk, value in answers.items()
        )
        counted_data_changed.send(
            SurveyAnswer, project_ids=[enrolment.project_id], enrolment_ids=[enrolment.pk]
        )
        log_action(
            by=by,
            action="create",
            obj=invitation or enrolment,
            object_type="surveys.SurveyAnswer" if invitation is None else "",
            object_id=enrolment.pk if invitation is None else "",
            project=enrolment.project,
            person=enrolment.participant_id,
            fields=["answers"],
            reason=(
                f"survey answers ({source}, {occasion}): {len(rows)} of {len(questions)} "
                f"questions, enrolment {enrolment.pk}"
            ),
        )
    return rows


SOURCE_TYPED_IN = (Source.PAPER, Source.INTERVIEW)
