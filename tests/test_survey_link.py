"""The participant's answer page behind a personal link (surveys/views_link.py): opening,
saving to continue later, sending once, a used, expired or altered link, the participant's
language (direction, digits, the Swedish fallback), what the page never shows, free text
encrypted at rest, CSRF for a visitor without a session, and the headers that keep the token
from leaking. A Hypothesis property: no alteration of a valid token opens the invitation."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core import signing
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.signals import LAST_ACTIVITY_KEY
from core import clock
from core.models import Role
from surveys import links, responses
from surveys.catalogue import LANGUAGES, PAGE_TEXT
from surveys.models import TEXT_MAX_LENGTH, Invitation, Source, SurveyAnswer
from surveys.services import template_question

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)
from .survey_fixtures import published_questionnaire, sent_invitation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 6, 1)
ALL_LANGUAGES = tuple(LANGUAGES)
FREE_TEXT = "Handledaren på praktiken var fantastisk"


@pytest.fixture(autouse=True)
def _today(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()


@pytest.fixture
def project(db):
    return ProjectFactory(title="Framtid i Fokus")


@pytest.fixture
def identity():
    return demo_identity_number()


@pytest.fixture
def enrolment(project, identity):
    participant = ParticipantFactory(
        given_name="Amina", family_name="Warsame-Lindqvist", identity=identity
    )
    return EnrolmentFactory(project=project, participant=participant)


@pytest.fixture
def questionnaire(project):
    return published_questionnaire(project, title="Avslutsenkät hösten", languages=ALL_LANGUAGES)


@pytest.fixture
def invitation(enrolment, questionnaire):
    return sent_invitation(enrolment, questionnaire)


def questions(questionnaire):
    job, network, free = questionnaire.ordered_questions()
    return SimpleNamespace(job=job, network=network, free=free)


def field(question):
    return f"q{question.pk}"


def url(invitation, language=None):
    return links.path_for(invitation, language)


def text(key, language, **values):
    """A page text as the HTML holds it (escaped)."""
    return escape(PAGE_TEXT[key][language].format(**values))


def page(response) -> str:
    return response.content.decode()


def checked_values(html) -> dict[str, str]:
    """name -> value of every checked radio."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="radio"' in tag and re.search(r"\schecked\b", tag):
            found[re.search(r'name="([^"]+)"', tag).group(1)] = re.search(
                r'value="([^"]+)"', tag
            ).group(1)
    return found


# --- opening, saving, sending ---------------------------------------------------------------------


def test_opening_marks_the_invitation_opened_and_shows_the_questions(client, invitation):
    assert invitation.opened_at is None
    response = client.get(url(invitation))
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    html = page(response)
    q = questions(invitation.questionnaire)
    assert escape(q.job.text_in("sv")) in html and escape(q.free.text_in("sv")) in html
    assert "Hej <bdi>Amina</bdi>!" in html
    assert text("intro", "sv") in html and text("privacy", "sv") in html
    assert text("question_n_of_m", "sv", n=1, m=3) in html
    assert html.count(f'name="{field(q.job)}"') == 5 and f'<textarea id="{field(q.free)}"' in html
    # Both buttons, a language picker with every offered language in its own language.
    assert text("save_later", "sv") in html and text("submit", "sv") in html
    for code, (name, _dir, _digits) in LANGUAGES.items():
        assert f'href="{url(invitation, code)}" lang="{code}" hreflang="{code}"' in html, code
        assert f">{name}</a>" in html


def test_a_second_opening_keeps_the_first_time(client, invitation):
    client.get(url(invitation))
    invitation.refresh_from_db()
    first = invitation.opened_at
    client.get(url(invitation))
    invitation.refresh_from_db()
    assert invitation.opened_at == first


