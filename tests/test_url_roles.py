"""Every URL × every visitor: what each page and API endpoint promises, and that it keeps it.

After pretix's `src/tests/control/test_permissions.py`. The URLs come from the URL resolver, so
a new page is tested the day it is added — and a page without a rule fails here:

- a page behind `@project_view("<capability>")` carries its rule on the view
  (`view.access_rule == ("project", capability)`, set by core/decorators.py), and the status
  each visitor gets follows from the capability table (core/policy.py): anonymous → the login
  page, no membership in the project → 404, a role without the capability → 403 (404 on a page
  about one person: the URL names an `enrolment_id`), a role with it → 200 unless
  PROJECT_VIEW_OUTCOMES says otherwise;
- every other view is listed in UNMARKED_VIEWS with the rule its code follows ("public",
  "login", "admin/staff", "admin site", "api-token") and what each visitor gets.

The machinery (collecting the URLs, the data set, requests as a visitor) is in tests/url_roles.py.
One data set for the module: the test project with one of each object (enrolment with
participant and consent, participation, assessment, plan, exit and follow-up, survey answer,
goal with its version, snapshot, upload, job, API token), and another project with the same,
whose ids must never open anything in the first. docs/security.md explains the rules.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, include, path, reverse

from core.models import Role
from core.policy import AGGREGATE_ONLY_ROLES, CAPABILITIES, capabilities_of
from enrolments.models import Enrolment, FollowUp
from interventions.models import Participation
from participants.models import Participant
from surveys.models import SurveyAnswer

from .url_roles import (
    ADMINISTRATOR,
    ADMITTED,
    ANONYMOUS,
    CASE_WORKER_OTHER_ORG,
    ELSEWHERE,
    MANAGER,
    PROVIDER_OTHER_ORG,
    ROLE_OF,
    TO_ADMIN_LOGIN,
    TO_LOGIN,
    VISITORS,
    Endpoint,
    api_headers,
    build_url,
    build_world,
    collect,
    marker_of,
    matches,
    outcome,
    request,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parent.parent / "docs"

# URL kwargs naming a person's record (or a part of one): hidden from a member whose
# organisation the consent does not cover, and from a provider who does not run the
# intervention the person is placed in (Enrolment.objects.visible_to).
PERSON_KWARGS = frozenset(
    {"enrolment_id", "participant_id", "consent_id", "follow_up_id", "assessment_id"}
)
HIDDEN_KWARGS = {
    CASE_WORKER_OTHER_ORG: PERSON_KWARGS | {"participation_id"},
    # A provider sees only the interventions their organisation runs (interventions/views.py).
    PROVIDER_OTHER_ORG: PERSON_KWARGS | {"participation_id", "intervention_id"},
}
# An upload is seen only by the user who uploaded it (imports/views.py _uploads): the manager.
OWNER_ONLY_KWARGS = frozenset({"upload_id"})

# --- the rules ------------------------------------------------------------------------------------

PROJECT = "project"  # @project_view(capability)
PUBLIC = "public"  # anyone, logged in or not
LOGIN = "login"  # @login_required: any logged-in user; the view decides the rest
STAFF = "admin/staff"  # projectbank.views.import_view: is_staff or is_superuser, else 403
ADMIN_SITE = "admin site"  # django.contrib.admin: AdminSite.admin_view (is_active and is_staff)
API_TOKEN = "api-token"  # the REST API: a bearer token, then the membership (api/views.py)

# Keys of an outcome table: a visitor, or one of these groups.
EVERYONE = "everyone"
LOGGED_IN = "logged in"


@dataclass(frozen=True)
class Unmarked:
    """The rule of a view that is not behind @project_view, read from its code, and what each
    visitor gets where the rule's default (RULE_DEFAULTS) does not say it: per method, a table
    {visitor or group: outcome}. A method not listed is not requested (GET is always)."""

    rule: str
    get: dict | None = None
    post: dict | None = None


RULE_DEFAULTS = {
    PUBLIC: {EVERYONE: "200"},
    LOGIN: {ANONYMOUS: TO_LOGIN, LOGGED_IN: "200"},
    STAFF: {ANONYMOUS: TO_LOGIN, ADMINISTRATOR: "200", LOGGED_IN: "403"},
    ADMIN_SITE: {ADMINISTRATOR: ADMITTED, EVERYONE: TO_ADMIN_LOGIN},
}

# Every view without an access_rule marker. Keys are URL names; "namespace:*" covers a whole
# namespace. The job, the API token and the upload in the data set belong to the manager.
UNMARKED_VIEWS: dict[str, Unmarked] = {
    # Django's admin site: every page goes through AdminSite.admin_view, which sends anyone who
    # is not staff to the admin's login page. Logging out of it is a POST (405 for staff).
    "admin:*": Unmarked(ADMIN_SITE),
    "admin:login": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "302", EVERYONE: "200"}),
    "admin:logout": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "405", EVERYONE: "302"}),
    # The audit log is append-only (core/admin.py LogEntryAdmin) and task results are the
    # worker's: no one adds or deletes them, not even a superuser.
    "admin:core_logentry_add": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    "admin:core_logentry_delete": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    "admin:django_tasks_database_dbtaskresult_add": Unmarked(
        ADMIN_SITE, get={ADMINISTRATOR: "403"}
    ),
    "admin:django_tasks_database_dbtaskresult_delete": Unmarked(
        ADMIN_SITE, get={ADMINISTRATOR: "403"}
    ),
    # Sign-in records (django-axes) are written by the login only; the secret of a user's
    # authenticator app is never shown, not even to a superuser (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:axes_accessattempt_add": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    "admin:axes_accesslog_add": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    "admin:axes_accessfailurelog_add": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    "admin:otp_totp_totpdevice_config": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    "admin:otp_totp_totpdevice_qrcode": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    # Django's own: autocomplete refuses a request without its parameters; "view on site" of an
    # object without a public page is a 404.
    "admin:autocomplete": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "403"}),
    "admin:view_on_site": Unmarked(ADMIN_SITE, get={ADMINISTRATOR: "404"}),
    # accounts: Django's LoginView (a logged-in user goes on to the project list) and
    # LogoutView (POST only since Django 5; then to the login page); the language switch is a
    # POST from the header's form and redirects back.
    "accounts:login": Unmarked(PUBLIC, get={ANONYMOUS: "200", LOGGED_IN: "302"}),
    "accounts:logout": Unmarked(PUBLIC, get={EVERYONE: "405"}, post={EVERYONE: TO_LOGIN}),
    "accounts:language": Unmarked(PUBLIC, get={EVERYONE: "405"}, post={EVERYONE: "302"}),
    # A new user's one-time link to choose a password (accounts/views.py SetPasswordView, made
    # by the project settings): Django's reset token decides; a wrong link says it does not work.
    "accounts:set_password": Unmarked(PUBLIC),
    # Two-factor pages (accounts/views_two_factor.py; the suite runs with REQUIRE_TWO_FACTOR
    # off, so no session waits for a code): the overview and the set-up page for anyone logged
    # in; the code page sends a session that needs no code on; new recovery codes only for a
    # user with an authenticator app (POST).
    "accounts:two_factor": Unmarked(LOGIN),
    "accounts:two_factor_verify": Unmarked(LOGIN, get={ANONYMOUS: TO_LOGIN, LOGGED_IN: "302"}),
    "accounts:two_factor_setup": Unmarked(LOGIN),
    "accounts:two_factor_recovery_codes": Unmarked(
        LOGIN, get={ANONYMOUS: TO_LOGIN, LOGGED_IN: "405"}, post={LOGGED_IN: "403"}
    ),
    # OpenID Connect sign-in (accounts/oidc.py) is not configured here: both URLs are 404.
    "accounts:oidc_start": Unmarked(PUBLIC, get={EVERYONE: "404"}),
    "accounts:oidc_callback": Unmarked(PUBLIC, get={EVERYONE: "404"}),
    # core: home sends everyone on (to the login page or the project list); the project list
    # shows only the user's own memberships.
    "core:home": Unmarked(PUBLIC, get={ANONYMOUS: TO_LOGIN, LOGGED_IN: "302"}),
    "core:project_list": Unmarked(LOGIN),
    # The portfolio lists only the user's own projects whose goals their role may see
    # (reports/portfolio.py: @login_required, across projects, so not a project page).
    "portfolio:portfolio": Unmarked(LOGIN),
    # jobs: Job.objects.visible_to — the user who started it and the project's managers.
    "jobs:list": Unmarked(LOGIN),
    "jobs:detail": Unmarked(LOGIN, get={MANAGER: "200", LOGGED_IN: "404"}),
    "jobs:retry": Unmarked(
        LOGIN,
        get={ANONYMOUS: TO_LOGIN, LOGGED_IN: "405"},
        post={MANAGER: "302", LOGGED_IN: "404"},
    ),
    # api tokens: a user's own tokens only.
    "api_tokens:list": Unmarked(LOGIN),
    "api_tokens:revoke": Unmarked(
        LOGIN,
        get={ANONYMOUS: TO_LOGIN, LOGGED_IN: "405"},
        post={MANAGER: "302", LOGGED_IN: "404"},
    ),
    # The project-bank import, for administrators (is_staff or is_superuser), who may see the
    # project they created without being a member. create is POST only (require_POST is
    # outside the staff check, so a GET is 405 for anyone); an empty form comes back with its
    # errors, 400.
    "projectbank:paste": Unmarked(STAFF),
    "projectbank:create": Unmarked(STAFF, get={EVERYONE: "405"}, post={ADMINISTRATOR: "400"}),
    # The audit log of every project (core/views_audit.py): superusers only (the data set's
    # administrator is staff and superuser), everyone else 403.
    "core:audit_search_all": Unmarked(STAFF),
    "projectbank:created": Unmarked(STAFF),
    # The API's schema and its documentation describe the API, not data, but only to someone
    # signed in (api/urls.py): the schema answers 401 like the API, the docs page sends to login.
    "api:schema": Unmarked(LOGIN, get={ANONYMOUS: "401", LOGGED_IN: "200"}),
    "api:docs": Unmarked(LOGIN),
    # The public project pages (reports/views_public.py): anyone, logged in or not; a project
    # that is not published is a 404 (the data set's projects are published).
    "public:*": Unmarked(PUBLIC),
    # A participant's personal survey link (surveys/views_link.py): no login; a token that does
    # not verify opens nothing (404), for anyone.
    "survey_link:answer": Unmarked(PUBLIC, get={EVERYONE: "404"}, post={EVERYONE: "404"}),
    "survey_link:thanks": Unmarked(PUBLIC),
    # The REST API: token (or session) authentication, then the membership decides, as on the
    # pages (api/views.py ProjectResource). Tested below, with API_ENDPOINTS.
    "api:*": Unmarked(API_TOKEN),
}

# What a role holding the capability gets on a project page, where it is not a plain 200.
# Decided from the views' code; each with its reason.
PROJECT_VIEW_OUTCOMES = {
    # Asking a survey and recording a reminder are POSTs; a GET goes back to the participant's
    # surveys (surveys/views.py).
    "surveys:ask": "302",
    "surveys:remind": "302",
    # An upload that is checked but not imported has no result yet: on to its preview.
    "imports:result": "302",
    # A register extract made in the background is downloaded by the job's id: the data set's
    # job made no extract (privacy/views.py extract_download).
    "privacy:extract_download": "404",
}


def unmarked_rule(endpoint: Endpoint, table=UNMARKED_VIEWS) -> Unmarked | None:
    if endpoint.name and endpoint.name in table:
        return table[endpoint.name]
    if endpoint.namespace and f"{endpoint.namespace}:*" in table:
        return table[f"{endpoint.namespace}:*"]
    return table.get(endpoint.route)


def rule_problems(endpoints, table=UNMARKED_VIEWS) -> list[str]:
    """What a developer must fix: views with no rule at all, views with two, and table entries
    that no longer name a URL."""
    problems = []
    for endpoint in endpoints:
        marked, listed = marker_of(endpoint), unmarked_rule(endpoint, table)
        view = f"{getattr(endpoint.view, '__module__', '?')}.{endpoint.view.__name__}"
        if marked is None and listed is None:
            problems.append(
                f"{endpoint.key} (/{endpoint.route}, view {view}) has no access rule. Put the "
                """view behind @project_view("<capability>") (core/decorators.py), or, if it """
                "is not a project page, add it to UNMARKED_VIEWS in tests/test_url_roles.py "
                f"with the rule its code follows ({', '.join(RULES)}) and what each visitor "
                "gets, and describe it in docs/security.md."
            )
        elif marked is not None and endpoint.name in table:
            problems.append(
                f"{endpoint.key} carries its own rule {marked}: remove its entry from "
                "UNMARKED_VIEWS in tests/test_url_roles.py."
            )
    known = {e.name for e in endpoints} | {e.route for e in endpoints}
    namespaces = {e.namespace for e in endpoints}
    for key in table:
        stale = key[:-2] not in namespaces if key.endswith(":*") else key not in known
        if stale:
            problems.append(f"UNMARKED_VIEWS names {key}, which no URL pattern has: remove it.")
    return problems


RULES = (PROJECT, PUBLIC, LOGIN, STAFF, ADMIN_SITE, API_TOKEN)
ENDPOINTS = collect(get_resolver().url_patterns)
PAGES = [e for e in ENDPOINTS if e.name and not e.name.startswith("api:")]
API = [e for e in ENDPOINTS if e.name and e.name.startswith("api:")]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One data set for the module (tests/url_roles.py build_world), rolled back at its end."""
    fast = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        "JOBS_ENQUEUE_ON_COMMIT": False,
        "LANGUAGE_CODE": "sv",
    }
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(**fast):
        yield build_world()
        transaction.set_rollback(True)


