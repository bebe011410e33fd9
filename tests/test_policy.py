"""core.policy: capabilities, person scopes and the disclosure threshold, and that nothing
outside it decides by role name."""

import pathlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core import policy
from core.models import Role
from core.policy import Capability, PersonScope

from .factories import MembershipFactory, ProjectFactory

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = [
    "accounts", "api", "core", "enrolments", "goals", "imports", "interventions", "jobs",
    "participants", "plans", "prestudy", "projectbank", "reports", "surveys",
]  # fmt: skip


def test_every_role_has_a_person_scope_and_capabilities():
    for role in Role.values:
        assert role in policy.PERSON_SCOPES
        assert Capability.PROJECT_VIEW in policy.capabilities_of(role)


def test_aggregate_only_roles_are_those_without_people():
    assert policy.AGGREGATE_ONLY_ROLES == {Role.EVALUATOR, Role.STEERING, Role.DATA_PROTECTION}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope", "threshold"),
    [
        (Role.MANAGER, PersonScope.ALL, None),
        (Role.CASE_WORKER, PersonScope.CONSENTED, None),
        (Role.PROVIDER, PersonScope.PLACED, None),
        (Role.EVALUATOR, PersonScope.NONE, 5),
        (Role.STEERING, PersonScope.NONE, 5),
        (Role.DATA_PROTECTION, PersonScope.NONE, 5),
    ],
)
def test_scope_and_disclosure_per_role(settings, role, scope, threshold):
    settings.SUPPRESSION_THRESHOLD = 5
    membership = MembershipFactory(role=role)
    assert policy.person_scope(membership) == scope
    assert policy.disclosure_for(membership) == threshold


@pytest.mark.django_db
def test_a_project_may_raise_the_threshold_but_not_lower_it(settings):
    settings.SUPPRESSION_THRESHOLD = 5
    project = ProjectFactory(disclosure_threshold=10)
    steering = MembershipFactory(project=project, role=Role.STEERING)
    assert policy.disclosure_for(steering) == 10

    project.disclosure_threshold = 4
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "disclosure_threshold" in error.value.message_dict
    # Even a value stored past the form never lowers the deployment's threshold.
    assert policy.project_threshold(project) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, 2, 101, 1000])
def test_a_project_threshold_out_of_range_is_refused(settings, value):
    settings.SUPPRESSION_THRESHOLD = 3
    project = ProjectFactory(disclosure_threshold=value)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "disclosure_threshold" in error.value.message_dict


@pytest.mark.parametrize("value", [0, 1, 2, 101, "5"])
def test_a_deployment_threshold_out_of_range_stops_the_start(settings, value):
    settings.SUPPRESSION_THRESHOLD = value
    with pytest.raises(SystemCheckError, match="SUPPRESSION_THRESHOLD"):
        call_command("check")
    with pytest.raises(ValidationError):
        policy.deployment_threshold()


def test_the_threshold_message_is_in_swedish_and_english():
    from django.utils import translation

    with translation.override("sv"):
        with pytest.raises(ValidationError) as sv:
            policy.validate_threshold(2)
    with translation.override("en"):
        with pytest.raises(ValidationError) as en:
            policy.validate_threshold(2)
    assert "mellan 3 och 100" in sv.value.messages[0]
    assert "between 3 and 100" in en.value.messages[0]


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path
    yield from (ROOT / "templates").rglob("*.html")


def test_nothing_outside_the_policy_decides_by_role_name():
    """Pages, templates and the API ask core.policy; none compares a membership's role."""
    pattern = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|role\s*==\s*[\"']")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        if path.name != "policy.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, f"ask core.policy instead of comparing roles: {offenders}"
