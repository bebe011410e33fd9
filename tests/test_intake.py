"""Intake: finding a person by number, registering (identified or anonymous), enrolling a person
already registered, and withdrawing a consent. Who may do it, bad input, nothing half-saved, and
an audit log that holds no personal values."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from core.models import (
    Area,
    LogEntry,
    Municipality,
    Organisation,
    ProjectPartner,
    Role,
    TargetGroup,
)
from enrolments import registration as services
from enrolments.models import Enrolment, Status, StatusChange
from participants.models import Consent, Participant

from .factories import (
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)

pytestmark = pytest.mark.django_db

NUMBER = demo_identity_number(dt.date(1983, 4, 12), 989)
NUMBER_TEN = NUMBER[2:8] + "-" + NUMBER[8:]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"


@pytest.fixture
def world():
    malmo = Municipality.objects.get(name="Malmö")
    municipality = OrganisationFactory(name="Malmö stad")
    employment = OrganisationFactory(
        name="Arbetsförmedlingen", kind=Organisation.Kind.EMPLOYMENT_SERVICE
    )
    region = OrganisationFactory(name="Region Skåne", kind=Organisation.Kind.REGION)
    project = ProjectFactory(title="Framtid i Fokus", owner=municipality)
    ProjectPartner.objects.create(project=project, organisation=region, is_partner=True)
    group = TargetGroup.objects.create(project=project, code="ltu", name="Långtidsarbetslösa")
    area = Area.objects.create(name="Herrgården", municipality=malmo)
    project.areas.add(area)

    def member(role, organisation, username, project=project):
        return MembershipFactory(
            project=project,
            organisation=organisation,
            role=role,
            user__username=username,
            user__first_name=username.capitalize(),
            user__last_name="Testsson",
        )

    other = ProjectFactory(title="Jobb för alla", owner=employment)
    other_group = TargetGroup.objects.create(project=other, code="unga", name="Unga")
    other_area = Area.objects.create(name="Bergsjön", municipality=malmo)
    other.areas.add(other_area)
    return SimpleNamespace(
        project=project,
        other=other,
        municipality=municipality,
        employment=employment,
        region=region,
        group=group,
        area=area,
        other_group=other_group,
        other_area=other_area,
        case_worker=member(Role.CASE_WORKER, municipality, "amira"),
        colleague=member(Role.CASE_WORKER, employment, "johan"),
        manager=member(Role.MANAGER, municipality, "lina"),
        provider=member(Role.PROVIDER, region, "petra"),
        evaluator=member(Role.EVALUATOR, region, "erik"),
        steering=member(Role.STEERING, municipality, "stina"),
        outsider=member(Role.CASE_WORKER, employment, "olle", project=other),
    )


def url(name, project, lang="sv", **kwargs):
    with translation.override(lang):
        return reverse(f"participants:{name}", kwargs={"project_id": project.pk, **kwargs})


def participant_path(project, enrolment, lang="sv"):
    with translation.override(lang):
        try:
            return reverse(
                "enrolments:participant",
                kwargs={"project_id": project.pk, "enrolment_id": enrolment.pk},
            )
        except NoReverseMatch:
            prefix = "/en" if lang == "en" else ""
            return f"{prefix}/projects/{project.pk}/enrolments/{enrolment.pk}/"


def registration(world, **overrides):
    data = {
        "identity_number": NUMBER,
        "given_name": "Leyla",
        "family_name": "Ahmadizadeh",
        "gender": "woman",
        "region_of_birth": "outside_europe",
        "arrival_year": "2005",
        "education_level": "upper_secondary",
        "interpreter_language": "dari",
        "disability": "unknown",
        "organisations": [world.municipality.pk, world.employment.pk],
        "purposes": ["registration", "information_exchange"],
        "given_on": "2009-12-01",
        "given_by": "participant",
        "method": "paper",
        "referred_on": "2009-12-01",
        "referred_by": world.employment.pk,
        "started_on": "2009-12-15",
        "labour_market_status": "long_term_unemployed",
        "months_without_work": "14",
        "income_source": "social_assistance",
        "swedish_level": "sfi_c",
        "target_groups": [world.group.pk],
        "area": world.area.pk,
        "case_worker": world.case_worker.user.pk,
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def anonymous_registration(world, **overrides):
    data = {
        "gender": "man",
        "birth_year": "1990",
        "region_of_birth": "outside_europe",
        "arrival_year": "2008",
        "education_level": "primary",
        "protected_identity": "on",
        "referred_on": "2009-12-01",
        "started_on": "",
        "labour_market_status": "unemployed",
        "months_without_work": "6",
        "income_source": "establishment_allowance",
        "swedish_level": "sfi_a",
        "target_groups": [world.group.pk],
        "case_worker": world.case_worker.user.pk,
    }
    data.update(overrides)
    return data


def counts():
    return (
        Participant.objects.count(),
        Consent.objects.count(),
        Enrolment.objects.count(),
        StatusChange.objects.count(),
    )


def login(client, membership):
    client.force_login(membership.user)
    return membership


def register_elsewhere(world, *, organisations=None, consent=True):
    """The person registered and enrolled in the other project by its own staff."""
    person = ParticipantFactory(identity=NUMBER, given_name="Leyla", family_name="Ahmadizadeh")
    EnrolmentFactory(participant=person, project=world.other)
    if consent:
        ConsentFactory(
            participant=person,
            project=world.other,
            organisations=organisations if organisations is not None else [world.employment],
        )
    return person


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who may use intake ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["intake", "register", "register_anonymous"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("case_worker", 200),
        ("colleague", 200),
        ("manager", 200),
        ("provider", 403),
        ("evaluator", 403),
        ("steering", 403),
        ("outsider", 404),
    ],
)
def test_intake_pages_by_role(client, world, name, who, status):
    login(client, getattr(world, who))
    assert client.get(url(name, world.project)).status_code == status
    if status != 200:
        before = counts()
        response = client.post(url(name, world.project), registration(world))
        assert response.status_code == status
        assert counts() == before


def test_intake_needs_a_login(client, world):
    response = client.get(url("intake", world.project))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_intake_page_offers_the_search_and_anonymous_registration(client, world):
    login(client, world.case_worker)
    content = client.get(url("intake", world.project, "en")).content.decode()
    assert 'name="identity_number"' in content
    assert 'method="post"' in content
    assert url("register_anonymous", world.project, "en") in content


# --- finding a person -------------------------------------------------------------------------


def test_lookup_not_found_offers_registration_with_the_number_in_a_post(client, world):
    login(client, world.case_worker)
    response = client.post(url("intake", world.project, "en"), {"identity_number": NUMBER_TEN})
    assert response.status_code == 200
    content = response.content.decode()
    assert "The person can be enrolled in this project" in content
    # The number rides in a hidden field of a POST form to the registration page, not a URL.
    assert f'action="{url("register", world.project, "en")}"' in content
    assert f'name="identity_number" value="{NUMBER[:8]}-{NUMBER[8:]}"' in content
    entry = LogEntry.objects.get(reason="identity lookup: intake")
    assert (entry.action, entry.object_type, entry.object_id) == (
        "view",
        "participants.Participant",
        "",
    )


def test_prefill_starts_the_registration_form_with_the_number_and_no_errors(client, world):
    login(client, world.case_worker)
    response = client.post(
        url("register", world.project, "en"), {"identity_number": NUMBER, "step": "prefill"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert f'value="{NUMBER[:8]}-{NUMBER[8:]}"' in content
    assert "Please correct the following" not in content
    assert counts() == (0, 0, 0, 0)


def test_a_get_with_a_number_in_the_query_string_does_nothing(client, world):
    register_elsewhere(world)
    login(client, world.case_worker)
    response = client.get(url("intake", world.project), {"identity_number": NUMBER})
    assert response.status_code == 200
    assert not response.context["searched"]
    assert not LogEntry.objects.filter(reason__startswith="identity lookup").exists()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("sv", "inte ett giltigt personnummer"), ("en", "not a valid personnummer")],
)
def test_lookup_with_a_malformed_number_names_the_field(client, world, lang, expected):
    login(client, world.case_worker)
    response = client.post(url("intake", world.project, lang), {"identity_number": "19800517-9821"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["identity_number"]
    assert expected in form.errors["identity_number"][0]
    assert not response.context["searched"]


def test_lookup_finds_a_person_enrolled_here_and_links_their_page(client, world):
    login(client, world.case_worker)
    client.post(url("register", world.project), registration(world))
    enrolment = Enrolment.objects.get()
    response = client.post(url("intake", world.project, "en"), {"identity_number": NUMBER_TEN})
    content = response.content.decode()
    assert "Already enrolled in this project" in content
    assert participant_path(world.project, enrolment, "en") in content
    entry = LogEntry.objects.filter(reason="identity lookup: intake").get()
    assert entry.object_id == str(enrolment.participant_id)


def test_lookup_by_someone_the_consent_does_not_cover_reveals_no_name(client, world):
    login(client, world.case_worker)
    client.post(
        url("register", world.project), registration(world, organisations=[world.municipality.pk])
    )
    login(client, world.colleague)  # Arbetsförmedlingen: not covered
    response = client.post(url("intake", world.project, "en"), {"identity_number": NUMBER})
    content = response.content.decode()
    assert "Already enrolled in this project" in content
    assert "does not cover your organisation" in content
    assert "Ahmadizadeh" not in content
    assert "/enrolments/" not in content.split('id="result"')[1]


def test_recognised_elsewhere_shows_other_project_only_where_consent_covers_you(client, world):
    register_elsewhere(world, organisations=[world.employment])
    login(client, world.colleague)  # Arbetsförmedlingen: covered in the other project
    response = client.post(url("intake", world.project, "en"), {"identity_number": NUMBER})
    content = response.content.decode()
    assert "Recognised: you may already see this person" in content
    assert "Jobb för alla" in content
    assert "Ahmadizadeh" in content
    person = Participant.objects.get()
    assert url("enrol_existing", world.project, "en", participant_id=person.pk) in content


def test_recognised_elsewhere_without_covering_consent_says_only_that_they_can_be_enrolled(
    client, world
):
    register_elsewhere(world, organisations=[world.employment])
    login(client, world.case_worker)  # Malmö stad: not covered in the other project
    response = client.post(url("intake", world.project, "en"), {"identity_number": NUMBER})
    content = response.content.decode()
    assert "The person can be enrolled in this project" in content
    for told in ("other project", "registered", "Recognised", "Jobb för alla", "Ahmadizadeh"):
        assert told not in content.split('id="result"')[1], told


def test_withdrawn_consent_elsewhere_does_not_reveal_the_other_project(client, world):
    person = register_elsewhere(world, organisations=[world.employment])
    person.consents.update(withdrawn_on=dt.date(2009, 6, 1))
    login(client, world.colleague)
    content = client.post(
        url("intake", world.project, "en"), {"identity_number": NUMBER}
    ).content.decode()
    assert "Jobb för alla" not in content and "Ahmadizadeh" not in content
    assert "The person can be enrolled in this project" in content


def test_consent_elsewhere_without_information_exchange_reveals_nothing(client, world):
    person = register_elsewhere(world, organisations=[world.employment])
    person.consents.update(purposes=["registration"])
    login(client, world.colleague)  # covered, but not for information exchange
    content = client.post(
        url("intake", world.project, "en"), {"identity_number": NUMBER}
    ).content.decode()
    assert "Jobb för alla" not in content and "Ahmadizadeh" not in content
    assert "The person can be enrolled in this project" in content


# --- registering an identified participant -----------------------------------------------------


def test_register_identified_person_with_consent_and_enrolment(client, world):
    login(client, world.case_worker)
    response = client.post(url("register", world.project), registration(world))
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == participant_path(world.project, enrolment)
    assert NUMBER not in response["Location"] and NUMBER[2:] not in response["Location"]
    person = enrolment.participant
    assert person.identity_number().digits == NUMBER
    assert (person.given_name, person.birth_year, person.created_by) == (
        "Leyla",
        1983,
        world.case_worker.user,
    )
    consent = person.consents.get()
    assert set(consent.organisations.all()) == {world.municipality, world.employment}
    assert consent.purposes == ["information_exchange", "registration"]
    assert consent.project == world.project and consent.recorded_by == world.case_worker.user
    assert enrolment.status == Status.ACTIVE
    assert enrolment.started_on == dt.date(2009, 12, 15)
    assert enrolment.referred_by == world.employment
    assert enrolment.months_without_work == 14
    assert list(enrolment.target_groups.all()) == [world.group]
    assert enrolment.area == world.area and enrolment.case_worker == world.case_worker.user
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_on) == (
        "",
        Status.ACTIVE,
        dt.date(2009, 12, 15),
    )
    created = set(
        LogEntry.objects.filter(action="create")
        .exclude(object_type="core.Membership")  # the data set's memberships
        .values_list("object_type", flat=True)
    )
    assert created == {"participants.Participant", "participants.Consent", "enrolments.Enrolment"}
    person_entry = LogEntry.objects.get(action="create", object_type="participants.Participant")
    assert "identity_number" in person_entry.fields and "given_name" in person_entry.fields
    assert Enrolment.objects.visible_to(world.case_worker).filter(pk=enrolment.pk).exists()


def test_without_a_start_the_enrolment_is_referred_from_the_referral_date(client, world):
    login(client, world.case_worker)
    client.post(url("register", world.project), registration(world, started_on=""))
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Status.REFERRED and enrolment.started_on is None
    change = enrolment.status_changes.get()
    assert (change.to_status, change.changed_on) == (Status.REFERRED, dt.date(2009, 12, 1))


def test_the_log_holds_no_personal_values(client, world):
    login(client, world.case_worker)
    client.post(url("intake", world.project), {"identity_number": NUMBER})
    client.post(url("register", world.project), registration(world))
    client.post(url("intake", world.project), {"identity_number": NUMBER})
    consent = Consent.objects.get()
    client.post(url("consent_withdraw", world.project, consent_id=consent.pk), {})
    forbidden = [NUMBER, NUMBER[2:], NUMBER[:8], "Leyla", "Ahmadizadeh", "dari"]
    entries = list(LogEntry.objects.values())
    assert len(entries) >= 5
    for entry in entries:
        text = " ".join(str(value) for value in entry.values())
        for value in forbidden:
            assert value not in text, (value, entry)


def test_manager_may_register_with_a_consent_not_covering_their_own_organisation(client, world):
    login(client, world.manager)
    response = client.post(
        url("register", world.project),
        registration(
            world, organisations=[world.employment.pk], case_worker=world.colleague.user.pk
        ),
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().case_worker == world.colleague.user


BAD_INPUT = [
    # (overrides, field, Swedish label shown with the error, English reason, Swedish reason)
    (
        {"identity_number": "19800517-9821"},
        "identity_number",
        "Personnummer eller samordningsnummer",
        "not a valid personnummer",
        "inte ett giltigt personnummer",
    ),
    (
        {"identity_number": "1980-05-17"},
        "identity_number",
        "Personnummer eller samordningsnummer",
        "Write the number as YYYYMMDD-NNNN",
        None,
    ),
    (
        {"started_on": "2009-11-20"},
        "started_on",
        "Startdatum",
        "The start cannot be before the referral.",
        "Starten kan inte vara före anvisningen.",
    ),
    (
        {"referred_on": "2010-01-02", "started_on": ""},
        "referred_on",
        "Anvisningsdatum",
        "The referral date cannot be in the future.",
        None,
    ),
    (
        {"months_without_work": "-3"},
        "months_without_work",
        "Månader utan arbete vid start",
        "greater than or equal to 0",
        "större än eller lika med 0",
    ),
    (
        {"months_without_work": "tre"},
        "months_without_work",
        "Månader utan arbete vid start",
        "Enter a whole number.",
        "Fyll i ett heltal.",
    ),
    (
        {"purposes": ["information_exchange"]},
        "purposes",
        "Ändamål",
        "Registration in the project is required",
        None,
    ),
    (
        {"organisations": "EMPLOYMENT"},
        "organisations",
        "Organisationer som omfattas",
        "does not cover your own organisation, Malmö stad",
        None,
    ),
    (
        {"organisations": []},
        "organisations",
        "Organisationer som omfattas",
        "This field is required.",
        "Du måste fylla i det här fältet.",
    ),
    (
        {"case_worker": "OUTSIDER"},
        "case_worker",
        "Ansvarig handläggare",
        "must be a case worker or manager in this project",
        None,
    ),
    (
        {"case_worker": "PROVIDER"},
        "case_worker",
        "Ansvarig handläggare",
        "must be a case worker or manager in this project",
        None,
    ),
    (
        {"target_groups": "OTHER_GROUP"},
        "target_groups",
        "Målgrupper som deltagaren tillhör",
        "Select a valid choice",
        "Välj ett giltigt alternativ",
    ),
    ({"area": "OTHER_AREA"}, "area", "Område", "Select a valid choice", "Välj ett giltigt"),
    (
        {"protected_identity": "on"},
        "protected_identity",
        "skyddade personuppgifter",
        "registered anonymously",
        None,
    ),
    (
        {"arrival_year": "1970"},
        "arrival_year",
        "Året för ankomst",
        "The year of arrival cannot be before the birth year.",
        "Året för ankomst kan inte vara före födelseåret.",
    ),
    ({"given_name": ""}, "given_name", "Förnamn", "This field is required.", None),
]


def _resolve(world, overrides):
    placeholders = {
        "EMPLOYMENT": [world.employment.pk],
        "OUTSIDER": world.outsider.user.pk,
        "PROVIDER": world.provider.user.pk,
        "OTHER_GROUP": [world.other_group.pk],
        "OTHER_AREA": world.other_area.pk,
    }
    return {
        key: placeholders.get(value, value) if isinstance(value, str) else value
        for key, value in overrides.items()
    }


def _errors(response):
    errors = {}
    for form in response.context["all_forms"]:
        if form is not None:
            errors.update({k: [str(m) for m in v] for k, v in form.errors.items()})
    return errors


@pytest.mark.parametrize(("overrides", "field", "sv_label", "en_reason", "sv_reason"), BAD_INPUT)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_bad_input_names_the_field_and_saves_nothing(
    client, world, lang, overrides, field, sv_label, en_reason, sv_reason
):
    login(client, world.case_worker)
    response = client.post(
        url("register", world.project, lang), registration(world, **_resolve(world, overrides))
    )
    assert response.status_code == 200
    assert counts() == (0, 0, 0, 0)
    errors = _errors(response)
    assert field in errors, errors
    content = response.content.decode()
    assert 'role="alert"' in content and f'href="#id_{field}"' in content
    if lang == "en":
        assert '<html lang="en">' in content
        assert en_reason in " ".join(errors[field])
    else:
        assert '<html lang="sv">' in content
        assert sv_label.lower() in content.lower()
        if sv_reason:
            assert sv_reason in " ".join(errors[field])


def test_posted_organisation_outside_the_project_is_refused(client, world):
    stranger = OrganisationFactory(name="Okänd AB")
    login(client, world.case_worker)
    response = client.post(
        url("register", world.project),
        registration(world, organisations=[world.municipality.pk, stranger.pk]),
    )
    assert "organisations" in _errors(response)
    assert counts() == (0, 0, 0, 0)


def test_consent_given_in_the_future_is_refused(client, world):
    login(client, world.case_worker)
    response = client.post(
        url("register", world.project, "en"), registration(world, given_on="2010-03-01")
    )
    assert "cannot be given in the future" in " ".join(_errors(response)["given_on"])
    assert counts() == (0, 0, 0, 0)


def test_double_submission_ends_on_the_existing_record(client, world):
    login(client, world.case_worker)
    data = registration(world)
    first = client.post(url("register", world.project), data)
    before = counts()
    second = client.post(url("register", world.project, "en"), data)
    enrolment = Enrolment.objects.get()
    assert second.status_code == 302
    assert first["Location"] == participant_path(world.project, enrolment)
    assert second["Location"] == participant_path(world.project, enrolment, "en")
    assert counts() == before == (1, 1, 1, 1)
    assert any("already registered and enrolled" in m for m in messages_of(second))


def test_registering_a_number_known_elsewhere_links_the_person_and_keeps_their_record(
    client, world
):
    person = register_elsewhere(world)
    recorded_gender = person.gender
    typed_gender = "man" if recorded_gender != "man" else "woman"
    login(client, world.case_worker)
    response = client.post(
        url("register", world.project, "en"),
        registration(world, given_name="Lejla", gender=typed_gender),
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(project=world.project)
    assert response["Location"] == participant_path(world.project, enrolment, "en")
    assert messages_of(response) == ["The participant is registered and enrolled."]
    # One person: the registration is linked to them, and the other agency's record is not
    # overwritten by what was typed here.
    assert Participant.objects.count() == 1 and enrolment.participant == person
    person.refresh_from_db()
    assert (person.given_name, person.gender) == ("Leyla", recorded_gender)
    consent = Consent.objects.get(project=world.project)
    assert (consent.participant, consent.method, consent.confirmed_by) == (
        person,
        "paper",
        world.case_worker.user,
    )


def test_simultaneous_registration_is_caught_by_the_keyed_hash(world, monkeypatch):
    """Two requests passing the duplicate check at once: the unique hash stops a second person,
    and the registration is linked to the person saved first."""
    person = ParticipantFactory(identity=NUMBER)
    real = services.find_by_identity_number
    calls = []

    def not_yet_then_real(value):
        calls.append(value)
        return None if len(calls) == 1 else real(value)

    monkeypatch.setattr(services, "find_by_identity_number", not_yet_then_real)
    data = registration(world)
    form = _service_arguments(world, data)
    enrolment = services.register_participant(**form)
    assert calls and enrolment.participant == person
    assert (Participant.objects.count(), Consent.objects.count(), Enrolment.objects.count()) == (
        1,
        1,
        1,
    )


def _service_arguments(world, data):
    return {
        "project": world.project,
        "by": world.case_worker.user,
        "membership": world.case_worker,
        "person_data": {
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "gender": data["gender"],
            "region_of_birth": data["region_of_birth"],
            "arrival_year": 2005,
            "education_level": data["education_level"],
        },
        "identity_number": data["identity_number"],
        "consent_data": {
            "organisations": [world.municipality],
            "purposes": ["registration"],
            "given_on": dt.date(2009, 12, 1),
            "method": "paper",
        },
        "enrolment_data": {
            "referred_on": dt.date(2009, 12, 1),
            "started_on": None,
            "case_worker": world.case_worker.user,
        },
    }


def test_service_refuses_a_target_group_of_another_project(world):
    arguments = _service_arguments(world, registration(world))
    arguments["enrolment_data"]["target_groups"] = [world.other_group]
    with pytest.raises(services.ValidationError) as caught:
        services.register_participant(**arguments)
    assert "target_groups" in caught.value.message_dict
    assert counts() == (0, 0, 0, 0)


def test_service_refuses_an_area_of_another_project_and_a_non_member_case_worker(world):
    arguments = _service_arguments(world, registration(world))
    arguments["enrolment_data"]["area"] = world.other_area
    arguments["enrolment_data"]["case_worker"] = world.outsider.user
    with pytest.raises(services.ValidationError) as caught:
        services.register_participant(**arguments)
    assert {"area", "case_worker"} <= set(caught.value.message_dict)
    assert counts() == (0, 0, 0, 0)


# --- anonymous registration --------------------------------------------------------------------


def test_register_anonymous_keeps_no_name_no_number_no_consent(client, world):
    login(client, world.case_worker)
    data = anonymous_registration(
        world, given_name="Smuggled", family_name="Name", identity_number=NUMBER
    )
    response = client.post(url("register_anonymous", world.project), data)
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == participant_path(world.project, enrolment)
    person = enrolment.participant
    assert person.is_anonymous and person.protected_identity
    assert (person.given_name, person.family_name, person.identity_encrypted) == ("", "", "")
    assert person.identity_hash is None
    assert (person.birth_year, person.arrival_year, person.gender) == (1990, 2008, "man")
    assert Consent.objects.count() == 0
    assert enrolment.status == Status.REFERRED
    assert list(enrolment.target_groups.all()) == [world.group]
    assert enrolment.status_changes.get().to_status == Status.REFERRED
    assert LogEntry.objects.filter(
        action="create", object_type="participants.Participant", object_id=str(person.pk)
    ).exists()
    # The project team sees the statistical record, whichever organisation they are from.
    assert Enrolment.objects.visible_to(world.colleague).filter(pk=enrolment.pk).exists()


ANONYMOUS_BAD_INPUT = [
    ({"birth_year": "1850"}, "birth_year", "between 1900 and this year", None),
    ({"birth_year": "nittio"}, "birth_year", "Enter a whole number.", "Fyll i ett heltal."),
    (
        {"birth_year": ""},
        "birth_year",
        "This field is required.",
        "Du måste fylla i det här fältet.",
    ),
    (
        {"arrival_year": "1985"},
        "arrival_year",
        "cannot be before the birth year",
        "före födelseåret",
    ),
    ({"arrival_year": "2011"}, "arrival_year", "cannot be in the future", None),
    (
        {"started_on": "2009-11-01"},
        "started_on",
        "The start cannot be before the referral.",
        "Starten kan inte vara före anvisningen.",
    ),
    ({"started_on": "2010-01-05"}, "started_on", "cannot be in the future", None),
    ({"months_without_work": "-1"}, "months_without_work", "greater than or equal to 0", None),
    ({"gender": "robot"}, "gender", "Select a valid choice", "Välj ett giltigt alternativ"),
]


@pytest.mark.parametrize(("overrides", "field", "en_reason", "sv_reason"), ANONYMOUS_BAD_INPUT)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_anonymous_bad_input_names_the_field_and_saves_nothing(
    client, world, lang, overrides, field, en_reason, sv_reason
):
    login(client, world.case_worker)
    response = client.post(
        url("register_anonymous", world.project, lang), anonymous_registration(world, **overrides)
    )
    assert response.status_code == 200
    assert counts() == (0, 0, 0, 0)
    errors = _errors(response)
    assert field in errors
    reason = en_reason if lang == "en" else sv_reason
    if reason:
        assert reason in " ".join(errors[field])


# --- enrolling a person already registered -----------------------------------------------------


def _enrolment_post(world, **overrides):
    data = registration(world, **overrides)
    for key in ("identity_number", "given_name", "family_name", "gender"):
        data.pop(key, None)
    return data


def test_same_person_in_two_projects_is_one_participant(client, world):
    # Their consent in the other project covers Malmö stad for information exchange.
    person = register_elsewhere(world, organisations=[world.employment, world.municipality])
    login(client, world.case_worker)
    client.post(url("intake", world.project), {"identity_number": NUMBER_TEN})
    enrol_url = url("enrol_existing", world.project, participant_id=person.pk)
    assert client.get(enrol_url).status_code == 200
    response = client.post(enrol_url, _enrolment_post(world, started_on=""))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(project=world.project)
    assert response["Location"] == participant_path(world.project, enrolment)
    assert Participant.objects.count() == 1
    assert set(person.enrolments.values_list("project", flat=True)) == {
        world.project.pk,
        world.other.pk,
    }
    consent = Consent.objects.get(project=world.project)
    assert consent.participant == person and world.municipality in consent.organisations.all()
    assert enrolment.status == Status.REFERRED
    assert Enrolment.objects.visible_to(world.case_worker).filter(pk=enrolment.pk).exists()
    assert Participant.objects.with_identity_number(NUMBER).get() == person


def test_enrol_existing_needs_the_person_to_have_been_found_by_number(client, world):
    person = register_elsewhere(world)
    login(client, world.case_worker)
    enrol_url = url("enrol_existing", world.project, participant_id=person.pk)
    assert client.get(enrol_url).status_code == 404
    assert client.post(enrol_url, _enrolment_post(world)).status_code == 404
    assert Enrolment.objects.filter(project=world.project).count() == 0
    # Another user's lookup does not count for this one.
    login(client, world.colleague)
    client.post(url("intake", world.project), {"identity_number": NUMBER})
    login(client, world.case_worker)
    assert client.get(enrol_url).status_code == 404
    # Nor does their own, when the person's consent does not cover their organisation: they
    # enrol the person through the registration form, which shows nothing of the record.
    client.post(url("intake", world.project), {"identity_number": NUMBER})
    assert client.get(enrol_url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("case_worker", 200),
        ("manager", 200),
        ("provider", 403),
        ("evaluator", 403),
        ("steering", 403),
        ("outsider", 404),
    ],
)
def test_enrol_existing_by_role(client, world, who, status):
    person = register_elsewhere(world, organisations=[world.municipality])
    membership = login(client, getattr(world, who))
    if membership.has_capability("participants.change"):
        client.post(url("intake", world.project), {"identity_number": NUMBER})
    response = client.get(url("enrol_existing", world.project, participant_id=person.pk))
    assert response.status_code == status


def test_enrol_existing_refuses_a_second_open_enrolment(client, world):
    login(client, world.case_worker)
    client.post(url("register", world.project), registration(world))
    person = Participant.objects.get()
    before = counts()
    enrol_url = url("enrol_existing", world.project, "en", participant_id=person.pk)
    page = client.get(enrol_url)
    assert "already has an open enrolment" in page.content.decode()
    response = client.post(enrol_url, _enrolment_post(world))
    assert response.status_code == 200
    assert any("already has an open enrolment" in m for m in messages_of(response))
    assert counts() == before


def test_enrol_existing_service_refuses_an_open_enrolment_and_saves_nothing(world, english):
    person = ParticipantFactory(identity=NUMBER)
    EnrolmentFactory(participant=person, project=world.project)
    before = counts()
    arguments = _service_arguments(world, registration(world))
    with pytest.raises(services.ValidationError) as caught:
        services.enrol_existing(
            project=world.project,
            by=world.case_worker.user,
            membership=world.case_worker,
            participant=person,
            consent_data=arguments["consent_data"],
            enrolment_data=arguments["enrolment_data"],
        )
    assert "open enrolment" in " ".join(caught.value.messages)
    assert counts() == before


def test_create_enrolment_turns_the_database_constraint_into_a_message(world, monkeypatch, english):
    """Two requests passing the open-enrolment check at once: the conditional unique constraint
    stops the second, and the service says why instead of failing with a 500."""
    person = ParticipantFactory(identity=NUMBER)
    EnrolmentFactory(participant=person, project=world.project)
    real_filter = Enrolment.objects.filter
    calls = []

    class FirstCheckMisses:
        def filter(self, *args, **kwargs):
            calls.append(kwargs)
            queryset = real_filter(*args, **kwargs)
            return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(Enrolment, "objects", FirstCheckMisses(), raising=False)
    try:
        with pytest.raises(services.ValidationError) as caught:
            services.create_enrolment(
                project=world.project,
                participant=person,
                by=world.case_worker.user,
                enrolment_data={
                    "referred_on": dt.date(2009, 12, 1),
                    "case_worker": world.case_worker.user,
                },
            )
    finally:
        monkeypatch.undo()
    assert "open enrolment" in " ".join(caught.value.messages)
    assert Enrolment.objects.filter(project=world.project).count() == 1


def test_re_enrolment_after_exit_from_the_participants_own_earlier_enrolment(client, world):
    login(client, world.case_worker)
    client.post(url("register", world.project), registration(world))
    Enrolment.objects.update(
        status=Status.EXITED,
        exited_on=dt.date(2009, 12, 20),
        exit_reason="completed",
        exit_status="studies",
    )
    person = Participant.objects.get()
    client.logout()
    login(client, world.case_worker)  # a new session: no lookup remembered
    enrol_url = url("enrol_existing", world.project, participant_id=person.pk)
    assert client.get(enrol_url).status_code == 200
    response = client.post(
        enrol_url, _enrolment_post(world, started_on="", referred_on="2009-12-28")
    )
    assert response.status_code == 302
    assert Enrolment.objects.filter(project=world.project, status=Status.REFERRED).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisations": "EMPLOYMENT"}, "organisations"),
        ({"purposes": ["survey_contact"]}, "purposes"),
        ({"started_on": "2009-11-01"}, "started_on"),
        ({"case_worker": "OUTSIDER"}, "case_worker"),
        ({"target_groups": "OTHER_GROUP"}, "target_groups"),
    ],
)
def test_enrol_existing_bad_input_saves_nothing(client, world, overrides, field):
    person = register_elsewhere(world, organisations=[world.municipality])
    login(client, world.case_worker)
    client.post(url("intake", world.project), {"identity_number": NUMBER})
    before = counts()
    response = client.post(
        url("enrol_existing", world.project, participant_id=person.pk),
        _enrolment_post(world, **_resolve(world, overrides)),
    )
    assert response.status_code == 200
    assert field in _errors(response)
    assert counts() == before


# --- withdrawing a consent ---------------------------------------------------------------------


@pytest.fixture
def registered(client, world):
    """Leyla registered by the municipality's case worker; consent covers the municipality and
    Arbetsförmedlingen."""
    login(client, world.case_worker)
    client.post(url("register", world.project), registration(world))
    client.logout()
    enrolment = Enrolment.objects.get()
    return SimpleNamespace(enrolment=enrolment, consent=Consent.objects.get())


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("case_worker", 200),
        ("colleague", 200),
        ("manager", 200),
        ("provider", 403),
        ("evaluator", 403),
        ("steering", 403),
        ("outsider", 404),
    ],
)
def test_consent_withdraw_page_by_role(client, world, registered, who, status):
    login(client, getattr(world, who))
    withdraw_url = url("consent_withdraw", world.project, consent_id=registered.consent.pk)
    assert client.get(withdraw_url).status_code == status
    if status != 200:
        assert client.post(withdraw_url, {}).status_code == status
        registered.consent.refresh_from_db()
        assert registered.consent.withdrawn_on is None


def test_case_worker_the_consent_does_not_cover_gets_404(client, world):
    login(client, world.case_worker)
    client.post(
        url("register", world.project), registration(world, organisations=[world.municipality.pk])
    )
    consent = Consent.objects.get()
    login(client, world.colleague)  # Arbetsförmedlingen: not covered
    withdraw_url = url("consent_withdraw", world.project, consent_id=consent.pk)
    assert client.get(withdraw_url).status_code == 404
    assert client.post(withdraw_url, {}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_consent_of_another_project_is_not_found_through_this_one(client, world):
    person = register_elsewhere(world, organisations=[world.employment])
    consent = person.consents.get()
    login(client, world.colleague)
    assert (
        client.post(url("consent_withdraw", world.project, consent_id=consent.pk)).status_code
        == 404
    )


def test_withdrawal_stops_sharing_at_once_and_sends_the_user_to_the_case_list(
    client, world, registered
):
    login(client, world.case_worker)
    response = client.post(
        url("consent_withdraw", world.project, consent_id=registered.consent.pk),
        {"withdrawn_on": "2009-12-30"},
    )
    assert response.status_code == 302
    with translation.override("sv"):
        try:
            case_list = reverse("enrolments:case_list", kwargs={"project_id": world.project.pk})
        except NoReverseMatch:
            case_list = f"/projects/{world.project.pk}/enrolments/"
    assert response["Location"] == case_list
    assert any("no longer shown to you" in m or "inte" in m for m in messages_of(response))
    consent = Consent.objects.get()
    assert consent.withdrawn_on == dt.date(2009, 12, 30)
    assert consent.withdrawal_recorded_by == world.case_worker.user
    for membership in (world.case_worker, world.colleague):
        assert not Enrolment.objects.visible_to(membership).exists()
    assert Enrolment.objects.visible_to(world.manager).exists()
    entry = LogEntry.objects.get(action="change", object_type="participants.Consent")
    assert entry.fields == ["withdrawal_recorded_by", "withdrawn_on"]
    try:
        page = reverse(
            "enrolments:participant",
            kwargs={"project_id": world.project.pk, "enrolment_id": registered.enrolment.pk},
        )
    except NoReverseMatch:
        page = None
    if page:
        assert client.get(page).status_code == 404


def test_withdrawal_defaults_to_today(client, world, registered):
    login(client, world.case_worker)
    client.post(url("consent_withdraw", world.project, consent_id=registered.consent.pk), {})
    assert Consent.objects.get().withdrawn_on == dt.date(2010, 1, 1)


def test_withdrawal_keeps_the_user_on_the_participant_while_another_consent_covers_them(
    client, world, registered
):
    newer = ConsentFactory(
        participant=registered.enrolment.participant,
        project=world.project,
        organisations=[world.municipality],
        given_on=dt.date(2009, 12, 20),
    )
    login(client, world.case_worker)
    response = client.post(
        url("consent_withdraw", world.project, consent_id=registered.consent.pk), {}
    )
    assert response["Location"] == participant_path(world.project, registered.enrolment)
    assert Enrolment.objects.visible_to(world.case_worker).count() == 1
    assert not Enrolment.objects.visible_to(world.colleague).exists()
    newer.refresh_from_db()
    assert newer.withdrawn_on is None


@pytest.mark.parametrize(
    ("date", "en_reason", "sv_label"),
    [
        ("2009-11-30", "cannot be withdrawn before it was given", "Återkallat den"),
        ("2010-02-01", "cannot be in the future", "Återkallat den"),
        ("igår", "Enter a valid date", "Återkallat den"),
    ],
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_withdrawal_bad_date_names_the_field_and_saves_nothing(
    client, world, registered, lang, date, en_reason, sv_label
):
    login(client, world.case_worker)
    response = client.post(
        url("consent_withdraw", world.project, lang, consent_id=registered.consent.pk),
        {"withdrawn_on": date},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["withdrawn_on"]
    if lang == "en":
        assert en_reason in errors["withdrawn_on"][0]
    else:
        assert sv_label in response.content.decode()
    assert Consent.objects.get().withdrawn_on is None
    assert not LogEntry.objects.filter(action="change").exists()


def test_a_withdrawn_consent_cannot_be_withdrawn_again(world, registered):
    services.withdraw_consent(consent=registered.consent, by=world.manager.user)
    with pytest.raises(services.ValidationError) as caught:
        services.withdraw_consent(consent=registered.consent, by=world.manager.user)
    assert "withdrawn_on" in caught.value.message_dict
    assert LogEntry.objects.filter(action="change").count() == 1


# --- the number never travels in a URL ---------------------------------------------------------


def test_no_redirect_or_link_carries_the_number(client, world):
    login(client, world.case_worker)
    locations = []
    for name, data in (
        ("intake", {"identity_number": NUMBER}),
        ("register", {"identity_number": NUMBER, "step": "prefill"}),
        ("register", registration(world)),
        ("register", registration(world)),
        ("intake", {"identity_number": NUMBER}),
    ):
        response = client.post(url(name, world.project), data)
        if response.status_code == 302:
            locations.append(response["Location"])
        else:
            content = response.content.decode()
            for href in re.findall(r'(?:href|action)="([^"]*)"', content):
                assert NUMBER not in href and NUMBER[2:] not in href and NUMBER[:8] not in href
    assert locations
    for location in locations:
        assert NUMBER not in location and NUMBER[2:] not in location and NUMBER[:8] not in location
