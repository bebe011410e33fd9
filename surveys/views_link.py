"""The participant's answer page, no login: /s/<language>/<token>/ (docs/surveys.md).

The personal link (surveys/links.py) is the only key: the page asks for no login and no session,
and shows nothing personal but the participant's first name. Every text is in the participant's
language, from surveys/catalogue.py (PAGE_TEXT) and the questions' own translations — Django's
translations (Swedish and English staff pages) play no part. A question without the language
falls back to Swedish, marked lang="sv" on its element. Numbers are written in the language's
own digits (Arabic ٠–٩, Dari and Persian ۰–۹); right-to-left languages get dir="rtl", and
static/css/survey.css lays the page out with logical properties only, so it mirrors.

A link that is used, expired or invalid shows only what happened, in the path's language: 410
for used and expired, 404 for invalid. Every answer carries `Referrer-Policy: same-origin` (the
token in the address never reaches another site through a Referer header, while the page's own
form post keeps its Origin, so Django's CSRF check applies unchanged) and `X-Robots-Tag:
noindex`; the site's `Cache-Control: no-store` (core.middleware.SecurityHeadersMiddleware)
applies as to every page.
"""

import functools

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import links, responses
from .catalogue import LANGUAGES, PAGE_TEXT, in_digits
from .models import TEXT_MAX_LENGTH, Kind, Source

SOURCE_LANGUAGE = "sv"
HEADERS = {"Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex"}
STATUS_OF_STATE = {links.USED: 410, links.EXPIRED: 410, links.INVALID: 404}
# The "save and continue later" button; the other one ("send"), or Enter in a field, sends.
SAVE = "save"


# --- the participant's language ------------------------------------------------------------------


def known_language(language: str) -> str:
    return language if language in LANGUAGES else SOURCE_LANGUAGE


def direction(language: str) -> str:
    return LANGUAGES[language][1]


def page_text(key: str, language: str, **values) -> str:
    texts = PAGE_TEXT[key]
    return (texts.get(language) or texts[SOURCE_LANGUAGE]).format(**values)


def answer_language(language: str, invitation) -> str:
    """The path's language when the questionnaire offers it, else the invitation's."""
    if language in LANGUAGES and language in (invitation.questionnaire.languages or []):
        return language
    return known_language(invitation.language)


def _translated(get, question, language):
    """(what `get` returns for the language, that language), falling back to Swedish, then to
    any language the question has."""
    for candidate in (language, SOURCE_LANGUAGE, *LANGUAGES):
        found = get(question, candidate)
        if found:
            return found, candidate
    return get(question, language), language


# --- responses ------------------------------------------------------------------------------------


