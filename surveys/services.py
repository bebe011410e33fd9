"""Recording survey answers. One transaction and one audit entry each."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import today
from core.signals import counted_data_changed

from .models import Occasion, Question, SurveyAnswer


def record_answer(
    *, enrolment, occasion: str, question: str, value: int, answered_on: dt.date, by
) -> SurveyAnswer:
    """One answer on the 1–5 scale for the enrolment. An answer to the same question at the same
    occasion already recorded is an error (it is not overwritten)."""
    errors = {}
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose one of: %(values)s.") % {
            "values": ", ".join(Occasion.values)
        }
    if question not in Question.values:
        errors["question"] = _("Choose one of: %(values)s.") % {
            "values": ", ".join(Question.values)
        }
    if not isinstance(value, int) or not 1 <= value <= 5:
        errors["value"] = _("The answer is a whole number from 1 to 5.")
    if answered_on > today():
        errors["answered_on"] = _("The date cannot be in the future.")
    elif answered_on < enrolment.referred_on:
        errors["answered_on"] = _("The date cannot be before the referral.")
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
                answered_on=answered_on,
            )
            counted_data_changed.send(SurveyAnswer, project_ids=[enrolment.project_id])
            log_action(
                by=by,
                action="create",
                obj=answer,
                project=enrolment.project,
                fields=["occasion", "question", "value", "answered_on"],
                reason=f"enrolment {enrolment.pk}",
            )
    except IntegrityError:
        # Recorded at the same moment by someone else.
        raise ValidationError(
            {"question": _("This question already has an answer at this occasion.")}
        ) from None
    return answer