def test_save_and_continue_later_then_reopen_shows_the_draft(client, invitation):
    q = questions(invitation.questionnaire)
    response = client.post(
        url(invitation, "en"), {field(q.job): "4", field(q.free): FREE_TEXT, "action": "save"}
    )
    assert response.status_code == 200
    html = page(response)
    assert text("saved", "en") in html
    assert checked_values(html) == {field(q.job): "4"} and FREE_TEXT in html
    invitation.refresh_from_db()
    assert invitation.answered_on is None and invitation.language == "en"
    assert not SurveyAnswer.objects.exists()

    reopened = page(Client().get(url(invitation, "en")))
    assert checked_values(reopened) == {field(q.job): "4"}
    assert f">{FREE_TEXT}</textarea>" in reopened
    assert text("saved", "en") not in reopened
    # The rest answered and sent later: the draft's answers go with it.
    sent = Client().post(
        url(invitation, "en"),
        {field(q.job): "4", field(q.network): "2", field(q.free): FREE_TEXT, "action": "send"},
    )
    assert sent.status_code == 302
    assert SurveyAnswer.objects.count() == 3


def test_sending_writes_the_answers_once_and_the_link_is_used(client, invitation):
    q = questions(invitation.questionnaire)
    data = {field(q.job): "5", field(q.network): "3", field(q.free): FREE_TEXT, "action": "send"}
    response = client.post(url(invitation, "ar"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("survey_link:thanks", kwargs={"language": "ar"})
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and text("thanks_title", "ar") in page(thanks)

    answers = {a.question_id: a for a in SurveyAnswer.objects.all()}
    assert {pk: (a.value, a.text) for pk, a in answers.items()} == {
        q.job.pk: (5, ""),
        q.network.pk: (3, ""),
        q.free.pk: (None, FREE_TEXT),
    }
    invitation.refresh_from_db()
    assert invitation.answered_on == TODAY and invitation.source == Source.LINK
    assert invitation.draft == ""
    for answer in answers.values():
        assert (answer.source, answer.invitation_id, answer.occasion) == (
            Source.LINK,
            invitation.pk,
            "exit",
        )
        assert answer.answered_on == TODAY

    again = client.post(url(invitation, "ar"), {**data, field(q.job): "1"})
    assert again.status_code == 410
    html = page(again)
    assert text("used_title", "ar") in html and text("used", "ar") in html
    assert SurveyAnswer.objects.count() == 3
    assert SurveyAnswer.objects.get(question=q.job).value == 5
    assert client.get(url(invitation, "sv")).status_code == 410


def test_sending_without_any_answer_saves_nothing_and_says_so(client, invitation):
    response = client.post(url(invitation, "so"), {"action": "send"})
    assert response.status_code == 200
    html = page(response)
    assert 'class="error-summary" role="alert"' in html
    assert text("error_summary", "so") in html and text("optional_hint", "so") in html
    invitation.refresh_from_db()
    assert invitation.answered_on is None and not SurveyAnswer.objects.exists()


def test_a_tampered_answer_is_shown_at_its_field_and_nothing_is_saved(client, invitation):
    q = questions(invitation.questionnaire)
    response = client.post(
        url(invitation), {field(q.job): "7", field(q.network): "2", "action": "send"}
    )
    assert response.status_code == 200
    html = page(response)
    summary = html[
        html.index('class="error-summary"') : html.index("</div>", html.index("error-summary"))
    ]
    assert 'role="alert"' in summary and text("error_summary", "sv") in summary
    assert f'href="#{field(q.job)}-1"' in summary
    assert text("question_n_of_m", "sv", n=1, m=3) in summary
    assert f'id="{field(q.job)}-error">{text("error_invalid", "sv")}' in html
    assert f'aria-describedby="{field(q.job)}-error"' in html
    # The valid answer is kept on the page; nothing is saved, not even as a draft.
    assert checked_values(html) == {field(q.network): "2"}
    invitation.refresh_from_db()
    assert invitation.answered_on is None and invitation.draft == ""
    assert not SurveyAnswer.objects.exists()
    # Saving for later with the same error saves nothing either.
    client.post(url(invitation), {field(q.job): "7", "action": "save"})
    invitation.refresh_from_db()
    assert invitation.draft == ""


def test_a_text_too_long_names_the_limit_in_the_languages_digits(client, invitation):
    q = questions(invitation.questionnaire)
    response = client.post(
        url(invitation, "fa"), {field(q.free): "x" * (TEXT_MAX_LENGTH + 1), "action": "send"}
    )
    html = page(response)
    limit = str(TEXT_MAX_LENGTH).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert text("error_too_long", "fa", m=limit) in html
    assert f'href="#{field(q.free)}"' in html
    assert not SurveyAnswer.objects.exists()


# --- links that no longer open --------------------------------------------------------------------


def assert_only_the_message(html, invitation, state, language):
    assert text(f"{state}_title", language) in html and text(state, language) in html
    assert f'<html lang="{language}"' in html
    for personal in ("Amina", "Warsame", "Framtid i Fokus", "Avslutsenkät", "<form", "<input"):
        assert personal not in html, personal
    for question in invitation.questionnaire.ordered_questions():
        assert (
            escape(question.text_in(language)) not in html
            and escape(question.text_in("sv")) not in html
        )


def test_an_expired_link_says_so_in_the_links_language(client, invitation, settings):
    settings.FOLJSAM_TODAY = invitation.expires_on.isoformat()
    assert client.get(url(invitation, "so")).status_code == 200
    settings.FOLJSAM_TODAY = (invitation.expires_on + dt.timedelta(days=1)).isoformat()
    response = client.get(url(invitation, "so"))
    assert response.status_code == 410
    assert_only_the_message(page(response), invitation, "expired", "so")
    q = questions(invitation.questionnaire)
    assert client.post(url(invitation, "so"), {field(q.job): "3"}).status_code == 410
    assert not SurveyAnswer.objects.exists()


def alter_one_character(token: str, position: int) -> str:
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


@pytest.mark.parametrize("where", ["payload", "signature"])
def test_a_tampered_token_is_not_found_in_the_paths_language(client, invitation, where):
    token = links.token_for(invitation)
    position = 3 if where == "payload" else len(token) - 3
    altered = alter_one_character(token, position)
    response = client.get(
        reverse("survey_link:answer", kwargs={"language": "ti", "token": altered})
    )
    assert response.status_code == 404
    assert_only_the_message(page(response), invitation, "invalid", "ti")
    invitation.refresh_from_db()
    assert invitation.opened_at is None


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda i: signing.dumps({"i": i.pk, "n": i.nonce}, salt="other"), id="salt"),
        pytest.param(
            lambda i: signing.dumps({"i": i.pk, "n": links.new_nonce()}, salt=links.SALT),
            id="nonce",
        ),
        pytest.param(
            lambda i: signing.dumps({"i": i.pk + 1000, "n": i.nonce}, salt=links.SALT), id="id"
        ),
        pytest.param(lambda i: "not-a-token", id="garbage"),
    ],
)
def test_a_token_signed_otherwise_is_not_found(client, invitation, forged):
    response = client.get(
        reverse("survey_link:answer", kwargs={"language": "ar", "token": forged(invitation)})
    )
    assert response.status_code == 404
    assert_only_the_message(page(response), invitation, "invalid", "ar")


