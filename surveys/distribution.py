"""Who is asked which questionnaire when, and sending the personal links (docs/surveys.md).

**Occasions from enrolment events.** A published questionnaire is asked of the enrolments of its
project and of the projects below it: at entry (the start date), at exit (the exit date) and at a
follow-up (the exit date + the questionnaire's day). `create_due()` makes the missing invitations
for every event that has happened on the product's day and on or after the questionnaire was
published — one set query per questionnaire and occasion, rows written in bulk, never two
invitations for one enrolment and occasion. It runs after an enrolment is saved (that enrolment
only), after bulk writes (in the task queue) and every day (`manage.py survey_round`, with the
reminders).

**Sending.** `send()` gives the invitation a fresh nonce (every earlier link stops working), the
day it was sent and the last day the link works, by e-mail (the system sends it; the address is
kept encrypted for one reminder), as an SMS text the case worker copies, or opened on a tablet at
the office. **Reminders** go by e-mail through the task queue, once, `reminder_days` after sending,
while the link still works and nothing is answered.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from core.audit import log_action
from core.clock import today
from core.models import Project
from enrolments.models import Enrolment

from . import links
from .catalogue import LANGUAGES, PAGE_TEXT, in_digits
from .models import Channel, Invitation, Occasion, Questionnaire

logger = logging.getLogger(__name__)

# What a case worker writes as the interpreter language -> the questionnaire language.
INTERPRETER_LANGUAGES = {
    "arabiska": "ar",
    "arabic": "ar",
    "somaliska": "so",
    "somali": "so",
    "tigrinja": "ti",
    "tigrinya": "ti",
    "dari": "prs",
    "persiska": "fa",
    "persian": "fa",
    "farsi": "fa",
    "engelska": "en",
    "english": "en",
}


def language_for(interpreter_language: str, offered) -> str:
    """The questionnaire language for a participant: their interpreter language when the
    questionnaire offers it, otherwise Swedish."""
    wanted = INTERPRETER_LANGUAGES.get((interpreter_language or "").strip().lower())
    return wanted if wanted in offered else "sv"


def published_for(project) -> list[Questionnaire]:
    """The published questionnaires asked in the project: its own and those of the projects
    above it (a programme's questionnaire is asked in its parts)."""
    return list(
        Questionnaire.objects.filter(
            project_id__in=project.counting_ids(),
            status=Questionnaire.Status.PUBLISHED,
        )
    )


def asks_in(project_ids) -> bool:
    """Whether a published questionnaire is asked in any of the projects."""
    return Questionnaire.objects.filter(
        project_id__in=Project.counting_project_ids(project_ids),
        status=Questionnaire.Status.PUBLISHED,
    ).exists()


def _event(occasion: str, questionnaire: Questionnaire):
    """(filter on enrolments whose event happened by `on`, due date of a row) for an occasion."""
    if occasion == Occasion.ENTRY:
        return "started_on", lambda e: e["started_on"]
    if occasion == Occasion.EXIT:
        return "exited_on", lambda e: e["exited_on"]
    day = questionnaire.follow_up_day
    return "exited_on", lambda e: e["exited_on"] + dt.timedelta(days=day)


def create_due(*, project_ids=None, enrolment_ids=None, on: dt.date | None = None) -> int:
    """Make the invitations that have fallen due; returns how many were made."""
    on = on or today()
    questionnaires = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED)
    if project_ids is not None:
        questionnaires = questionnaires.filter(
            project_id__in=Project.counting_project_ids(project_ids)
        )
    made = 0
    # Deeper projects first: a part's own questionnaire wins over its programme's.
    for questionnaire in sorted(questionnaires, key=lambda q: -len(_ancestors(q.project_id))):
        published_on = questionnaire.published_at.date() if questionnaire.published_at else on
        counted = Project.objects.get(pk=questionnaire.project_id).counted_project_ids()
        for occasion in questionnaire.occasions:
            field, due_of = _event(occasion, questionnaire)
            enrolments = Enrolment.objects.filter(project_id__in=counted).filter(
                **{f"{field}__isnull": False, f"{field}__gte": published_on}
            )
            if occasion == Occasion.FOLLOW_UP:
                enrolments = enrolments.filter(
                    exited_on__lte=on - dt.timedelta(days=questionnaire.follow_up_day)
                )
            else:
                enrolments = enrolments.filter(**{f"{field}__lte": on})
            if enrolment_ids is not None:
                enrolments = enrolments.filter(pk__in=enrolment_ids)
            enrolments = enrolments.exclude(survey_invitations__occasion=occasion)
            rows = [
                Invitation(
                    enrolment_id=e["pk"],
                    questionnaire=questionnaire,
                    occasion=occasion,
                    due_on=due_of(e),
                    language=language_for(
                        e["participant__interpreter_language"], questionnaire.languages
                    ),
                )
                for e in enrolments.values(
                    "pk", "started_on", "exited_on", "participant__interpreter_language"
                ).iterator()
            ]
            if rows:
                made += len(
                    Invitation.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
                )
    return made


def _ancestors(project_id) -> list[int]:
    return Project.counting_project_ids([project_id])


@task()
def create_due_task(project_ids=None) -> int:
    return create_due(project_ids=project_ids)


# --- sending ---------------------------------------------------------------------------------


