"""Small builders for survey tests: a published questionnaire of template questions, and an
invitation with a fresh personal link (surveys/links.py), sent today on the product's clock."""

import datetime as dt

from core.clock import now, today
from surveys import links
from surveys.models import Channel, Invitation, Item, Questionnaire
from surveys.services import template_question

DEFAULT_KEYS = ("job_chances", "network", "free_text")
DEFAULT_LANGUAGES = ("sv", "en", "ar", "so")


def published_questionnaire(
    project, keys=DEFAULT_KEYS, languages=DEFAULT_LANGUAGES, **fields
) -> Questionnaire:
    """A published questionnaire (version 1 of its own series) asking the project's template
    questions `keys` in that order, offered in `languages`. `fields` override the model's
    defaults (title, at_entry, at_exit, link_days, ...)."""
    fields = {"title": "Enkät vid avslut", "at_exit": True, **fields}
    questionnaire = Questionnaire.objects.create(
        project=project,
        status=Questionnaire.Status.PUBLISHED,
        languages=list(languages),
        published_at=now(),
        **fields,
    )
    questionnaire.series = questionnaire.pk
    questionnaire.save(update_fields=["series"])
    for position, key in enumerate(keys, start=1):
        Item.objects.create(
            questionnaire=questionnaire,
            question=template_question(project, key),
            position=position,
        )
    return questionnaire


def sent_invitation(
    enrolment, questionnaire, occasion="exit", language="sv", days_valid=30
) -> Invitation:
    """An invitation sent today (core.clock) with a fresh nonce, its link valid `days_valid`
    days. Its link: `surveys.links.path_for(invitation)`."""
    sent_on = today()
    return Invitation.objects.create(
        enrolment=enrolment,
        questionnaire=questionnaire,
        occasion=occasion,
        due_on=sent_on,
        language=language,
        nonce=links.new_nonce(),
        channel=Channel.EMAIL,
        sent_on=sent_on,
        expires_on=sent_on + dt.timedelta(days=days_valid),
    )
