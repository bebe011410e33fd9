"""Consent versions (issue 11): a consent is widened or narrowed — organisations covered,
purposes — as a new version; the old version is kept; only the newest version decides who sees
the person; the participant page shows every version, what it changed and who recorded it."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.models import LogEntry, Role
from enrolments import registration
from enrolments.models import Enrolment
from participants.models import Consent

from .factories import (
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 1, 15)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    municipality = OrganisationFactory(name="Malmö stad")
    agency = OrganisationFactory(name="Arbetsförmedlingen Malmö", kind="employment_service")
    project = ProjectFactory(title="Framtid i Fokus")
    case_worker = MembershipFactory(
        project=project,
        organisation=municipality,
        role=Role.CASE_WORKER,
        user__username="amira",
        user__first_name="Amira",
        user__last_name="Haddad",
    )
    agency_worker = MembershipFactory(project=project, organisation=agency, role=Role.CASE_WORKER)
    manager = MembershipFactory(project=project, organisation=project.owner, role=Role.MANAGER)
    person = ParticipantFactory(given_name="Leyla", family_name="Ahmadi")
    consent = ConsentFactory(
        participant=person,
        project=project,
        organisations=[municipality],
        purposes=["registration"],
        recorded_by=case_worker.user,
    )
    enrolment = EnrolmentFactory(participant=person, project=project, case_worker=case_worker.user)
    return SimpleNamespace(
        project=project,
        municipality=municipality,
        agency=agency,
        case_worker=case_worker,
        agency_worker=agency_worker,
        manager=manager,
        person=person,
        consent=consent,
        enrolment=enrolment,
    )


def sees(membership, enrolment) -> bool:
    return Enrolment.objects.visible_to(membership).filter(pk=enrolment.pk).exists()


def change(world, consent, organisations, purposes=("registration",), by=None, on=TODAY):
    return registration.change_consent(
        consent=consent,
        by=by or world.case_worker.user,
        consent_data={
            "organisations": organisations,
            "purposes": list(purposes),
            "given_on": on,
            "given_by": "participant",
            "method": "verbal",
        },
    )


def url(name, world, *args):
    with translation.override("en"):
        return reverse(name, args=[world.project.pk, *args])


def test_widening_adds_an_organisation_and_narrowing_removes_it(world):
    assert sees(world.case_worker, world.enrolment)
    assert not sees(world.agency_worker, world.enrolment)
    wider = change(
        world,
        world.consent,
        [world.municipality, world.agency],
        purposes=("registration", "information_exchange"),
    )
    assert sees(world.agency_worker, world.enrolment)
    assert sees(world.case_worker, world.enrolment)
    narrower = change(world, wider, [world.municipality], on=TODAY)
    # The newest version is what counts: the version that covered the agency is not withdrawn,
    # only replaced, and no longer lets the agency see the person.
    assert not sees(world.agency_worker, world.enrolment)
    assert sees(world.case_worker, world.enrolment)
    versions = list(Consent.objects.filter(participant=world.person).order_by("version"))
    assert [c.version for c in versions] == [1, 2, 3]
    assert [c.replaced_on for c in versions] == [TODAY, TODAY, None]
    assert [c.withdrawn_on for c in versions] == [None, None, None]
    assert versions[2] == narrower and narrower.previous == wider
    assert list(Consent.objects.filter(participant=world.person).current()) == [narrower]


def test_a_replaced_or_withdrawn_version_cannot_be_changed_and_no_change_is_refused(world):
    new = change(world, world.consent, [world.municipality, world.agency])
    with pytest.raises(ValidationError) as replaced:
        change(world, world.consent, [world.agency])
    assert replaced.value.code == "replaced"
    with pytest.raises(ValidationError) as unchanged:
        change(world, new, [world.municipality, world.agency])
    assert unchanged.value.code == "unchanged"
    with pytest.raises(ValidationError) as withdrawal:
        registration.withdraw_consent(consent=world.consent, by=world.case_worker.user)
    assert "withdrawn_on" in withdrawal.value.message_dict
    registration.withdraw_consent(consent=new, by=world.case_worker.user)
    with pytest.raises(ValidationError) as withdrawn:
        change(world, new, [world.municipality])
    assert withdrawn.value.code == "withdrawn"
    assert Consent.objects.filter(participant=world.person).count() == 2


def test_bad_input_is_named_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as refused:
        registration.change_consent(
            consent=world.consent,
            by=world.case_worker.user,
            consent_data={"organisations": [], "purposes": [], "given_on": TODAY},
        )
    assert {"organisations", "purposes"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as early:
        change(world, world.consent, [world.agency], on=dt.date(2008, 1, 1))
    assert "given_on" in early.value.message_dict
    assert Consent.objects.filter(participant=world.person).count() == 1


def test_the_page_shows_every_version_what_changed_and_who_recorded_it(client, world):
    client.force_login(world.case_worker.user)
    form = client.get(url("participants:consent_change", world, world.consent.pk))
    assert form.status_code == 200
    assert [o.pk for o in form.context["form"].initial["organisations"]] == [world.municipality.pk]
    response = client.post(
        url("participants:consent_change", world, world.consent.pk),
        {
            "organisations": [world.municipality.pk, world.agency.pk],
            "purposes": ["registration", "survey_contact"],
            "given_on": TODAY.isoformat(),
            "given_by": "participant",
            "method": "e_id",
            "document_reference": "SOC 2010/117",
        },
    )
    assert response.status_code == 302
    # Read by the responsible case worker (who is not asked for a purpose first).
    page = client.get(url("enrolments:participant", world, world.enrolment.pk)).content.decode()
    section = page[
        page.index('id="consent-heading"') : page.index(
            "</section>", page.index('id="consent-heading"')
        )
    ]
    assert "Replaced 2010-01-15" in section
    assert "Added: Arbetsförmedlingen Malmö" in section
    assert "Added: Contact for surveys and follow-up" in section
    assert "Amira Haddad" in section  # recorded both versions
    assert section.count("<tr>") == 3  # header + two versions
    # Who confirmed the new version and how; the first, from before methods were asked for,
    # says honestly that it is not known.
    assert "Signed with e-identification (BankID)" in section
    assert "Confirmed by Amira Haddad, 2010-01-15" in section
    assert "Reference: SOC 2010/117" in section
    assert "Not recorded (consents before 2026)" in section
    new = Consent.objects.get(participant=world.person, version=2)
    assert (new.method, new.confirmed_by, new.document_reference) == (
        "e_id",
        world.case_worker.user,
        "SOC 2010/117",
    )
    assert timezone.localdate(new.confirmed_at) == TODAY
    assert LogEntry.objects.filter(object_type="participants.Consent", action="create").exists()


def test_narrowing_out_ones_own_organisation_leaves_the_page(client, world):
    client.force_login(world.case_worker.user)
    response = client.post(
        url("participants:consent_change", world, world.consent.pk),
        {
            "organisations": [world.agency.pk],
            "purposes": ["registration"],
            "given_on": TODAY.isoformat(),
            "given_by": "participant",
            "method": "e_id",
            "document_reference": "SOC 2010/117",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("enrolments:case_list", world)
    assert not sees(world.case_worker, world.enrolment)
    assert sees(world.agency_worker, world.enrolment)
    # And the consent pages of the person are now 404 for the municipality's case worker.
    assert (
        client.get(url("participants:consent_change", world, world.consent.pk)).status_code == 404
    )


def test_who_may_change_a_consent(client, world):
    for member, status in ((world.agency_worker, 404), (world.manager, 200)):
        client.force_login(member.user)
        assert (
            client.get(url("participants:consent_change", world, world.consent.pk)).status_code
            == status
        )
    evaluator = MembershipFactory(project=world.project, role=Role.EVALUATOR)
    client.force_login(evaluator.user)
    assert (
        client.get(url("participants:consent_change", world, world.consent.pk)).status_code == 403
    )