def test_an_unknown_language_in_the_path_gives_the_swedish_message(client, invitation):
    altered = alter_one_character(links.token_for(invitation), 2)
    response = client.get(
        reverse("survey_link:answer", kwargs={"language": "xx", "token": altered})
    )
    assert response.status_code == 404
    assert_only_the_message(page(response), invitation, "invalid", "sv")


@pytest.mark.parametrize("token", ["é" * 5 + ":a:b", "x" * 5000, "::", "a:b:c:d"])
def test_odd_tokens_are_not_found(client, token):
    response = client.get(reverse("survey_link:answer", kwargs={"language": "so", "token": token}))
    assert response.status_code == 404
    assert PAGE_TEXT["invalid_title"]["so"] in page(response)


def test_a_new_nonce_makes_the_old_link_invalid(client, invitation):
    old = url(invitation)
    invitation.nonce = links.new_nonce()
    invitation.save(update_fields=["nonce"])
    assert client.get(old).status_code == 404
    assert client.get(url(invitation)).status_code == 200


# --- the participant's language -------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, direction, one, three",
    [
        ("ar", "rtl", "١", "٣"),
        ("fa", "rtl", "۱", "۳"),
        ("prs", "rtl", "۱", "۳"),
        ("so", "ltr", "1", "3"),
        ("ti", "ltr", "1", "3"),
    ],
)
def test_direction_and_digits_follow_the_language(
    client, invitation, language, direction, one, three
):
    html = page(client.get(url(invitation, language)))
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert text("question_n_of_m", language, n=one, m=three) in html
    q = questions(invitation.questionnaire)
    labels = q.job.labels_in(language)
    assert f'<span class="survey-digit">{one}</span> – <span>{escape(labels[0])}</span>' in html
    assert text("page_title", language) in html and text("submit", language) in html
    if direction == "ltr":
        assert not re.search("[٠-٩۰-۹]", html)