# --- the rule is in place -------------------------------------------------------------------------


def test_every_url_has_exactly_one_rule():
    problems = rule_problems(ENDPOINTS)
    assert not problems, "\n".join(problems)


def test_a_new_view_without_a_rule_is_reported():
    from core.decorators import project_view

    def unmarked(request):
        raise AssertionError("never called")

    @project_view("project.view")
    def marked(request):
        raise AssertionError("never called")

    fake = [
        path(
            "projects/<int:project_id>/",
            include(
                (
                    [
                        path("new-page/", unmarked, name="new_page"),
                        path("marked/", marked, name="marked"),
                    ],
                    "fake",
                )
            ),
        ),
        path("listed/", unmarked, name="listed"),
    ]
    endpoints = collect(fake)
    assert [(e.name, e.kwargs) for e in endpoints] == [
        ("fake:new_page", ("project_id",)),
        ("fake:marked", ("project_id",)),
        ("listed", ()),
    ]
    assert marker_of(endpoints[1]) == ("project", "project.view")
    problems = rule_problems(endpoints, table={"listed": Unmarked(LOGIN), "gone": Unmarked(LOGIN)})
    assert len(problems) == 2, problems
    assert problems[0].startswith("fake:new_page (/projects/<int:project_id>/new-page/, view ")
    assert "@project_view" in problems[0] and "UNMARKED_VIEWS" in problems[0]
    assert "gone" in problems[1]
    # A view with its own rule must not also be in the table.
    assert "remove its entry" in rule_problems(endpoints, table={"fake:marked": Unmarked(LOGIN)})[1]


