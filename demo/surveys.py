"""The demo's participant surveys (docs/surveys.md): the questionnaires of seed 001 (the Framtid i
Fokus twins, at entry and exit) and seed 004 (Integration genom arbete, at entry, exit and the
90-day follow-up), and the area programme's exit survey of 2015 — all in the seven languages —
with the invitation of every enrolment asked, how it was sent, opened, reminded and answered.

The answers themselves are written by the synthetic cohorts (demo/outcomes.py, households.py);
here every answered occasion gets the invitation it was answered on, and every occasion fallen
due without an answer an invitation that was sent and expired, or — this spring in the area
programme — is still waiting to be sent or answered, so the case worker has links to send on
the demo's Monday. A few completers of Integration genom arbete wrote a free-text answer.

Its own random stream (like the answers' source), so the rest of the demo comes out as before.
"""

import datetime as dt
import random

from django.utils import timezone

from core.models import Role
from surveys import distribution
from surveys.catalogue import LANGUAGES
from surveys.models import (
    Channel,
    Invitation,
    Item,
    Kind,
    Questionnaire,
    Source,
    SurveyAnswer,
)
from surveys.services import template_question

from .today import DEMO_TODAY

SCALE_KEYS = ("job_chances", "network", "self_confidence", "satisfaction")
ALL_LANGUAGES = list(LANGUAGES)

# project key: (title, entry, exit, follow-up day, published on)
QUESTIONNAIRES = {
    "fif": ("Deltagarenkät Framtid i Fokus", True, True, None, None),
    "gbg": ("Deltagarenkät Framtid i Fokus (Göteborg)", True, True, None, None),
    "iga": ("Deltagarenkät Integration genom arbete", True, True, 90, None),
    "omrade": ("Enkät vid avslut", False, True, None, dt.date(2015, 3, 2)),
}

# The area programme's exits of this spring whose link the case worker has not sent yet.
SPRING_NOT_SENT_DAYS = 65

FREE_TEXTS = [
    "Praktiken på förskolan gav mig mitt första jobb i Sverige.",
    "Min handledare hjälpte mig att skriva mitt CV.",
    "Jag vill ha mer svenska i undervisningen.",
    "Bra att träffa arbetsgivare redan första månaden.",
    "Det var svårt att få barnomsorg på morgonen.",
    "Jag har fått nya vänner och kontakter genom projektet.",
    "Tolk behövdes i början, sedan gick det bra på svenska.",
    "Studiebesöken var det bästa.",
]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def create_questionnaires(world) -> list[Questionnaire]:
    made = []
    for key, (title, entry, exit_, day, published_on) in QUESTIONNAIRES.items():
        project = world.projects[key]
        published_on = published_on or project.starts_on
        manager = project.memberships.filter(role=Role.MANAGER).select_related("user").first()
        questionnaire = Questionnaire.objects.create(
            project=project,
            title=title,
            status=Questionnaire.Status.PUBLISHED,
            languages=ALL_LANGUAGES,
            at_entry=entry,
            at_exit=exit_,
            follow_up_day=day,
            published_at=_at(published_on, 8),
            published_by=manager.user if manager else None,
        )
        Questionnaire.objects.filter(pk=questionnaire.pk).update(
            series=questionnaire.pk, created_at=_at(published_on, 8)
        )
        keys = [*SCALE_KEYS, "free_text"]
        Item.objects.bulk_create(
            Item(questionnaire=questionnaire, question=template_question(project, k), position=i)
            for i, k in enumerate(keys, start=1)
        )
        made.append(questionnaire)
    return made


