"""The project's surveys page (questionnaires, response, what to send) and one participant's
surveys (invitations, sending the link, typing in paper answers, the answers themselves)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import log_action, log_people_shown
from core.clock import today
from core.decorators import project_view
from core.forms import add_errors
from core.policy import Capability, can, disclosure_for
from enrolments.access import get_visible_enrolment, visible_enrolments

from . import distribution, links, responses, tracking
from .catalogue import LANGUAGES
from .forms_invitations import SendForm, TypedAnswersForm
from .models import Channel, Invitation, Occasion, Questionnaire, SurveyAnswer

LIST_LIMIT = 50


@require_GET
@project_view(Capability.PROJECT_VIEW)
def index(request):
    project = request.project
    membership = request.membership
    threshold = disclosure_for(membership)
    questionnaires = Questionnaire.objects.filter(project=project).order_by("series", "-version")
    context = {
        "project": project,
        "questionnaires": questionnaires,
        "can_manage": can(membership, Capability.SURVEYS_MANAGE),
        "threshold": threshold,
        "response": tracking.figures(project, threshold),
        # A programme's (or main project's) questionnaires asked here too.
        "asked_from_above": [
            q for q in distribution.published_for(project) if q.project_id != project.pk
        ],
    }
    if can(membership, Capability.ENROLMENTS_CHANGE):
        context.update(_work_lists(request))
    return render(request, "surveys/index.html", context)


def _work_lists(request) -> dict:
    """The links to send and the reminders to give by hand, of the participants the member may
    see: their own caseload by default (all with ?all=1). Each person listed is a logged read."""
    everyone = request.GET.get("all") == "1" or not can(
        request.membership, Capability.ENROLMENTS_OWN_CASELOAD
    )
    visible = visible_enrolments(request)
    if not everyone:
        visible = visible.filter(case_worker=request.user)
    on = today()
    waiting = Invitation.objects.filter(
        enrolment__in=visible.values("pk"), answered_on__isnull=True
    ).select_related("enrolment__participant", "questionnaire")
    to_send = waiting.filter(sent_on__isnull=True, due_on__lte=on).order_by("due_on", "pk")
    to_remind = distribution.reminders_due(
        on,
        channels=(Channel.SMS, Channel.TABLET),
        enrolments=visible.values("pk"),
        limit=LIST_LIMIT,
    )
    send_count = to_send.count()
    to_send = list(to_send[:LIST_LIMIT])
    log_people_shown(
        by=request.user,
        project=request.project,
        person_ids=[i.enrolment.participant_id for i in [*to_send, *to_remind]],
        reason="survey work list",
    )
    return {
        "everyone": everyone,
        "can_switch": can(request.membership, Capability.ENROLMENTS_OWN_CASELOAD),
        "to_send": to_send,
        "send_count": send_count,
        "to_remind": to_remind,
    }


def _state(invitation: Invitation) -> str:
    on = today()
    if invitation.answered_on:
        return _("Answered %(date)s (%(source)s)") % {
            "date": invitation.answered_on.isoformat(),
            "source": invitation.get_source_display().lower(),
        }
    if invitation.sent_on is None:
        return _("Not sent yet (due %(date)s)") % {"date": invitation.due_on.isoformat()}
    if invitation.expires_on and invitation.expires_on < on:
        return _("Not answered: the link expired %(date)s") % {
            "date": invitation.expires_on.isoformat()
        }
    parts = [
        _("Sent %(date)s as %(channel)s")
        % {"date": invitation.sent_on.isoformat(), "channel": invitation.get_channel_display()}
    ]
    if invitation.opened_at:
        parts.append(_("opened"))
    if invitation.reminded_on:
        parts.append(_("reminded %(date)s") % {"date": invitation.reminded_on.isoformat()})
    if responses.draft_of(invitation):
        parts.append(_("partly answered"))
    return ", ".join(parts)


def _enrolment_context(request, enrolment, **extra) -> dict:
    project = request.project
    invitations = list(
        Invitation.objects.filter(enrolment=enrolment)
        .select_related("questionnaire")
        .order_by("due_on", "pk")
    )
    answers = (
        SurveyAnswer.objects.filter(enrolment=enrolment)
        .select_related("question")
        .order_by("occasion", "question__pk")
    )
    language = "en" if (request.LANGUAGE_CODE or "sv").startswith("en") else "sv"
    by_occasion = {}
    for answer in answers:
        by_occasion.setdefault(answer.occasion, []).append(
            {
                "question": answer.question.text_in(language) or answer.question.text_in("sv"),
                "value": answer.value,
                "text": answer.text,
                "source": answer.get_source_display(),
                "answered_on": answer.answered_on,
            }
        )
    occasion_names = dict(Occasion.choices)
    asked = {i.occasion for i in invitations}
    can_ask = [
        (questionnaire, occasion, occasion_names[occasion])
        for questionnaire in distribution.published_for(project)
        for occasion in questionnaire.occasions
        if occasion not in asked
    ]
    return {
        "project": project,
        "enrolment": enrolment,
        "participant": enrolment.participant,
        "invitations": [
            {
                "invitation": i,
                "state": _state(i),
                "languages": distribution.language_choices(i.questionnaire),
                "link_open": i.sent_on is not None
                and not i.answered_on
                and i.expires_on is not None
                and i.expires_on >= today(),
            }
            for i in invitations
        ],
        "answers": [
            (occasion_names.get(occasion, occasion), rows) for occasion, rows in by_occasion.items()
        ],
        "can_ask": can_ask,
        "can_change": can(request.membership, Capability.ENROLMENTS_CHANGE),
        **extra,
    }


@require_GET
@project_view(Capability.ENROLMENTS_VIEW)
def enrolment(request, enrolment_id):
    enrolment = get_visible_enrolment(request, enrolment_id)
    return render(request, "surveys/enrolment.html", _enrolment_context(request, enrolment))


def _invitation(request, enrolment, invitation_id) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("questionnaire", "enrolment__participant"),
        pk=invitation_id,
        enrolment=enrolment,
    )


@require_http_methods(["GET", "POST"])
@project_view(Capability.ENROLMENTS_CHANGE)
def send(request, enrolment_id, invitation_id):
    """Send the personal link: by e-mail, as an SMS text to copy, or opened on a tablet."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    invitation = _invitation(request, enrolment, invitation_id)
    if invitation.answered_on:
        messages.info(request, _("This survey has already been answered."))
        return redirect("surveys:enrolment", request.project.pk, enrolment.pk)
    languages = distribution.language_choices(invitation.questionnaire)
    form = SendForm(
        request.POST or None,
        languages=languages,
        initial={"language": invitation.language, "channel": Channel.SMS},
    )
    sent = None
    if request.method == "POST" and form.is_valid():
        try:
            distribution.send(
                invitation,
                channel=form.cleaned_data["channel"],
                language=form.cleaned_data["language"],
                email=form.cleaned_data.get("email") or "",
                by=request.user,
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            sent = {
                "channel": invitation.channel,
                "texts": distribution.texts(invitation),
                "path": links.path_for(invitation),
            }
            if invitation.channel == Channel.EMAIL:
                messages.success(request, _("The link has been e-mailed."))
                return redirect("surveys:enrolment", request.project.pk, enrolment.pk)
    return render(
        request,
        "surveys/send.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "invitation": invitation,
            "form": form,
            "sent": sent,
            "language_names": {code: LANGUAGES[code][0] for code in LANGUAGES},
        },
    )