def test_every_role_is_visited():
    assert set(Role.values) <= set(ROLE_OF), "add the new role to ROLE_OF"


# --- pages × visitors -----------------------------------------------------------------------------


def expected_on_project_page(endpoint: Endpoint, who: str, capability: str) -> str:
    if who == ANONYMOUS:
        return TO_LOGIN
    role = ROLE_OF[who]
    if role is None:  # not a member: the project's existence is not revealed
        return "404"
    if capability not in capabilities_of(role):
        return "404" if "enrolment_id" in endpoint.kwargs else "403"
    if set(endpoint.kwargs) & HIDDEN_KWARGS.get(who, set()):
        return "404"
    if set(endpoint.kwargs) & OWNER_ONLY_KWARGS and who != MANAGER:
        return "404"
    return PROJECT_VIEW_OUTCOMES.get(endpoint.name, "200")


def expected_on_unmarked(rule: Unmarked, method: str, who: str) -> str | None:
    """The view's own table first (the visitor, then their group), then the rule's default."""
    keys = (who, LOGGED_IN, EVERYONE) if who != ANONYMOUS else (who, EVERYONE)
    for table in ((rule.get if method == "GET" else rule.post) or {}, RULE_DEFAULTS[rule.rule]):
        for key in keys:
            if key in table:
                return table[key]
    return None


