"""Recording survey answers, and the questions a project may ask. One transaction and one audit
entry per answer (or per set of answers sent together, surveys/responses.py)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import today
from core.signals import counted_data_changed

from .catalogue import TEMPLATES
from .models import (
    TEXT_MAX_LENGTH,
    Kind,
    Occasion,
    Question,
    Questionnaire,
    Source,
    SurveyAnswer,
)


def questions_for(project):
    """The questions a project's answers and goals may use: those of its own questionnaires and
    of the projects above it (an area programme's parts answer the programme's questionnaire,
    so the programme's goals count the answers of all its parts)."""
    return Question.objects.filter(project_id__in=project.counting_ids())


def scale_questions_for(project):
    return questions_for(project).filter(kind=Kind.SCALE)


def root_of(project):
    """The top of the project's tree: a template's question is made there, so that every project
    of the tree answers the same question and a parent's goals count its parts' answers."""
    while project.parent_id is not None:
        project = project.parent
    return project


def template_question(project, key: str) -> Question:
    """The project tree's question made from the template `key` — the wording asked now (the
    newest in a published questionnaire) — created from the template when the tree has none.
    Used by the import (a column per template), the demo, goals given a template key, and the
    tests."""
    if key not in TEMPLATES:
        raise ValidationError(
            {"question": _("Unknown survey question “%(value)s”.") % {"value": key}}
        )
    tree = questions_for(project).filter(key=key)
    # The wording participants are asked now: the newest in a published questionnaire; before
    # any is published, the first not yet reworded (a draft's rewording counts once published).
    found = (
        tree.filter(items__questionnaire__status=Questionnaire.Status.PUBLISHED)
        .order_by("-id")
        .first()
        or tree.filter(replaced_by__isnull=True).order_by("id").first()
        or tree.order_by("id").first()
    )
    if found is not None:
        return found
    template = TEMPLATES[key]
    return Question.objects.create(
        project=root_of(project),
        key=key,
        kind=template["kind"],
        texts={code: text for code, text in template["text"].items() if text},
        options={code: list(labels) for code, labels in template["options"].items() if labels},
    )


def question_of(project, question) -> Question:
    """A Question of the project from a Question, its id, or a template key; ValidationError
    naming the field otherwise."""
    if isinstance(question, Question):
        candidate = questions_for(project).filter(pk=question.pk).first()
    elif isinstance(question, int) and not isinstance(question, bool):
        candidate = questions_for(project).filter(pk=question).first()
    elif isinstance(question, str) and question in TEMPLATES:
        candidate = template_question(project, question)
    else:
        candidate = None
    if candidate is None:
        raise ValidationError(
            {"question": _("The project has no survey question “%(value)s”.") % {"value": question}}
        )
    return candidate


def check_answer(question: Question, value, text: str) -> dict:
    """Errors of one answer to the question (empty when it is right)."""
    errors = {}
    if question.kind == Kind.SCALE:
        if text:
            errors["text"] = _("This question is answered on the scale 1–5, not with a text.")
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors["value"] = _("The answer is a whole number from 1 to 5.")
    else:
        if value is not None:
            errors["value"] = _("This question is answered with a text, not a number.")
        if not text or not text.strip():
            errors["text"] = _("Write the answer.")
        elif len(text) > TEXT_MAX_LENGTH:
            errors["text"] = _("Write at most %(max)s characters.") % {"max": TEXT_MAX_LENGTH}
    return errors


def record_answer(
    *,
    enrolment,
    occasion: str,
    question,
    value: int | None = None,
    text: str = "",
    answered_on: dt.date,
    by,
    source: str = Source.API,
) -> SurveyAnswer:
    """One answer for the enrolment. An answer to the same question at the same occasion already
    recorded is an error (it is not overwritten)."""
    errors = {}
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose one of: %(values)s.") % {
            "values": ", ".join(Occasion.values)
        }
    try:
        question = question_of(enrolment.project, question)
    except ValidationError as error:
        errors.update(error.message_dict)
        question = None
    if question is not None:
        errors.update(check_answer(question, value, text))
    if answered_on > today():
        errors["answered_on"] = _("The date cannot be in the future.")
    elif answered_on < enrolment.referred_on:
        errors["answered_on"] = _("The date cannot be before the referral.")
    if source not in Source.values:
        errors["source"] = _("Choose one of: %(values)s.") % {"values": ", ".join(Source.values)}
    if errors:
        raise ValidationError(errors)
    if SurveyAnswer.objects.filter(
        enrolment=enrolment, occasion=occasion, question=question
    ).exists():
        raise ValidationError(
            {"question": _("This question already has an answer at this occasion.")}
        )
    try:
        with transaction.atomic():
            answer = SurveyAnswer.objects.create(
                enrolment=enrolment,
                occasion=occasion,
                question=question,
                value=value,
                text=text,
                answered_on=answered_on,
                source=source,
            )
            counted_data_changed.send(SurveyAnswer, project_ids=[enrolment.project_id])
            log_action(
                by=by,
                action="create",
                obj=answer,
                project=enrolment.project,
                fields=[
                    "occasion",
                    "question",
                    "value" if value is not None else "text",
                    "answered_on",
                    "source",
                ],
                reason=f"enrolment {enrolment.pk}",
            )
    except IntegrityError:
        # Recorded at the same moment by someone else.
        raise ValidationError(
            {"question": _("This question already has an answer at this occasion.")}
        ) from None
    return answer
