"""Bad input names the field and the reason in the user's language, and nothing is saved."""

import datetime as dt

import pytest
from django.utils import translation

from core.forms import OrganisationForm
from core.models import Organisation
from enrolments.forms import ExitForm
from enrolments.models import Enrolment
from interventions.forms import HoursForm
from participants.forms import AnonymousParticipantForm, IdentifiedParticipantForm
from participants.models import Participant

from .factories import EnrolmentFactory, ParticipationFactory, demo_identity_number

pytestmark = pytest.mark.django_db

PERSON = {
    "given_name": "Leyla",
    "family_name": "Ahmadi",
    "gender": "woman",
    "region_of_birth": "outside_europe",
    "education_level": "upper_secondary",
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "inte ett giltigt personnummer"), ("en", "not a valid personnummer")],
)
def test_malformed_personnummer_names_the_field_in_the_users_language(language, expected):
    with translation.override(language):
        form = IdentifiedParticipantForm(data={**PERSON, "identity_number": "19800517-9821"})
        assert not form.is_valid()
        assert list(form.errors) == ["identity_number"]
        assert expected in form.errors["identity_number"][0]
    assert Participant.objects.count() == 0


def test_valid_personnummer_registers_the_person_with_birth_year_from_the_number():
    number = demo_identity_number(dt.date(1979, 4, 2), 987)
    form = IdentifiedParticipantForm(data={**PERSON, "identity_number": number})
    assert form.is_valid(), form.errors
    person = form.save()
    assert person.birth_year == 1979
    assert person.identity_number().digits == number


def test_anonymous_registration_keeps_only_statistical_fields():
    form = AnonymousParticipantForm(
        data={
            "gender": "man",
            "birth_year": 1990,
            "region_of_birth": "outside_europe",
            "education_level": "unknown",
            "protected_identity": "on",
        }
    )
    assert form.is_valid(), form.errors
    person = form.save()
    assert person.is_anonymous and person.identity_hash is None and person.given_name == ""


@pytest.mark.parametrize(
    ("language", "expected"), [("sv", "kontrollsiffran"), ("en", "check digit")]
)
def test_malformed_organisation_number_names_the_field(language, expected):
    with translation.override(language):
        form = OrganisationForm(
            data={
                "name": "Lernia",
                "kind": "education_provider",
                "organisation_number": "212000-1125",
            }
        )
        assert not form.is_valid()
        assert list(form.errors) == ["organisation_number"]
        assert expected in form.errors["organisation_number"][0].lower()
    assert not Organisation.objects.filter(name="Lernia").exists()


@pytest.mark.parametrize(
    ("language", "expected"), [("sv", "före starten"), ("en", "before the start")]
)
def test_exit_before_start_names_the_exit_date_and_saves_nothing(language, expected):
    enrolment = EnrolmentFactory(started_on=dt.date(2009, 3, 1))
    data = {
        "exited_on": "2009-02-01",
        "exit_reason": "completed",
        "exit_status": "studies",
        "exit_income_source": "study_allowance",
    }
    with translation.override(language):
        form = ExitForm(data=data, instance=enrolment)
        assert not form.is_valid()
        assert "exited_on" in form.errors
        assert expected in " ".join(form.errors["exited_on"])
    assert Enrolment.objects.get(pk=enrolment.pk).exited_on is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "större än eller lika med 0"), ("en", "greater than or equal to 0")],
)
def test_negative_hours_name_the_field_and_save_nothing(language, expected):
    participation = ParticipationFactory(attended_hours=5)
    with translation.override(language):
        form = HoursForm(
            data={"planned_hours": "40", "attended_hours": "-3", "completion": "ongoing"},
            instance=participation,
        )
        assert not form.is_valid()
        assert list(form.errors) == ["attended_hours"]
        assert expected in form.errors["attended_hours"][0]
    participation.refresh_from_db()
    assert participation.attended_hours == 5