def expectations(endpoint: Endpoint) -> dict[tuple[str, str], str]:
    """(method, visitor) → the outcome the endpoint's rule promises."""
    marked = marker_of(endpoint)
    if marked is not None:
        kind, capability = marked
        assert kind == PROJECT, f"{endpoint}: unknown marker {marked}"
        return {
            ("GET", who): expected_on_project_page(endpoint, who, capability) for who in VISITORS
        }
    rule = unmarked_rule(endpoint)
    methods = ["GET"] + (["POST"] if rule.post is not None else [])
    return {
        (method, who): expected_on_unmarked(rule, method, who)
        for method in methods
        for who in VISITORS
    }


@pytest.mark.parametrize("endpoint", PAGES, ids=str)
def test_page_answers_every_visitor_as_its_rule_promises(world, endpoint):
    url = build_url(endpoint, world["mine"])
    expected = expectations(endpoint)
    got = {}
    for (method, who), _expected in expected.items():
        got[method, who] = outcome(request(world, who, method, url))
    wrong = {
        f"{method} as {who}": f"got {got[method, who]}, expected {want}"
        for (method, who), want in expected.items()
        if not matches(got[method, who], want)
    }
    assert not wrong, f"{url}:\n" + "\n".join(f"  {k}: {v}" for k, v in wrong.items())


