"""Enrolment.objects.visible_to(membership): the one rule for who sees which participants."""

import datetime as dt

import pytest

from core.models import Role
from enrolments.models import Enrolment

from .factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    project = ProjectFactory()
    municipality, agency, employer = (
        OrganisationFactory(name="Kommunen"),
        OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service"),
        OrganisationFactory(name="Bygg AB", kind="employer"),
    )
    covered = EnrolmentFactory(project=project)
    ConsentFactory(participant=covered.participant, project=project, organisations=[municipality])
    withdrawn = EnrolmentFactory(project=project)
    ConsentFactory(
        participant=withdrawn.participant,
        project=project,
        organisations=[municipality],
        withdrawn_on=dt.date(2009, 4, 1),
    )
    agency_only = EnrolmentFactory(project=project)
    ConsentFactory(participant=agency_only.participant, project=project, organisations=[agency])
    anonymous = EnrolmentFactory(project=project, participant=AnonymousParticipantFactory())
    placed = ParticipationFactory(
        enrolment=covered, intervention__project=project, intervention__provider=employer
    )
    elsewhere = EnrolmentFactory()  # another project
    ConsentFactory(
        participant=elsewhere.participant, project=elsewhere.project, organisations=[municipality]
    )
    return {
        "project": project,
        "municipality": municipality,
        "agency": agency,
        "employer": employer,
        "covered": covered,
        "withdrawn": withdrawn,
        "agency_only": agency_only,
        "anonymous": anonymous,
        "placed": placed,
        "elsewhere": elsewhere,
    }


def visible(membership):
    return set(Enrolment.objects.visible_to(membership))


def test_manager_sees_every_enrolment_of_the_project_and_none_elsewhere(world):
    manager = MembershipFactory(
        project=world["project"], organisation=world["municipality"], role=Role.MANAGER
    )
    assert visible(manager) == {
        world[k] for k in ("covered", "withdrawn", "agency_only", "anonymous")
    }


def test_case_worker_sees_consent_covering_their_organisation_and_anonymous_records(world):
    worker = MembershipFactory(project=world["project"], organisation=world["municipality"])
    assert visible(worker) == {world["covered"], world["anonymous"]}


def test_case_worker_of_another_organisation_sees_only_what_consent_covers_for_them(world):
    worker = MembershipFactory(project=world["project"], organisation=world["agency"])
    assert visible(worker) == {world["agency_only"], world["anonymous"]}


def test_withdrawn_consent_stops_sharing_at_once(world):
    worker = MembershipFactory(project=world["project"], organisation=world["municipality"])
    consent = world["covered"].participant.consents.get()
    consent.withdrawn_on = dt.date(2009, 6, 1)
    consent.save()
    assert world["covered"] not in visible(worker)


def test_provider_sees_only_participants_of_their_interventions(world):
    provider = MembershipFactory(
        project=world["project"], organisation=world["employer"], role=Role.PROVIDER
    )
    assert visible(provider) == {world["covered"]}


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.STEERING])
def test_aggregate_only_roles_see_no_rows(world, role):
    member = MembershipFactory(
        project=world["project"], organisation=world["municipality"], role=role
    )
    assert visible(member) == set()


def test_no_membership_sees_nothing():
    assert not Enrolment.objects.visible_to(None).exists()