def test_a_language_the_questionnaire_does_not_offer_shows_the_invitations(
    client, project, enrolment
):
    questionnaire = published_questionnaire(project, languages=("sv", "so"))
    invitation = sent_invitation(enrolment, questionnaire, language="so")
    html = page(client.get(url(invitation, "ar")))
    assert '<html lang="so" dir="ltr">' in html and text("intro", "so") in html


def test_a_question_without_the_language_falls_back_to_swedish_marked_as_such(
    client, project, enrolment
):
    questionnaire = published_questionnaire(project, languages=ALL_LANGUAGES)
    question = template_question(project, "network")
    question.texts = {k: v for k, v in question.texts.items() if k != "ti"}
    question.options = {k: v for k, v in question.options.items() if k != "ti"}
    question.save()
    invitation = sent_invitation(enrolment, questionnaire, language="ti")
    html = page(client.get(url(invitation, "ti")))
    assert '<html lang="ti" dir="ltr">' in html
    swedish = escape(question.text_in("sv"))
    assert f'<span class="survey-question-text" lang="sv" dir="ltr">{swedish}</span>' in html
    assert f'<span lang="sv" dir="ltr">{escape(question.labels_in("sv")[0])}</span>' in html
    # The other questions are in Tigrinya, unmarked.
    job = template_question(project, "job_chances")
    assert f'<span class="survey-question-text">{escape(job.text_in("ti"))}</span>' in html
    # In Arabic the fallback is marked left to right inside the right-to-left page.
    question.texts = {k: v for k, v in question.texts.items() if k != "ar"}
    question.save()
    html = page(client.get(url(invitation, "ar")))
    assert '<html lang="ar" dir="rtl">' in html
    assert f'lang="sv" dir="ltr">{escape(question.text_in("sv"))}</span>' in html


# --- what the page never shows --------------------------------------------------------------------


def test_nothing_personal_but_the_first_name(client, invitation, identity):
    html = page(client.get(url(invitation)))
    assert "Amina" in html
    digits = identity
    for shown in (
        "Warsame",
        "Lindqvist",
        digits,
        digits[2:],
        f"{digits[:8]}-{digits[8:]}",
        f"{digits[2:8]}-{digits[8:]}",
        "Framtid i Fokus",  # the project
        "Avslutsenkät",  # the questionnaire's internal title
        "2009",  # the person's dates (referred, started)
        "1980",  # born
    ):
        assert shown not in html, shown
    # No staff navigation, no login.
    assert "/accounts/" not in html and "/projects/" not in html


def test_an_anonymous_participant_gets_no_greeting_name(client, project, questionnaire):
    enrolment = EnrolmentFactory(project=project, participant=AnonymousParticipantFactory())
    html = page(client.get(url(sent_invitation(enrolment, questionnaire))))
    assert "survey-greeting" not in html and "<bdi>" not in html


def test_free_text_is_stored_encrypted(client, invitation):
    q = questions(invitation.questionnaire)
    client.post(url(invitation), {field(q.free): FREE_TEXT, "action": "save"})
    client.post(url(invitation), {field(q.free): FREE_TEXT, "action": "send"})
    assert SurveyAnswer.objects.get(question=q.free).text == FREE_TEXT
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM surveys_surveyanswer")
        (raw,) = cursor.fetchone()
        cursor.execute("SELECT draft FROM surveys_invitation")
        draft_columns = [row[0] for row in cursor.fetchall()]
    assert raw and FREE_TEXT not in raw and "Handledaren" not in raw
    assert all("Handledaren" not in (column or "") for column in draft_columns)