def _id_kwargs(endpoint: Endpoint) -> list[str]:
    return [k for k in endpoint.kwargs if k != "project_id" and (k.endswith("_id") or k == "pk")]


CROSS_PROJECT = [
    (endpoint, kwarg)
    for endpoint in PAGES
    if marker_of(endpoint) is not None or unmarked_rule(endpoint).rule == LOGIN
    for kwarg in _id_kwargs(endpoint)
]


@pytest.mark.parametrize(
    ("endpoint", "kwarg"), CROSS_PROJECT, ids=[f"{e}-{k}" for e, k in CROSS_PROJECT]
)
def test_another_projects_object_is_404(world, endpoint, kwarg):
    """The manager of the test project, on every URL of it, with one id taken from the other
    project (everything else the manager's own, so it is that id that must be refused)."""
    mine = world["mine"]
    values = {**mine, "kwargs": {**mine["kwargs"], kwarg: world["theirs"]["kwargs"][kwarg]}}
    url = build_url(endpoint, values)
    rule = unmarked_rule(endpoint) if marker_of(endpoint) is None else None
    method = "POST" if rule is not None and rule.post is not None else "GET"
    response = request(world, MANAGER, method, url)
    assert response.status_code == 404, f"{method} {url} as the manager: {response.status_code}"