def create_invitations(world) -> dict[str, int]:
    """Every occasion fallen due by the demo's day, with what happened to its link."""
    rng = random.Random(1404)
    questionnaires = create_questionnaires(world)
    distribution.create_due(on=DEMO_TODAY)
    answers = {}
    for answer in SurveyAnswer.objects.filter(question__kind=Kind.SCALE).values(
        "pk", "enrolment_id", "occasion", "answered_on", "source"
    ):
        answers.setdefault((answer["enrolment_id"], answer["occasion"]), []).append(answer)
    free_text = {
        q.project_id: q
        for q in (template_question(world.projects[k], "free_text") for k in QUESTIONNAIRES)
    }
    texts = []
    counts = {"answered": 0, "expired": 0, "waiting": 0, "not sent": 0}
    invitations = list(
        Invitation.objects.select_related("enrolment", "questionnaire").order_by("pk")
    )
    for invitation in invitations:
        got = answers.get((invitation.enrolment_id, invitation.occasion))
        invitation.language = rng.choices(
            ["sv", "ar", "so", "ti", "prs", "fa", "en"], [50, 20, 10, 6, 6, 5, 3]
        )[0]
        if got:
            answered_on = min(a["answered_on"] for a in got)
            source = got[0]["source"]
            invitation.answered_on = answered_on
            invitation.source = source
            if source == Source.PAPER:
                invitation.channel = ""
            else:
                invitation.channel = rng.choices(
                    [Channel.SMS, Channel.EMAIL, Channel.TABLET], [5, 3, 2]
                )[0]
                invitation.sent_on = max(
                    invitation.due_on, answered_on - dt.timedelta(days=rng.randint(0, 6))
                )
                if invitation.sent_on > answered_on:
                    invitation.sent_on = answered_on
                invitation.expires_on = invitation.sent_on + dt.timedelta(days=30)
                invitation.opened_at = _at(answered_on, 11)
                if (answered_on - invitation.sent_on).days >= 7:
                    invitation.reminded_on = invitation.sent_on + dt.timedelta(days=7)
            counts["answered"] += 1
            if (
                invitation.occasion == "exit"
                and invitation.questionnaire.project_id in free_text
                and rng.random() < 0.3
            ):
                texts.append(
                    SurveyAnswer(
                        enrolment_id=invitation.enrolment_id,
                        occasion="exit",
                        question=free_text[invitation.questionnaire.project_id],
                        text=rng.choice(FREE_TEXTS),
                        answered_on=answered_on,
                        source=source,
                    )
                )
            continue
        age = (DEMO_TODAY - invitation.due_on).days
        this_spring = invitation.questionnaire.project_id == world.projects["omrade"].pk
        if this_spring and age <= SPRING_NOT_SENT_DAYS:
            counts["not sent"] += 1  # the case worker's links to send this week
            continue
        invitation.channel = rng.choice([Channel.SMS, Channel.EMAIL])
        if this_spring:  # sent lately, after a first contact by phone
            invitation.sent_on = DEMO_TODAY - dt.timedelta(days=rng.randint(2, 20))
        else:
            invitation.sent_on = invitation.due_on + dt.timedelta(days=min(age, rng.randint(0, 3)))
        invitation.expires_on = invitation.sent_on + dt.timedelta(
            days=invitation.questionnaire.link_days
        )
        invitation.nonce = distribution.links.new_nonce()
        if rng.random() < 0.4:
            invitation.opened_at = _at(invitation.sent_on, 18)
        if (DEMO_TODAY - invitation.sent_on).days >= 7:
            invitation.reminded_on = invitation.sent_on + dt.timedelta(days=7)
        if invitation.expires_on < DEMO_TODAY:
            counts["expired"] += 1
        else:
            counts["waiting"] += 1
    Invitation.objects.bulk_update(
        invitations,
        [
            "language",
            "answered_on",
            "source",
            "channel",
            "sent_on",
            "expires_on",
            "opened_at",
            "reminded_on",
            "nonce",
        ],
        batch_size=500,
    )
    SurveyAnswer.objects.bulk_create(texts, batch_size=500)
    by_occasion = {(i.enrolment_id, i.occasion): i.pk for i in invitations}
    linked = []
    for answer in SurveyAnswer.objects.filter(invitation__isnull=True).only(
        "pk", "enrolment_id", "occasion"
    ):
        pk = by_occasion.get((answer.enrolment_id, answer.occasion))
        if pk:
            answer.invitation_id = pk
            linked.append(answer)
    SurveyAnswer.objects.bulk_update(linked, ["invitation"], batch_size=500)
    return {
        "questionnaires": len(questionnaires),
        "survey invitations": len(invitations),
        **{f"survey invitations {k}": v for k, v in counts.items()},
        "free-text answers": len(texts),
    }