@require_http_methods(["GET", "POST"])
@project_view(Capability.ENROLMENTS_CHANGE)
def remind(request, enrolment_id, invitation_id):
    """Record a reminder given by hand (a POST; a GET goes back to the participant's surveys,
    where the read is logged)."""
    posted = request.method == "POST"
    enrolment = get_visible_enrolment(request, enrolment_id, log=posted)
    invitation = _invitation(request, enrolment, invitation_id)
    if not posted:
        return redirect("surveys:enrolment", request.project.pk, enrolment.pk)
    try:
        distribution.remind_by_hand(invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reminder is recorded."))
    return redirect("surveys:enrolment", request.project.pk, enrolment.pk)


@require_http_methods(["GET", "POST"])
@project_view(Capability.ENROLMENTS_CHANGE)
def ask(request, enrolment_id):
    """Ask a published questionnaire at an occasion the enrolment has no invitation for (its
    event came before the questionnaire was published, or an occasion asked early). A POST; a
    GET goes back to the participant's surveys, where the read is logged."""
    posted = request.method == "POST"
    enrolment = get_visible_enrolment(request, enrolment_id, log=posted)
    if not posted:
        return redirect("surveys:enrolment", request.project.pk, enrolment.pk)
    questionnaire = get_object_or_404(
        Questionnaire.objects.filter(
            pk__in=[q.pk for q in distribution.published_for(request.project)]
        ),
        pk=_int(request.POST.get("questionnaire")),
    )
    occasion = request.POST.get("occasion")
    if occasion not in questionnaire.occasions:
        raise Http404
    invitation, created = Invitation.objects.get_or_create(
        enrolment=enrolment,
        occasion=occasion,
        defaults={
            "questionnaire": questionnaire,
            "due_on": today(),
            "language": distribution.language_for(
                enrolment.participant.interpreter_language, questionnaire.languages
            ),
        },
    )
    if created:
        log_action(
            by=request.user,
            action="create",
            obj=invitation,
            project=request.project,
            fields=["occasion", "questionnaire"],
            reason="survey asked by the case worker",
        )
    return redirect("surveys:send", request.project.pk, enrolment.pk, invitation.pk)


def _int(value) -> int:
    return int(value) if str(value).isdigit() and len(str(value)) < 12 else 0


@require_http_methods(["GET", "POST"])
@project_view(Capability.ENROLMENTS_CHANGE)
def type_in(request, enrolment_id, invitation_id):
    """Type in the answers of a paper form or an interview for the invitation's occasion."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    invitation = _invitation(request, enrolment, invitation_id)
    if invitation.answered_on:
        messages.info(request, _("This survey has already been answered."))
        return redirect("surveys:enrolment", request.project.pk, enrolment.pk)
    language = "en" if (request.LANGUAGE_CODE or "sv").startswith("en") else "sv"
    questions = invitation.questionnaire.ordered_questions()
    form = TypedAnswersForm(
        request.POST or None,
        questions=questions,
        language=language,
        initial={"answered_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        if not answers:
            form.add_error(None, _("Enter at least one answer."))
        else:
            try:
                responses.submit(
                    enrolment=enrolment,
                    questionnaire=invitation.questionnaire,
                    occasion=invitation.occasion,
                    answers=answers,
                    source=form.cleaned_data["source"],
                    answered_on=form.cleaned_data["answered_on"],
                    invitation=invitation,
                    by=request.user,
                )
            except responses.AlreadyAnswered:
                messages.info(request, _("This survey has already been answered."))
                return redirect("surveys:enrolment", request.project.pk, enrolment.pk)
            except ValidationError as error:
                add_errors(error, form)
            else:
                messages.success(request, _("The answers are saved."))
                return redirect("surveys:enrolment", request.project.pk, enrolment.pk)
    return render(
        request,
        "surveys/type_in.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "invitation": invitation,
            "form": form,
        },
    )
