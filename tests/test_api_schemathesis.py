"""schemathesis against /api/schema/, in-process through the WSGI app: for every operation,
generated requests (valid and invalid) must never give a server error, and every documented
response must match the schema. Runs in `make test`, on SQLite and PostgreSQL."""

import datetime as dt
import json

import pytest
import schemathesis
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api import services as token_services
from api.schema_view import openapi_schema
from core.models import Role
from enrolments.models import FollowUp
from foljsam.wsgi import application
from surveys.models import SurveyAnswer
from surveys.services import template_question

from .factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    ParticipationFactory,
)

MAX_EXAMPLES = 10


@pytest.fixture
def keep_connection():
    """Requests go through the real WSGI app, not Django's test client: keep it from closing
    the test's database connection at the end of each request (the test client does the
    same), or the test transaction would be lost on PostgreSQL."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(db, keep_connection):
    """A project with a little of everything, a case worker and a manager with tokens."""
    manager = MembershipFactory(role=Role.MANAGER)
    project = manager.project
    worker = MembershipFactory(project=project, organisation=manager.organisation)
    enrolment = EnrolmentFactory(project=project)
    ConsentFactory(
        participant=enrolment.participant, project=project, organisations=[manager.organisation]
    )
    EnrolmentFactory(project=project, participant=AnonymousParticipantFactory())
    participation = ParticipationFactory(enrolment=enrolment, intervention__project=project)
    follow_up = FollowUp.objects.create(enrolment=enrolment, day=90, due_on=dt.date(2010, 3, 1))
    answer = SurveyAnswer.objects.create(
        enrolment=enrolment,
        occasion="entry",
        question=template_question(project, "network"),
        value=3,
        answered_on=dt.date(2009, 2, 15),
    )
    _token, value = token_services.create_token(
        user=worker.user, name="schemathesis", scopes=["read", "write"], by=worker.user
    )
    return {
        "token": value,
        "project_id": project.pk,
        "ids": {
            "participants": enrolment.participant_id,
            "enrolments": enrolment.pk,
            "participations": participation.pk,
            "follow-ups": follow_up.pk,
            "survey-answers": answer.pk,
        },
    }


# Loaded at collection, as /api/schema/ serves it (the endpoint needs a login; making the schema
# touches no database); the calls go through the WSGI app.
# (schemathesis.pytest.from_fixture does not work with pytest 9: it reads Function._nodeid.)
schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(openapi_schema())))
schema.app = application


def _point_at_real_rows(case, data):
    """Most valid cases address the test data (so real rows are serialised and checked against
    the schema); the rest keep the generated ids (mostly 404s). Invalid values stay as they are."""
    params = case.path_parameters or {}
    project_id = params.get("project_id")
    if not isinstance(project_id, int) or project_id % 4 == 1:
        return
    params["project_id"] = data["project_id"]
    row_id = params.get("id")
    if isinstance(row_id, int) and row_id % 2 == 0:
        resource = case.path.split("/")[5]
        params["id"] = data["ids"][resource]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, api_data, settings):
    settings.FOLJSAM_TODAY = "2010-03-01"
    _point_at_real_rows(case, api_data)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_data['token']}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