def test_a_saved_draft_is_encrypted_too(client, invitation):
    q = questions(invitation.questionnaire)
    client.post(url(invitation), {field(q.free): FREE_TEXT, "action": "save"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT draft FROM surveys_invitation WHERE id = %s", [invitation.pk])
        (raw,) = cursor.fetchone()
    assert raw and "Handledaren" not in raw
    invitation.refresh_from_db()
    assert responses.draft_of(invitation) == {q.free.pk: FREE_TEXT}


# --- CSRF, sessions, headers ----------------------------------------------------------------------


def csrf_token_of(browser, html):
    if "csrftoken" in browser.cookies:
        return browser.cookies["csrftoken"].value
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_a_visitor_without_a_session_can_send_with_the_pages_csrf_token(invitation, secure):
    """Django's own CSRF check, as on every page: the page's `same-origin` referrer policy keeps
    the browser's Origin on its own form post (tests/browser/test_survey_link_pages.py sends it
    in Chromium)."""
    browser = Client(enforce_csrf_checks=True)
    opened = browser.get(url(invitation), secure=secure)
    assert "sessionid" not in browser.cookies
    token = csrf_token_of(browser, page(opened))
    q = questions(invitation.questionnaire)
    data = {field(q.job): "4", "action": "send"}
    origin = {"Origin": f"{'https' if secure else 'http'}://testserver"}
    # Without the token: refused, nothing saved.
    refused = browser.post(url(invitation), data, secure=secure, headers=origin)
    assert refused.status_code == 403 and not SurveyAnswer.objects.exists()
    sent = browser.post(
        url(invitation), {**data, "csrfmiddlewaretoken": token}, secure=secure, headers=origin
    )
    assert sent.status_code == 302
    assert SurveyAnswer.objects.get().value == 4


def test_a_post_from_another_origin_or_without_the_cookie_is_refused(invitation):
    browser = Client(enforce_csrf_checks=True)
    token = csrf_token_of(browser, page(browser.get(url(invitation))))
    q = questions(invitation.questionnaire)
    data = {field(q.job): "4", "action": "send", "csrfmiddlewaretoken": token}
    foreign = browser.post(url(invitation), data, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    null = browser.post(url(invitation), data, headers={"Origin": "null"})
    assert null.status_code == 403
    referer = browser.post(
        url(invitation), data, secure=True, headers={"Referer": "https://evil.example/x"}
    )
    assert referer.status_code == 403
    # A cross-site post carries no cookie (SameSite=Lax): the token alone is not enough.
    stranger = Client(enforce_csrf_checks=True)
    assert stranger.post(url(invitation), data).status_code == 403
    assert not SurveyAnswer.objects.exists()


def test_a_timed_out_staff_session_in_the_same_browser_does_not_send_to_login(
    client, invitation, monkeypatch, settings
):
    """A tablet at the office: a case worker's session left open has timed out when the
    participant opens the link. The session ends; the participant answers anyway."""
    moment = {"t": 1_000_000.0}
    monkeypatch.setattr(clock, "real_seconds", lambda: moment["t"])
    member = MembershipFactory(project=invitation.enrolment.project, role=Role.CASE_WORKER)
    client.force_login(member.user)
    session = client.session
    session[LAST_ACTIVITY_KEY] = moment["t"]
    session.save()
    moment["t"] += settings.SESSION_IDLE_TIMEOUT + 60
    response = client.get(url(invitation))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # And a staff page still sends the next visitor to log in.
    client.force_login(member.user)
    session = client.session
    session[LAST_ACTIVITY_KEY] = moment["t"]
    session.save()
    moment["t"] += settings.SESSION_IDLE_TIMEOUT + 60
    assert client.get(reverse("core:project_list")).status_code == 302


def test_a_session_waiting_for_its_second_factor_does_not_stop_the_participant(
    client, invitation, settings
):
    settings.REQUIRE_TWO_FACTOR = True
    member = MembershipFactory(project=invitation.enrolment.project, role=Role.CASE_WORKER)
    client.force_login(member.user)
    assert client.get(reverse("core:project_list")).status_code == 302  # to the second step
    assert client.get(url(invitation)).status_code == 200


def test_every_answer_keeps_the_token_to_itself(client, invitation, settings):
    q = questions(invitation.questionnaire)
    altered = reverse(
        "survey_link:answer",
        kwargs={"language": "sv", "token": alter_one_character(links.token_for(invitation), 4)},
    )
    pages = {
        "open": client.get(url(invitation)),
        "error": client.post(url(invitation), {field(q.job): "9", "action": "send"}),
        "saved": client.post(url(invitation), {field(q.job): "2", "action": "save"}),
        "sent": client.post(url(invitation), {field(q.job): "2", "action": "send"}),
        "thanks": client.get(reverse("survey_link:thanks", kwargs={"language": "sv"})),
        "used": client.get(url(invitation)),
        "invalid": client.get(altered),
    }
    settings.FOLJSAM_TODAY = "2011-01-01"
    other = sent_invitation(
        EnrolmentFactory(project=invitation.enrolment.project), invitation.questionnaire
    )
    settings.FOLJSAM_TODAY = "2012-01-01"
    pages["expired"] = client.get(url(other))
    assert pages["expired"].status_code == 410
    for name, response in pages.items():
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Robots-Tag"] == "noindex", name
        assert "no-store" in response["Cache-Control"], name
        assert "script-src 'self'" in response["Content-Security-Policy"], name
        if response.status_code != 302:
            assert '<meta name="referrer" content="same-origin">' in page(response), name


def test_the_page_has_no_inline_script_and_loads_its_stylesheet(client, invitation):
    html = page(client.get(url(invitation)))
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "/static/css/survey.css" in html


# --- no alteration of a token opens the invitation ------------------------------------------------

# The token's own characters, and a few a mistyped or mangled link may hold.
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.=+ é٣\x00"


@st.composite
def alterations(draw, token):
    """A token with characters inserted, deleted or replaced (at least one change)."""
    chars = list(token)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        if kind == "delete" and len(chars) > 1:
            del chars[draw(st.integers(0, len(chars) - 1))]
        elif kind == "insert":
            chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(TOKEN_ALPHABET)))
        else:
            position = draw(st.integers(0, len(chars) - 1))
            chars[position] = draw(st.sampled_from(TOKEN_ALPHABET))
    return "".join(chars)


@pytest.fixture
def open_token(invitation):
    token = links.token_for(invitation)
    assert links.check(token).state == links.OPEN
    return token


@given(data=st.data())
@hsettings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_alteration_of_a_valid_token_opens_the_invitation(open_token, data):
    altered = data.draw(alterations(open_token))
    if altered == open_token:  # a replacement by the same character changes nothing
        return
    checked = links.check(altered)
    assert checked.state == links.INVALID and checked.invitation is None, altered


class _Unsigned:
    """What `check` would be without the signature: the payload read, never verified."""

    BadSignature = signing.BadSignature

    @staticmethod
    def loads(token, salt):
        payload = token.split(":", 1)[0]  # payload:timestamp:signature
        return signing.JSONSerializer().loads(signing.b64_decode(payload.encode()))


@pytest.mark.parametrize("position", [-1, -5, -20])
def test_the_property_fails_if_check_skipped_the_signature(open_token, monkeypatch, position):
    """The property above can fail: with the signature unchecked, an altered signature — an
    alteration the property draws — opens the invitation."""
    monkeypatch.setattr(links, "signing", _Unsigned)
    altered = alter_one_character(open_token, len(open_token) + position)
    assert altered != open_token
    assert links.check(altered).state == links.OPEN


def test_an_invitation_reached_by_a_forged_id_is_never_opened(invitation, enrolment, project):
    """Another participant's invitation: its id in a token signed with another key."""
    other = sent_invitation(EnrolmentFactory(project=project), invitation.questionnaire)
    with override_settings(SECRET_KEY="someone-else" * 5):
        forged = signing.dumps({"i": other.pk, "n": other.nonce}, salt=links.SALT)
    assert links.check(forged).state == links.INVALID
    assert Invitation.objects.get(pk=other.pk).opened_at is None
