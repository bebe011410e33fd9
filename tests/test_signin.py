"""Signing in (issue 12, item 1; docs/security.md "Signing in"): lockout after repeated failed
logins, failed and successful logins in the audit log, the two-factor step with its set-up and
recovery codes, the idle timeout and the session's age, and OpenID Connect sign-in."""

import base64
import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.lockout import client_address
from core import clock
from core.models import LogEntry, Role

from .factories import ConsentFactory, EnrolmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
EN_LOGIN = "/en/accounts/login/"


def login(client, username, password="demo", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def case_worker():
    """A case worker who sees one person (by name) in their project, in their own caseload."""
    membership = MembershipFactory(role=Role.CASE_WORKER, user__username="amira")
    enrolment = EnrolmentFactory(
        project=membership.project,
        participant__given_name="Zlatana",
        case_worker=membership.user,
    )
    ConsentFactory(
        participant=enrolment.participant,
        project=membership.project,
        organisations=[membership.organisation],
    )
    membership.enrolment = enrolment
    return membership


def person_url(membership) -> str:
    return reverse(
        "enrolments:participant",
        kwargs={"project_id": membership.project_id, "enrolment_id": membership.enrolment.pk},
    )


# --- lockout and the log of logins --------------------------------------------------------------


def test_fifty_wrong_passwords_lock_the_account_and_every_one_is_logged(client, case_worker):
    user = case_worker.user
    for _ in range(50):
        response = client.post(EN_LOGIN, {"username": "amira", "password": "gissning-123"})
        assert not logged_in(client)
    response = client.post(EN_LOGIN, {"username": "amira", "password": "demo"})
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Logging in is paused" in page and "Try again in 30 minutes." in page
    assert '<html lang="en">' in page  # our own page, with the site around it
    failures = LogEntry.objects.filter(object_type="accounts.LoginFailure")
    assert failures.count() == 51  # the right password during the lockout is refused too
    assert set(failures.values_list("object_id", flat=True)) == {str(user.pk)}
    assert LogEntry.objects.filter(object_type="accounts.LoginLockout").exists()
    assert AccessAttempt.objects.filter(username="amira").exists()
    # No password in any log.
    logged = " ".join(
        str(row)
        for row in [
            *LogEntry.objects.values_list("object_id", "reason", "fields"),
            *AccessAttempt.objects.values_list("get_data", "post_data"),
        ]
    )
    assert "gissning-123" not in logged


def test_the_lockout_page_speaks_swedish_on_swedish_pages(client, case_worker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, "amira", "fel")
    response = login(client, "amira")
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="sv">' in page and f'href="{LOGIN}"' in page


def test_an_address_that_guesses_many_accounts_is_locked_but_others_can_log_in(
    client, settings, django_user_model
):
    settings.AXES_FAILURE_LIMIT = 5
    eva = UserFactory(username="eva")
    for n in range(5):
        login(client, f"nobody{n}", "fel", REMOTE_ADDR="203.0.113.7")
    assert login(client, "eva", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert not logged_in(client)
    assert login(client, "eva", REMOTE_ADDR="198.51.100.2").status_code == 302
    assert logged_in(client)
    # Names typed that name no account are not kept in the audit log; eva's refused login is.
    assert set(
        LogEntry.objects.filter(object_type="accounts.LoginFailure").values_list(
            "object_id", flat=True
        )
    ) == {"", str(eva.pk)}


def test_the_lockout_ends_after_its_cool_off(client, case_worker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, "amira", "fel")
    assert login(client, "amira").status_code == 429
    # 31 minutes later (axes keeps its own times: move its records back).
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
        )
    assert login(client, "amira").status_code == 302
    assert logged_in(client)


def test_a_successful_login_is_logged_and_resets_the_count(client, case_worker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        login(client, "amira", "fel")
    assert login(client, "amira").status_code == 302
    assert LogEntry.objects.filter(user=case_worker.user, action="login").exists()
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        login(client, "amira", "fel")
    assert login(client, "amira").status_code == 302


def test_the_admin_login_is_locked_out_too(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    for _ in range(3):
        client.post(admin_login, {"username": "root", "password": "fel"})
    response = client.post(admin_login, {"username": "root", "password": "demo"})
    assert response.status_code == 429
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "10.0.0.9", "192.0.2.1"),  # no proxy: a client's header is not believed
        (1, "10.0.0.9", "10.0.0.9"),
        (1, "6.6.6.6, 10.0.0.9", "10.0.0.9"),  # what the client wrote on the left is not used
        (2, "6.6.6.6, 10.0.0.9, 10.0.0.1", "10.0.0.9"),
        (1, "", "192.0.2.1"),
    ],
)
def test_the_client_address_behind_a_proxy(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# --- two-factor ---------------------------------------------------------------------------------


def code_for(device, offset=0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:06d}"


def secret_from(page: str) -> bytes:
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


@pytest.fixture
def two_factor_on(settings):
    settings.REQUIRE_TWO_FACTOR = True


def test_a_password_alone_opens_nothing_personal(client, case_worker, two_factor_on):
    from api.services import create_token

    assert login(client, "amira").status_code == 302
    setup = reverse("accounts:two_factor_setup")
    for url in (
        person_url(case_worker),
        reverse("enrolments:case_list", kwargs={"project_id": case_worker.project_id}),
        reverse("core:project_list"),
        reverse("admin:index"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(setup)
        assert "Zlatana" not in response.content.decode()
    # htmx requests are sent to the whole page.
    response = client.get(person_url(case_worker), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(setup)
    # The API with the session cookie: as if there were no session.
    api = f"/api/v1/projects/{case_worker.project_id}/participants/"
    response = client.get(api, headers={"Accept": "application/json"})
    assert response.status_code in (401, 403)
    assert "Zlatana" not in response.content.decode()
    # A bearer token is another matter (made by the user earlier, in a verified session).
    _token, value = create_token(user=case_worker.user, name="t", scopes=["read"], by=None)
    response = client.get(api, headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 200


def test_setting_up_the_app_then_logging_in_with_a_code(client, case_worker, two_factor_on):
    login(client, "amira")
    page = client.get(reverse("accounts:two_factor_setup") + "?next=" + person_url(case_worker))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img"' in text and "<script" not in text.split("<main", 1)[1]
    key = secret_from(text)
    device = TOTPDevice.objects.get(user=case_worker.user)
    assert device.bin_key == key and not device.confirmed
    # A wrong code is refused.
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert 'role="alert"' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a person takes more than the second the app makes them wait
    # The right one: the app is set up, and ten recovery codes are shown once.
    response = client.post(
        reverse("accounts:two_factor_setup"),
        {"code": code_for(device), "next": person_url(case_worker)},
    )
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert "Zlatana" in client.get(person_url(case_worker)).content.decode()

    # Next login: the code step.
    client.post(reverse("accounts:logout"))
    login(client, "amira")
    response = client.get(person_url(case_worker))
    verify = reverse("accounts:two_factor_verify")
    assert response["Location"].startswith(verify)
    response = client.post(verify, {"code": "123456", "next": person_url(case_worker)})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert LogEntry.objects.filter(
        object_type="accounts.TwoFactorFailure", object_id=str(case_worker.user.pk)
    ).exists()
    assert client.get(person_url(case_worker)).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(
        verify, {"code": code_for(device, offset=1), "next": person_url(case_worker)}
    )
    assert response.status_code == 302 and response["Location"] == person_url(case_worker)
    assert "Zlatana" in client.get(person_url(case_worker)).content.decode()

    # A recovery code works once.
    for attempt in range(2):
        client.post(reverse("accounts:logout"))
        login(client, "amira")
        response = client.post(verify, {"code": codes[0].upper(), "next": "/projects/"})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get(person_url(case_worker)).status_code == 200
        else:
            assert response.status_code == 200
            assert client.get(person_url(case_worker)).status_code == 302


def test_a_password_alone_cannot_set_up_another_app(client, case_worker, two_factor_on):
    device = TOTPDevice.objects.create(user=case_worker.user, name="app", confirmed=True)
    login(client, "amira")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=case_worker.user)) == [device]
    assert client.post(reverse("accounts:two_factor_recovery_codes")).status_code in (302, 403)


def test_new_recovery_codes_replace_the_old_ones(client, case_worker, two_factor_on):
    device = TOTPDevice.objects.create(user=case_worker.user, name="app", confirmed=True)
    old = twofactor.new_recovery_codes(case_worker.user)
    login(client, "amira")
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    page = client.get("/en" + reverse("accounts:two_factor")).content.decode()
    assert "You have 10 unused recovery codes left." in page
    response = client.post(reverse("accounts:two_factor_recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.post(reverse("accounts:logout"))
    login(client, "amira")
    response = client.post(reverse("accounts:two_factor_verify"), {"code": old[0]})
    assert response.status_code == 200  # refused


@pytest.mark.parametrize(
    ("role", "staff", "required"),
    [
        (Role.MANAGER, False, True),
        (Role.CASE_WORKER, False, True),
        (Role.PROVIDER, False, True),
        (Role.EVALUATOR, False, True),  # pseudonymised rows are personal data
        (Role.STEERING, False, False),  # suppressed aggregates only
        (None, True, True),
        (None, False, False),
    ],
)
def test_who_must_use_two_factor(client, two_factor_on, role, staff, required):
    user = UserFactory(username="vem", is_staff=staff)
    if role:
        MembershipFactory(user=user, role=role)
    assert twofactor.required_for(user) is required
    client.force_login(user)
    response = client.get(reverse("core:project_list"))
    assert (response.status_code == 302) is required


def test_with_the_requirement_off_only_a_user_with_an_app_is_asked(client, case_worker, settings):
    settings.REQUIRE_TWO_FACTOR = False
    login(client, "amira")
    assert client.get(person_url(case_worker)).status_code == 200
    client.post(reverse("accounts:logout"))
    TOTPDevice.objects.create(user=case_worker.user, name="app", confirmed=True)
    login(client, "amira")
    response = client.get(person_url(case_worker))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_membership_granted_during_a_session_asks_for_the_second_factor(
    client, two_factor_on, monkeypatch
):
    user = UserFactory(username="ny")
    start = clock.real_seconds()
    monkeypatch.setattr(clock, "real_seconds", lambda: start)
    client.force_login(user)
    assert client.get(reverse("core:project_list")).status_code == 200
    MembershipFactory(user=user, role=Role.CASE_WORKER)
    monkeypatch.setattr(clock, "real_seconds", lambda: start + 2 * twofactor.RECHECK_SECONDS)
    assert client.get(reverse("core:project_list")).status_code == 302


def test_an_administrator_can_reset_a_users_app(admin_client, case_worker):
    device = TOTPDevice.objects.create(user=case_worker.user, name="app", confirmed=True)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=case_worker.user).exists()


# --- idle timeout and the session's age ----------------------------------------------------------


@pytest.fixture
def fake_time(monkeypatch):
    now = {"t": 1_000_000.0}
    monkeypatch.setattr(clock, "real_seconds", lambda: now["t"])

    def advance(minutes):
        now["t"] += minutes * 60

    return advance


def test_a_session_idle_31_minutes_is_gone_29_minutes_is_not(client, case_worker, fake_time):
    login(client, "amira")
    page = "/en" + person_url(case_worker)
    for _ in range(3):
        fake_time(29)
        assert client.get(page).status_code == 200
    fake_time(31)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(EN_LOGIN + "?next=")
    assert not logged_in(client)
    login_page = client.get(response["Location"]).content.decode()
    assert "You were logged out after 30 minutes without activity." in login_page
    assert client.get(page)["Location"].startswith(EN_LOGIN)


def test_an_idle_htmx_request_loads_the_login_page(client, case_worker, fake_time):
    login(client, "amira")
    fake_time(31)
    response = client.get(person_url(case_worker), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(LOGIN)


def test_the_idle_timeout_is_a_setting(client, case_worker, fake_time, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    login(client, "amira")
    fake_time(4)
    assert client.get(person_url(case_worker)).status_code == 200
    fake_time(6)
    assert client.get(person_url(case_worker)).status_code == 302


def test_a_session_ends_after_its_maximum_age_however_active(client, case_worker, fake_time):
    login(client, "amira")
    for _ in range(30):  # 10 hours of a request every 20 minutes
        fake_time(20)
        assert client.get(person_url(case_worker)).status_code == 200
    fake_time(20)
    response = client.get("/en" + person_url(case_worker))
    assert response["Location"].startswith(EN_LOGIN)
    assert "a login lasts at most 10 hours" in client.get(response["Location"]).content.decode()


def test_the_demo_clock_does_not_stop_the_idle_timeout(client, case_worker, fake_time, settings):
    settings.FOLJSAM_TODAY = "2015-06-22"
    login(client, "amira")
    fake_time(31)
    assert client.get(person_url(case_worker)).status_code == 302


# --- OpenID Connect ------------------------------------------------------------------------------

OIDC = {
    "OIDC_ENABLED": True,
    "OIDC_PROVIDER_NAME": "Kommunens inloggning",
    "OIDC_RP_CLIENT_ID": "foljsam",
    "OIDC_RP_CLIENT_SECRET": "hemligt",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.org/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.org/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.org/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.org/jwks",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_USE_PKCE": True,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "accounts.oidc.ExistingAccountBackend",
    ],
}


def test_without_configuration_there_is_no_oidc(client):
    assert "Log in with" not in client.get(EN_LOGIN).content.decode()
    assert "oidc" not in client.get(LOGIN).content.decode()
    assert client.get(reverse("accounts:oidc_start")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback") + "?code=x&state=y").status_code == 404


@pytest.fixture
def identity_provider(monkeypatch):
    """The provider's token and user-info answers, without a network."""
    from accounts.oidc import ExistingAccountBackend

    claims = {}
    monkeypatch.setattr(
        ExistingAccountBackend,
        "get_token",
        lambda self, payload: {"id_token": "id-token", "access_token": "access-token"},
    )
    monkeypatch.setattr(
        ExistingAccountBackend, "verify_token", lambda self, token, **kwargs: {"sub": "1"}
    )
    monkeypatch.setattr(
        ExistingAccountBackend, "get_userinfo", lambda self, access, id_token, payload: claims
    )
    return claims


def oidc_login(client, next_url="/projects/"):
    response = client.get(reverse("accounts:oidc_start") + f"?next={next_url}")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == OIDC["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    )
    query = parse_qs(target.query)
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/callback/"]
    state = query["state"][0]
    return client.get(reverse("accounts:oidc_callback") + f"?code=abc&state={state}")


@override_settings(**OIDC)
def test_oidc_logs_in_an_existing_account_by_email(client, case_worker, identity_provider):
    case_worker.user.email = "amira@kommun.example"
    case_worker.user.save()
    assert "Log in with Kommunens inloggning" in client.get(EN_LOGIN).content.decode()
    identity_provider.update(email="Amira@kommun.example", email_verified=True)
    response = oidc_login(client, person_url(case_worker))
    assert response.status_code == 302 and response["Location"] == person_url(case_worker)
    assert client.session["_auth_user_id"] == str(case_worker.user.pk)
    assert "Zlatana" in client.get(person_url(case_worker)).content.decode()


@override_settings(**OIDC)
def test_oidc_never_creates_an_account(client, case_worker, identity_provider, django_user_model):
    users = django_user_model.objects.count()
    identity_provider.update(email="okand@kommun.example", preferred_username="okand")
    response = oidc_login(client)
    assert response["Location"] == LOGIN
    assert not logged_in(client)
    assert django_user_model.objects.count() == users
    assert 'class="message message-error"' in client.get(LOGIN).content.decode()


@override_settings(**OIDC, OIDC_MATCH="username")
def test_oidc_can_match_by_user_name(client, case_worker, identity_provider):
    identity_provider.update(preferred_username="amira")
    oidc_login(client)
    assert client.session["_auth_user_id"] == str(case_worker.user.pk)


@override_settings(**OIDC, REQUIRE_TWO_FACTOR=True)
@pytest.mark.parametrize("counts", [True, False])
def test_oidc_counts_as_two_factor_only_when_set(client, case_worker, identity_provider, counts):
    case_worker.user.email = "amira@kommun.example"
    case_worker.user.save()
    identity_provider.update(email="amira@kommun.example")
    with override_settings(OIDC_COUNTS_AS_TWO_FACTOR=counts):
        oidc_login(client)
        response = client.get(person_url(case_worker))
    assert (response.status_code == 200) is counts