def _participant_headers(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for header, value in HEADERS.items():
            response[header] = value
        return response

    return wrapper


def _render(request, template, language, context, status=200):
    context = {"lang": language, "dir": direction(language), **context}
    return render(request, template, context, status=status)


def _state_page(request, state, language):
    """A link that no longer opens: only what happened, in the path's language."""
    language = known_language(language)
    return _render(
        request,
        "surveys/link/message.html",
        language,
        {"title": page_text(f"{state}_title", language), "text": page_text(state, language)},
        status=STATUS_OF_STATE[state],
    )


# --- the answer page ------------------------------------------------------------------------------


def _text_of(question, language):
    return _translated(lambda q, code: q.text_in(code), question, language)


def _labels_of(question, language):
    return _translated(lambda q, code: q.labels_in(code), question, language)


def _error_text(code, language):
    if not code:
        return ""
    return page_text(code, language, m=in_digits(TEXT_MAX_LENGTH, language))


def _question_rows(questions, language, values, errors):
    total = len(questions)
    rows = []
    for number, question in enumerate(questions, start=1):
        name = responses.field_name(question)
        text, text_language = _text_of(question, language)
        value = values.get(question.pk)
        row = {
            "name": name,
            "progress": page_text(
                "question_n_of_m",
                language,
                n=in_digits(number, language),
                m=in_digits(total, language),
            ),
            "text": text,
            "text_fallback": text_language != language,
            "text_lang": text_language,
            "text_dir": direction(text_language),
            "is_scale": question.kind == Kind.SCALE,
            "error": _error_text(errors.get(question.pk), language),
        }
        if row["is_scale"]:
            labels, labels_language = _labels_of(question, language)
            row["labels_fallback"] = labels_language != language
            row["labels_lang"] = labels_language
            row["labels_dir"] = direction(labels_language)
            row["options"] = [
                {
                    "id": f"{name}-{step}",
                    "value": str(step),
                    "digit": in_digits(step, language),
                    "label": labels[step - 1] if labels else "",
                    "checked": value is not None and str(value) == str(step),
                }
                for step in range(1, 6)
            ]
            row["anchor"] = f"{name}-1"
        else:
            row["value"] = value if isinstance(value, str) else ""
            row["hint"] = page_text("free_text_hint", language)
            row["anchor"] = name
        rows.append(row)
    return rows


def _answer_page(
    request, invitation, questions, language, *, values, errors=None, saved=False, empty=False
):
    errors = errors or {}
    participant = invitation.enrolment.participant
    name = "" if participant.is_anonymous else (participant.given_name or "").strip()
    # The name is set apart (<bdi>): a Latin name inside an Arabic sentence keeps its order.
    before, _sep, after = page_text("greeting", language, name="\0").partition("\0")
    rows = _question_rows(questions, language, values, errors)
    offered = [code for code in (invitation.questionnaire.languages or []) if code in LANGUAGES]
    context = {
        "title": page_text("page_title", language),
        "greeting_name": name,
        "greeting_before": before,
        "greeting_after": after,
        "intro": page_text("intro", language),
        "privacy": page_text("privacy", language),
        "optional_hint": page_text("optional_hint", language),
        "questions": rows,
        "languages": [
            {
                "code": code,
                "name": LANGUAGES[code][0],
                "dir": direction(code),
                "href": links.path_for(invitation, code),
                "current": code == language,
            }
            for code in offered
        ],
        "language_nav_label": page_text("change_language", language),
        "action": links.path_for(invitation, language),
        "send_label": page_text("submit", language),
        "save_label": page_text("save_later", language),
        "saved": page_text("saved", language) if saved else "",
        "error_title": page_text("error_summary", language) if errors or empty else "",
        "error_hint": page_text("optional_hint", language) if empty else "",
        "error_links": [row for row in rows if row["error"]],
        "text_max_length": TEXT_MAX_LENGTH,
    }
    return _render(request, "surveys/link/answer.html", language, context)


@_participant_headers
@require_http_methods(["GET", "POST"])
def answer(request, language, token):
    """The questionnaire of an open link; "save and continue later" keeps a draft, sending
    writes the answers once and goes on to the thanks page."""
    checked = links.check(token)
    if checked.state != links.OPEN:
        return _state_page(request, checked.state, language)
    invitation = checked.invitation
    responses.mark_opened(invitation)
    language = answer_language(language, invitation)
    questionnaire = invitation.questionnaire
    questions = questionnaire.ordered_questions()
    if request.method == "GET":
        return _answer_page(
            request, invitation, questions, language, values=responses.draft_of(invitation)
        )

    posted = {q.pk: request.POST.get(responses.field_name(q), "") for q in questions}
    answers, errors = responses.read_form(questionnaire, request.POST)
    if errors:
        return _answer_page(request, invitation, questions, language, values=posted, errors=errors)
    if request.POST.get("action") == SAVE:
        responses.save_draft(invitation, answers, language=language)
        return _answer_page(request, invitation, questions, language, values=answers, saved=True)
    if not answers:
        return _answer_page(request, invitation, questions, language, values=posted, empty=True)
    try:
        responses.submit(
            enrolment=invitation.enrolment,
            questionnaire=questionnaire,
            occasion=invitation.occasion,
            answers=answers,
            source=Source.LINK,
            invitation=invitation,
        )
    except (responses.AlreadyAnswered, ValidationError):
        # Sent meanwhile from another tab, or typed in by staff (a question of the occasion
        # already has its answer): nothing was saved, and the link has done its work.
        return _state_page(request, links.USED, language)
    return redirect("survey_link:thanks", language=language)


@_participant_headers
@require_GET
def thanks(request, language):
    language = known_language(language)
    return _render(
        request,
        "surveys/link/message.html",
        language,
        {"title": page_text("thanks_title", language), "text": page_text("thanks", language)},
    )
