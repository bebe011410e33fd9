"""The REST API: visibility through the one queryset, tokens and scopes, sync paging, audit,
errors, the schema and the docs page."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from api import services as token_services
from api.models import ApiToken
from core.models import LogEntry, Role
from enrolments.models import Enrolment, FollowUp, Status
from surveys.models import SurveyAnswer
from surveys.services import template_question

from .factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def token_for(user, scopes=("read",), **kwargs):
    _token, value = token_services.create_token(
        user=user, name="test", scopes=list(scopes), by=user, **kwargs
    )
    return value


class Api:
    """A client speaking as one token."""

    def __init__(self, client, token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, body):
        raw = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(path, raw, content_type="application/json", headers=self.headers)


@pytest.fixture
def world():
    project = ProjectFactory(follow_up_days=[90])
    municipality = OrganisationFactory(name="Kommunen")
    agency = OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service")
    employer = OrganisationFactory(name="Bygg AB", kind="employer")
    covered = EnrolmentFactory(project=project)
    ConsentFactory(participant=covered.participant, project=project, organisations=[municipality])
    agency_only = EnrolmentFactory(project=project)
    ConsentFactory(participant=agency_only.participant, project=project, organisations=[agency])
    anonymous = EnrolmentFactory(project=project, participant=AnonymousParticipantFactory())
    placed = ParticipationFactory(
        enrolment=agency_only, intervention__project=project, intervention__provider=employer
    )
    elsewhere = EnrolmentFactory()
    roles = {
        "manager": MembershipFactory(project=project, organisation=municipality, role=Role.MANAGER),
        "case_worker": MembershipFactory(project=project, organisation=municipality),
        "provider": MembershipFactory(project=project, organisation=employer, role=Role.PROVIDER),
        "evaluator": MembershipFactory(
            project=project, organisation=municipality, role=Role.EVALUATOR
        ),
    }
    return {
        "project": project,
        "covered": covered,
        "agency_only": agency_only,
        "anonymous": anonymous,
        "placed": placed,
        "elsewhere": elsewhere,
        **roles,
    }


def api_as(client, membership, scopes=("read",)):
    return Api(client, token_for(membership.user, scopes))


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def url(project, resource=""):
    return f"{API}/projects/{project.pk}/{resource}"


# --- Visibility -------------------------------------------------------------------------------


def test_projects_lists_only_the_users_projects_with_role(client, world):
    api = api_as(client, world["case_worker"])
    response = api.get(f"{API}/projects/")
    assert ids(response) == {world["project"].pk}
    assert response.json()["results"][0]["role"] == Role.CASE_WORKER
    assert api.get(f"{API}/projects/{world['elsewhere'].project.pk}/").status_code == 404


def test_case_worker_sees_only_consent_covered_and_anonymous_people(client, world):
    api = api_as(client, world["case_worker"])
    project = world["project"]
    expected = {world["covered"], world["anonymous"]}
    assert ids(api.get(url(project, "enrolments/"))) == {e.pk for e in expected}
    assert ids(api.get(url(project, "participants/"))) == {e.participant_id for e in expected}
    hidden = world["agency_only"]
    assert api.get(url(project, f"enrolments/{hidden.pk}/")).status_code == 404
    assert api.get(url(project, f"participants/{hidden.participant_id}/")).status_code == 404
    assert api.get(url(project, "participations/")).json()["results"] == []


def test_manager_sees_every_enrolment_of_the_project(client, world):
    api = api_as(client, world["manager"])
    expected = {world[k].pk for k in ("covered", "agency_only", "anonymous")}
    assert ids(api.get(url(world["project"], "enrolments/"))) == expected
    assert ids(api.get(url(world["project"], "participations/"))) == {world["placed"].pk}


def test_provider_sees_only_participants_placed_with_them(client, world):
    api = api_as(client, world["provider"])
    project = world["project"]
    assert ids(api.get(url(project, "participants/"))) == {world["agency_only"].participant_id}
    assert ids(api.get(url(project, "participations/"))) == {world["placed"].pk}
    # Enrolment details, follow-ups and survey answers are not on the provider's pages either.
    assert ids(api.get(url(project, "enrolments/"))) == set()
    assert ids(api.get(url(project, "follow-ups/"))) == set()


def test_evaluator_gets_no_rows_but_the_suppressed_goals(client, world):
    api = api_as(client, world["evaluator"])
    project = world["project"]
    for resource in ("participants/", "enrolments/", "participations/", "follow-ups/"):
        assert ids(api.get(url(project, resource))) == set(), resource
    response = api.get(url(project, "goals/"))
    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("role", ["manager", "evaluator"])
def test_goals_are_the_dashboards_json(client, world, role):
    from goals.services import create_goal

    membership = world[role]
    create_goal(
        project=world["project"],
        key="gender-split",
        title="Könsfördelning",
        template="gender_split",
        parameters={},
        by=world["manager"].user,
    )
    api = api_as(client, membership)
    client.force_login(membership.user)
    page = client.get(f"/projects/{world['project'].pk}/goals/goals.json")
    assert page.status_code == 200
    from_api = api.get(url(world["project"], "goals/"))
    assert from_api.json() == page.json()
    assert len(from_api.json()) == 1


def test_non_member_gets_404_everywhere_in_the_project(client, world):
    api = Api(client, token_for(UserFactory()))
    project = world["project"]
    for resource in ("", "participants/", "enrolments/", "goals/", "follow-ups/"):
        assert api.get(url(project, resource)).status_code == 404, resource
    assert api.get(f"{API}/projects/99999999999999999999/").status_code == 404


def test_no_personal_identifiers_in_participant_rows(client, world):
    api = api_as(client, world["manager"])
    row = api.get(url(world["project"], f"participants/{world['covered'].participant_id}/"))
    body = row.json()
    for field in ("given_name", "family_name", "identity_encrypted", "identity_hash"):
        assert field not in body
    assert world["covered"].participant.family_name not in row.content.decode()


# --- Audit ------------------------------------------------------------------------------------


def test_every_record_shown_is_logged_without_values(client, world):
    api = api_as(client, world["case_worker"])
    before = LogEntry.objects.filter(action="view").count()
    api.get(url(world["project"], "enrolments/"))
    entries = LogEntry.objects.filter(action="view").order_by("pk")[before:]
    assert {e.object_id for e in entries} == {
        str(world["covered"].participant_id),
        str(world["anonymous"].participant_id),
    }
    assert all(e.object_type == "participants.Participant" for e in entries)
    assert all(e.user == world["case_worker"].user for e in entries)
    assert all(world["covered"].participant.family_name not in e.reason for e in entries)
    api.get(url(world["project"], f"enrolments/{world['covered'].pk}/"))
    last = LogEntry.objects.latest("pk")
    assert last.object_id == str(world["covered"].participant_id)


# --- Tokens and scopes ------------------------------------------------------------------------


def test_without_a_token_401(client, world):
    response = client.get(f"{API}/projects/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_revoked_and_expired_tokens_401(client, world):
    user = world["manager"].user
    assert Api(client, "fsm_nonsense").get(f"{API}/projects/").status_code == 401
    value = token_for(user)
    token = ApiToken.objects.get(user=user)
    token_services.revoke_token(token=token, by=user)
    response = Api(client, value).get(f"{API}/projects/")
    assert response.status_code == 401
    assert "återkallats" in response.json()["detail"]  # Swedish, the default language
    expired = token_for(user, expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert Api(client, expired).get(f"{API}/projects/").status_code == 401


def test_a_new_token_works_on_the_demos_clock(client, world, settings):
    """The demo's today is in 2015: a token valid to the end of next week works there, and one
    that ran out yesterday does not — validity and use on the same clock (core.clock)."""
    settings.FOLJSAM_TODAY = "2015-06-22"
    user = world["manager"].user
    until = timezone.make_aware(dt.datetime(2015, 7, 1))
    assert Api(client, token_for(user, expires_at=until)).get(f"{API}/projects/").status_code == 200
    gone = timezone.make_aware(dt.datetime(2015, 6, 21))
    assert Api(client, token_for(user, expires_at=gone)).get(f"{API}/projects/").status_code == 401


def test_token_stored_only_as_hash_and_last_use_recorded(client, world):
    user = world["manager"].user
    value = token_for(user)
    token = ApiToken.objects.get(user=user)
    assert value not in (token.token_hash, token.prefix)
    assert value.startswith(token.prefix)
    assert token.last_used_at is None
    Api(client, value).get(f"{API}/projects/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_read_token_cannot_write_403(client, world):
    api = api_as(client, world["manager"], scopes=("read",))
    response = api.post(url(world["project"], "survey-answers/"), {})
    assert response.status_code == 403
    assert "write" in response.json()["detail"]


def test_write_only_token_cannot_read(client, world):
    api = api_as(client, world["manager"], scopes=("write",))
    assert api.get(f"{API}/projects/").status_code == 403


def test_session_may_read_but_not_write(client, world):
    client.force_login(world["manager"].user)
    assert client.get(f"{API}/projects/").status_code == 200
    response = client.post(
        url(world["project"], "survey-answers/"), "{}", content_type="application/json"
    )
    assert response.status_code == 403


def test_token_page_creates_shows_once_lists_and_revokes(client, world):
    user = world["manager"].user
    client.force_login(user)
    page = client.get("/en/api-tokens/")
    assert page.status_code == 200
    response = client.post(
        "/en/api-tokens/",
        {"name": "Partner system", "scopes": ["read", "write"], "expires_on": "2099-01-01"},
    )
    assert response.status_code == 200
    assert b"A token is valid for at most a year" in response.content
    expires = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        "/en/api-tokens/",
        {"name": "Partner system", "scopes": ["read", "write"], "expires_on": expires},
        follow=True,
    )
    token = ApiToken.objects.get(user=user)
    value = response.context["new_token"]
    assert value.startswith(token.prefix) and value.encode() in response.content
    assert token.scopes == ["read", "write"]
    assert value.encode() not in client.get("/en/api-tokens/").content
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"/en/api-tokens/{token.pk}/revoke/").status_code == 404
    client.force_login(user)
    client.post(f"/en/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(client, value).get(f"{API}/projects/").status_code == 401


# --- Paging and changed_since ------------------------------------------------------------------


def test_pages_follow_next_links_in_change_order(client, world):
    project = world["project"]
    for _ in range(5):
        EnrolmentFactory(project=project)
    api = api_as(client, world["manager"])
    seen = []
    response = api.get(url(project, "enrolments/"), page_size=3)
    while True:
        body = response.json()
        assert len(body["results"]) <= 3
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        response = client.get(body["next"], headers=api.headers)
    expected = Enrolment.objects.filter(project=project).order_by("updated_at", "pk")
    assert seen == [e.pk for e in expected]


def test_changed_since_returns_only_later_changes(client, world):
    project = world["project"]
    covered = world["covered"]
    Enrolment.objects.filter(project=project).update(
        updated_at=timezone.now() - dt.timedelta(days=2)
    )
    mark = timezone.now() - dt.timedelta(days=1)
    covered.months_without_work = 7
    covered.save()
    api = api_as(client, world["manager"])
    response = api.get(url(project, "enrolments/"), changed_since=mark.isoformat())
    assert ids(response) == {covered.pk}
    everything = ids(api.get(url(project, "enrolments/"), changed_since="2000-01-01T00:00:00Z"))
    assert everything == {world[k].pk for k in ("covered", "agency_only", "anonymous")}
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert ids(api.get(url(project, "enrolments/"), changed_since=later)) == set()


@pytest.mark.parametrize("value", ["yesterday", "2026-13-45T00:00:00", "9999-12-31T23:59:59-23:59"])
def test_invalid_changed_since_400_naming_the_parameter(client, world, value):
    api = api_as(client, world["manager"])
    response = api.get(url(world["project"], "enrolments/"), changed_since=value)
    assert response.status_code == 400
    assert "changed_since" in response.json()


@pytest.mark.parametrize("params", [{"page_size": "0"}, {"page_size": "x"}, {"cursor": "bz14"}])
def test_invalid_paging_400(client, world, params):
    api = api_as(client, world["manager"])
    response = api.get(url(world["project"], "enrolments/"), **params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_forged_cursor_position_400():
    import base64

    from django.test import Client

    client = Client()
    user = UserFactory()
    project = ProjectFactory()
    MembershipFactory(user=user, project=project, role=Role.MANAGER)
    cursor = base64.b64encode(b"p=not-a-date").decode()
    response = Api(client, token_for(user)).get(url(project, "enrolments/"), cursor=cursor)
    assert response.status_code == 400
    assert "cursor" in response.json()


# --- Writes -------------------------------------------------------------------------------------


def test_record_survey_answer(client, world, settings):
    settings.FOLJSAM_TODAY = "2010-01-10"
    api = api_as(client, world["case_worker"], scopes=("read", "write"))
    body = {
        "enrolment": world["covered"].pk,
        "occasion": "exit",
        "question": template_question(world["project"], "job_chances").pk,
        "value": 4,
        "answered_on": "2010-01-05",
    }
    response = api.post(url(world["project"], "survey-answers/"), body)
    assert response.status_code == 201, response.content
    answer = SurveyAnswer.objects.get(pk=response.json()["id"])
    assert (answer.value, answer.enrolment) == (4, world["covered"])
    assert LogEntry.objects.filter(
        action="create", object_type="surveys.SurveyAnswer", object_id=str(answer.pk)
    ).exists()
    again = api.post(url(world["project"], "survey-answers/"), body)
    assert again.status_code == 400
    assert "question" in again.json()
    # An enrolment the case worker may not see is not found (and not revealed).
    hidden = api.post(
        url(world["project"], "survey-answers/"), {**body, "enrolment": world["agency_only"].pk}
    )
    assert hidden.status_code == 400 and "enrolment" in hidden.json()
    assert SurveyAnswer.objects.count() == 1


def test_evaluator_with_write_token_cannot_write(client, world):
    api = api_as(client, world["evaluator"], scopes=("read", "write"))
    response = api.post(url(world["project"], "survey-answers/"), {"enrolment": 1})
    assert response.status_code == 403


def test_record_follow_up_through_the_service(client, world, settings):
    from enrolments.services import exit_enrolment

    settings.FOLJSAM_TODAY = "2009-12-01"
    enrolment = world["covered"]
    exit_enrolment(
        enrolment=enrolment,
        by=world["manager"].user,
        exited_on=dt.date(2009, 12, 1),
        exit_reason="completed",
        exit_status="job_seeking",
        exit_income_source="social_assistance",
    )
    follow_up = FollowUp.objects.get(enrolment=enrolment)
    settings.FOLJSAM_TODAY = "2010-03-01"
    api = api_as(client, world["case_worker"], scopes=("read", "write"))
    record = url(world["project"], f"follow-ups/{follow_up.pk}/record/")
    missing = api.post(record, {"reached": True})
    assert missing.status_code == 400
    assert {"status", "source"} <= set(missing.json())
    response = api.post(
        record, {"reached": True, "status": "employed_full_time", "source": "participant"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "employed_full_time"
    follow_up.refresh_from_db()
    assert follow_up.recorded_on == dt.date(2010, 3, 1)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.FOLLOWED_UP
    assert api.post(record, {"reached": False}).status_code == 400  # once only


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ("{not json", "detail"),
        ("[1, 2]", "non_field_errors"),
        (
            {
                "enrolment": 1,
                "occasion": "exit",
                "question": "network",
                "value": 3,
                "answered_on": "2010-01-01",
                "colour": "red",
            },
            "colour",
        ),
        (
            {
                "enrolment": "one",
                "occasion": "exit",
                "question": "network",
                "value": 3,
                "answered_on": "2010-01-01",
            },
            "enrolment",
        ),
        (
            {
                "enrolment": 1,
                "occasion": "exit",
                "question": "network",
                "value": 9,
                "answered_on": "2010-01-01",
            },
            "value",
        ),
        (
            {
                "enrolment": 1,
                "occasion": "exit",
                "question": "network",
                "value": 3,
                "answered_on": "someday",
            },
            "answered_on",
        ),
        (
            {
                "enrolment": 10**30,
                "occasion": "exit",
                "question": "network",
                "value": 3,
                "answered_on": "2010-01-01",
            },
            "enrolment",
        ),
        (
            {
                "enrolment": 1,
                "occasion": "never",
                "question": "network",
                "value": 3,
                "answered_on": "2010-01-01",
            },
            "occasion",
        ),
    ],
)
def test_bad_input_is_400_naming_the_field(client, world, body, field):
    api = api_as(client, world["manager"], scopes=("read", "write"))
    response = api.post(url(world["project"], "survey-answers/"), body)
    assert response.status_code == 400
    assert field in response.json()


def test_follow_up_record_rejects_unknown_fields_and_wrong_types(client, world):
    enrolment = world["covered"]
    follow_up = FollowUp.objects.create(enrolment=enrolment, day=90, due_on=dt.date(2010, 3, 1))
    api = api_as(client, world["manager"], scopes=("read", "write"))
    record = url(world["project"], f"follow-ups/{follow_up.pk}/record/")
    assert "mood" in api.post(record, {"reached": True, "mood": "good"}).json()
    assert "reached" in api.post(record, {"reached": "perhaps"}).json()
    assert "recorded_on" in api.post(record, {"reached": False, "recorded_on": 5}).json()


# --- Schema and docs ----------------------------------------------------------------------------


def test_schema_is_served(client):
    client.force_login(UserFactory())
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/projects/{project_id}/enrolments/" in schema["paths"]
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_docs_page_lists_every_endpoint_without_a_cdn(client):
    client.force_login(UserFactory())
    response = client.get("/api/docs/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/projects/{project_id}/survey-answers/" in text
    assert "cdn" not in text.lower()