@pytest.mark.parametrize(
    "name", ["enrolments:case_list", "enrolments:follow_up_worklist", "interventions:catalogue"]
)
def test_filters_with_another_projects_ids_show_nothing_of_it(world, name):
    theirs = world["theirs"]
    url = build_url(next(e for e in PAGES if e.name == name), world["mine"])
    params = {
        "scope": "all",
        "intervention": theirs["kwargs"]["intervention_id"],
        "area": theirs["kwargs"]["intervention_id"],
        "project": theirs["kwargs"]["project_id"],
        "enrolment": theirs["kwargs"]["enrolment_id"],
    }
    response = request(world, MANAGER, "GET", url, data=params)
    assert response.status_code == 200
    content = response.content.decode()
    assert theirs["enrolment"].participant.family_name not in content
    assert theirs["project"].title not in content


@pytest.mark.parametrize(
    "name", ["core:project_list", "portfolio:portfolio", "jobs:list", "api_tokens:list"]
)
def test_a_users_own_lists_show_nothing_of_another_project(world, name):
    url = build_url(next(e for e in PAGES if e.name == name), world["mine"])
    for who, other in ((MANAGER, "theirs"), (ELSEWHERE, "mine")):
        response = request(world, who, "GET", url)
        assert response.status_code == 200
        content = response.content.decode()
        assert world[other]["project"].title not in content, (name, who)


@pytest.mark.parametrize(
    ("who", "expected"),
    [(MANAGER, "200"), (Role.PROVIDER.value, "404"), (ANONYMOUS, TO_LOGIN)],
)
def test_english_participant_page(world, who, expected):
    """One smoke check of the /en/ URLs (the Swedish ones, the default, are tested above)."""
    endpoint = next(e for e in PAGES if e.name == "enrolments:participant")
    url = build_url(endpoint, world["mine"], language="en")
    assert url.startswith("/en/")
    assert outcome(request(world, who, "GET", url), language="en") == expected


def test_aggregate_only_roles_get_no_count_of_people_on_the_project_page(world):
    """The project page's counts of enrolments are exact: for roles that see people only. The
    evaluator and the steering group get those figures on the dashboard, small ones hidden."""
    url = reverse("core:project_detail", args=[world["mine"]["project"].pk])
    for role in Role.values:
        response = request(world, role, "GET", url)
        assert response.status_code == 200
        counts = response.context["counts"]
        if role in AGGREGATE_ONLY_ROLES:
            assert counts is None, role
        else:
            assert counts == {"total": 1, "open": 0, "exited": 1}, role


# --- the REST API ---------------------------------------------------------------------------------

# What each API endpoint is, read from api/views.py and docs/api.md. "list"/"detail": rows of the
# view's model, as far as the visitor may see them (ROWS_SEEN); "record": POST only;
# ("capability", c): the role needs capability c.
API_ENDPOINTS = {
    "api:project-list": "projects",
    "api:project-detail": "project",
    "api:participant-list": "list",
    "api:participant-detail": "detail",
    "api:enrolment-list": "list",
    "api:enrolment-detail": "detail",
    "api:participation-list": "list",
    "api:participation-detail": "detail",
    "api:follow-up-list": "list",
    "api:follow-up-detail": "detail",
    "api:follow-up-record": "record",
    "api:survey-answer-list": "list",
    "api:survey-answer-detail": "detail",
    "api:goal-list": ("capability", "goals.view"),
}
# docs/api.md "Who sees what": the rows of the test project each member receives. The case
# worker's organisation is covered by the consent; the provider runs the intervention.
EVERY_KIND = frozenset({Participant, Enrolment, Participation, FollowUp, SurveyAnswer})
ROWS_SEEN = {
    MANAGER: EVERY_KIND,
    Role.CASE_WORKER.value: EVERY_KIND,
    Role.PROVIDER.value: frozenset({Participant, Participation}),
    Role.EVALUATOR.value: frozenset(),
    Role.STEERING.value: frozenset(),
    Role.DATA_PROTECTION.value: frozenset(),
    CASE_WORKER_OTHER_ORG: frozenset(),
    PROVIDER_OTHER_ORG: frozenset(),
}
API_PROJECT_RULED = [e for e in API if e.name in API_ENDPOINTS]