def texts(invitation: Invitation, language: str | None = None) -> dict:
    """The SMS text, and the e-mail's subject and body, in the invitation's language."""
    language = language or invitation.language
    project = invitation.enrolment.project
    values = {
        "name": invitation.enrolment.participant.given_name or "",
        "project": project.title,
        "link": links.url_for(invitation, language),
        "date": in_digits(invitation.expires_on.isoformat(), language)
        if invitation.expires_on
        else "",
    }

    def text(key):
        table = PAGE_TEXT[key]
        return (table.get(language) or table["sv"]).format(**values)

    return {
        "sms": text("sms"),
        "email_subject": text("email_subject"),
        "email_body": text("email_body"),
        "reminder_subject": text("reminder_subject"),
    }


def send(invitation: Invitation, *, channel: str, language: str, by, email: str = "") -> Invitation:
    """Send (or send again) the invitation's personal link. A new link makes the old ones
    invalid. E-mail is sent after the commit; SMS and tablet give the link to the case worker."""
    errors = {}
    if invitation.answered_on is not None:
        errors["__all__"] = _("This survey has already been answered.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose how to send the link.")
    if language not in invitation.questionnaire.languages:
        errors["language"] = _("Choose one of the questionnaire's languages.")
    if channel == Channel.EMAIL:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter the participant's e-mail address, like name@example.se.")
    if errors:
        raise ValidationError(errors)
    on = today()
    with transaction.atomic():
        invitation.nonce = links.new_nonce()
        invitation.channel = channel
        invitation.language = language
        invitation.sent_on = on
        invitation.expires_on = on + dt.timedelta(days=invitation.questionnaire.link_days)
        invitation.reminded_on = None
        invitation.email = email if channel == Channel.EMAIL else ""
        invitation.save(
            update_fields=[
                "nonce",
                "channel",
                "language",
                "sent_on",
                "expires_on",
                "reminded_on",
                "email",
            ]
        )
        log_action(
            by=by,
            action="change",
            obj=invitation,
            project=invitation.enrolment.project,
            fields=["sent_on", "channel", "language"] + (["email"] if email else []),
            reason=f"survey link sent ({channel})",
        )
        if channel == Channel.EMAIL:
            message = texts(invitation)
            transaction.on_commit(
                lambda: send_mail(
                    message["email_subject"],
                    message["email_body"],
                    settings.DEFAULT_FROM_EMAIL,
                    [email],
                )
            )
    return invitation


def reminders_due(
    on: dt.date | None = None, *, channels=(Channel.EMAIL,), enrolments=None, limit=None
) -> list[Invitation]:
    """The invitations sent by `channels` to remind on the day: sent `reminder_days` ago or
    more, not answered, not reminded since sending, the link still valid — the e-mails the daily
    round sends, and (SMS, tablet) the case worker's reminders by hand, of `enrolments` when
    given. Oldest sent first, at most `limit`. One query per distinct number of reminder days (a
    handful)."""
    on = on or today()
    waiting = Invitation.objects.filter(
        channel__in=list(channels),
        answered_on__isnull=True,
        reminded_on__isnull=True,
        sent_on__isnull=False,
        expires_on__gte=on,
        questionnaire__reminder_days__gt=0,
    )
    if enrolments is not None:
        waiting = waiting.filter(enrolment__in=enrolments)
    found = []
    days = waiting.order_by().values_list("questionnaire__reminder_days", flat=True).distinct()
    for day in sorted(set(days)):
        found.extend(
            waiting.filter(
                questionnaire__reminder_days=day, sent_on__lte=on - dt.timedelta(days=day)
            )
            .select_related("enrolment__participant", "enrolment__project", "questionnaire")
            .order_by("sent_on", "pk")[:limit]
        )
    return sorted(found, key=lambda i: (i.sent_on, i.pk))[:limit]


def send_reminders(on: dt.date | None = None) -> int:
    """E-mail each due reminder once; returns how many were sent."""
    on = on or today()
    sent = 0
    for invitation in reminders_due(on):
        if not invitation.email:
            continue
        claimed = Invitation.objects.filter(pk=invitation.pk, reminded_on__isnull=True).update(
            reminded_on=on
        )
        if not claimed:
            continue
        message = texts(invitation)
        try:
            send_mail(
                message["reminder_subject"],
                message["email_body"],
                settings.DEFAULT_FROM_EMAIL,
                [invitation.email],
            )
        except Exception:
            Invitation.objects.filter(pk=invitation.pk).update(reminded_on=None)
            logger.exception("A survey reminder could not be sent (invitation %s).", invitation.pk)
            continue
        log_action(
            by=None,
            action="change",
            obj=invitation,
            project=invitation.enrolment.project,
            fields=["reminded_on"],
            reason="survey reminder e-mailed",
        )
        sent += 1
    return sent


def remind_by_hand(invitation: Invitation, *, by) -> None:
    """The case worker reminded the participant themselves (SMS, phone, at the office)."""
    if invitation.answered_on is not None or invitation.sent_on is None:
        raise ValidationError(_("Only a sent survey that is not answered can be reminded."))
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(reminded_on=today())
        log_action(
            by=by,
            action="change",
            obj=invitation,
            project=invitation.enrolment.project,
            fields=["reminded_on"],
            reason="survey reminder by the case worker",
        )


@task()
def survey_round_task() -> dict:
    """The daily round: invitations fallen due, then the reminders."""
    return {"invitations": create_due(), "reminders": send_reminders()}


# --- the language of the link ---------------------------------------------------------------


def language_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    return [(code, LANGUAGES[code][0]) for code in questionnaire.languages if code in LANGUAGES]