def test_every_api_endpoint_is_classified():
    unclassified = [
        e.key for e in API if e.name not in API_ENDPOINTS and unmarked_rule(e).rule == API_TOKEN
    ]
    assert not unclassified, (
        f"{unclassified}: say in API_ENDPOINTS (tests/test_url_roles.py) what each is "
        "(list, detail, record, …) so the test knows what every visitor must get."
    )


def api_get(world, who, url, **params):
    return request(world, who, "GET", url, data=params, headers=api_headers(world, who))


def api_post(world, who, url, body):
    return request(
        world,
        who,
        "POST",
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers=api_headers(world, who),
    )


def ids_in(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def expected_from_api(endpoint: Endpoint, who: str, world) -> tuple[str, set | None]:
    """(status, the ids a list must hold — None when not a list)."""
    kind = API_ENDPOINTS[endpoint.name]
    if who == ANONYMOUS:
        return "401", None
    member = ROLE_OF[who] is not None
    if kind == "projects":
        return "200", {world["mine"]["project"].pk} if member else set()
    if not member:
        return "404", None
    if kind == "project":
        return "200", None
    if isinstance(kind, tuple):
        return ("200" if kind[1] in capabilities_of(ROLE_OF[who]) else "403"), None
    if kind == "record":
        return "405", None  # GET; the POST is tested below
    model = endpoint.view_class.model
    seen = model in ROWS_SEEN[who]
    if kind == "list":
        return "200", {world["mine"]["rows"][model]} if seen else set()
    return ("200" if seen else "404"), None


@pytest.mark.parametrize("endpoint", API_PROJECT_RULED, ids=str)
def test_api_answers_every_visitor_as_the_pages_do(world, endpoint):
    url = build_url(endpoint, world["mine"])
    wrong = {}
    for who in VISITORS:
        response = api_get(world, who, url)
        status, ids = expected_from_api(endpoint, who, world)
        got = str(response.status_code)
        if got != status:
            wrong[who] = f"got {got}, expected {status}"
        elif ids is not None:
            shown = ids_in(response)
            if endpoint.name == "api:project-list":
                shown &= {world["mine"]["project"].pk, world["theirs"]["project"].pk}
                ids = ids if who != ELSEWHERE else {world["theirs"]["project"].pk}
            if shown != ids:
                wrong[who] = f"rows {sorted(shown)}, expected {sorted(ids)}"
    assert not wrong, f"{url}:\n" + "\n".join(f"  {k}: {v}" for k, v in wrong.items())


def test_api_writes_need_a_role_that_may_change_and_a_row_it_sees(world):
    mine = world["mine"]["kwargs"]
    record = reverse(
        "api:follow-up-record",
        kwargs={"project_id": mine["project_id"], "pk": mine["follow_up_id"]},
    )
    answers = reverse("api:survey-answer-list", kwargs={"project_id": mine["project_id"]})
    # An empty body is a 400 for whoever may write; the others never reach the validation.
    expected_record = {ANONYMOUS: "401", ELSEWHERE: "404", ADMINISTRATOR: "404"}
    expected_answer = {ANONYMOUS: "401", ELSEWHERE: "404", ADMINISTRATOR: "404"}
    for who, role in ROLE_OF.items():
        if role is None:
            continue
        may_change = "enrolments.change" in capabilities_of(role)
        sees = Enrolment in ROWS_SEEN[who]
        # The follow-up is looked up first: one the member may not see is a 404.
        expected_record[who] = ("400" if may_change else "403") if sees else "404"
        expected_answer[who] = "400" if may_change else "403"
    got_record = {who: str(api_post(world, who, record, {}).status_code) for who in VISITORS}
    got_answer = {who: str(api_post(world, who, answers, {}).status_code) for who in VISITORS}
    assert got_record == expected_record
    assert got_answer == expected_answer


@pytest.mark.parametrize("endpoint", [e for e in API_PROJECT_RULED if "pk" in e.kwargs], ids=str)
def test_api_another_projects_row_is_404(world, endpoint):
    theirs = world["theirs"]
    values = {**world["mine"], "rows": theirs["rows"]}
    url = build_url(endpoint, values)
    method = "POST" if API_ENDPOINTS[endpoint.name] == "record" else "GET"
    if method == "POST":
        response = api_post(world, MANAGER, url, {"reached": False})
    else:
        response = api_get(world, MANAGER, url)
    assert response.status_code == 404, f"{method} {url}: {response.status_code}"


ID_PARAMETERS = (
    "project",
    "enrolment",
    "participant",
    "participation",
    "intervention",
    "follow_up",
    "consent",
    "goal",
)


@pytest.mark.parametrize(
    "endpoint", [e for e in API_PROJECT_RULED if API_ENDPOINTS[e.name] == "list"], ids=str
)
def test_api_filters_with_another_projects_ids_never_give_its_rows(world, endpoint):
    mine, theirs = world["mine"], world["theirs"]
    url = build_url(endpoint, mine)
    other = {
        name: theirs["kwargs"].get(f"{name}_id", theirs["kwargs"]["project_id"])
        for name in ID_PARAMETERS
    }
    own = ids_in(api_get(world, MANAGER, url))
    for name, value in other.items():
        response = api_get(world, MANAGER, url, **{name: value})
        assert response.status_code in (200, 404), (name, response.status_code)
        if response.status_code == 200:
            shown = ids_in(response)
            assert shown <= own, f"{url}?{name}={value} gave rows {shown - own}"
            assert theirs["rows"][endpoint.view_class.model] not in shown
    # And a member of the other project asking for this one gets nothing at all.
    assert api_get(world, ELSEWHERE, url).status_code == 404


def test_api_survey_answer_for_another_projects_enrolment_is_refused(world):
    mine, theirs = world["mine"]["kwargs"], world["theirs"]["kwargs"]
    url = reverse("api:survey-answer-list", kwargs={"project_id": mine["project_id"]})
    body = {
        "enrolment": theirs["enrolment_id"],
        "occasion": "exit",
        "question": "network",
        "value": 4,
        "answered_on": "2009-06-01",
    }
    with transaction.atomic():
        client = Client()
        response = client.post(
            url,
            json.dumps(body),
            content_type="application/json",
            headers=api_headers(world, MANAGER),
        )
        written = SurveyAnswer.objects.filter(enrolment_id=theirs["enrolment_id"]).count()
        transaction.set_rollback(True)
    assert response.status_code == 400 and "enrolment" in response.json()
    assert written == 1  # only the answer the data set made


# --- the capability matrix in the docs ------------------------------------------------------------


def capability_matrix() -> str:
    """The role × capability table of docs/security.md and docs/security.sv.md, from the code."""
    roles = [role for role in Role.values if role in CAPABILITIES]
    capabilities = sorted({str(c) for caps in CAPABILITIES.values() for c in caps})
    lines = [
        "| capability | " + " | ".join(roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for capability in capabilities:
        marks = ["✓" if capability in capabilities_of(role) else "–" for role in roles]
        lines.append(f"| `{capability}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)


@pytest.mark.parametrize("name", ["security.md", "security.sv.md"])
def test_the_capability_table_in_the_docs_is_the_codes(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    table = re.search(r"^\| capability \|.*?(?=\n\n|\Z)", text, flags=re.M | re.S)
    assert table is not None, f"docs/{name} has no capability table"
    assert table.group(0).strip() == capability_matrix(), (
        f"docs/{name}: the capability table differs from the code; replace it with:\n\n"
        + capability_matrix()
    )


def test_session_key_is_the_logged_in_user(world):
    """The module's sessions are who they claim to be (a guard for the matrix above)."""
    from django.contrib.sessions.backends.db import SessionStore

    for who, key in world["sessions"].items():
        assert SessionStore(session_key=key)[SESSION_KEY] == str(world["users"][who].pk)
