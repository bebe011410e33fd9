"""No look-up oracle (issue 12, item 4): a look-up by identity number tells a user outside the
person's projects only that the person can be enrolled — the very same page whether the person
is registered in other projects or nowhere — and another agency's record is shown only where the
person's consent covers the user's organisation for information exchange. Every look-up is an
audit entry without the number, and a user's look-ups are limited. A consent is recorded with who
confirmed it and how."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import LogEntry, Organisation, Role
from enrolments import registration as services
from enrolments.models import Enrolment, Status
from participants.models import Consent, Participant

from . import test_intake
from .factories import (
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)
from .test_intake import (
    NUMBER,
    login,
    messages_of,
    participant_path,
    registration,
    url,
)

# The intake tests' world (two projects, their organisations and members) and clock.
world = test_intake.world
_clock = test_intake._clock

pytestmark = pytest.mark.django_db

# A name no page would show by chance: what "another agency" recorded.
OTHER_GIVEN, OTHER_FAMILY = "Zebulon", "Quixotica"


def page_text(response) -> str:
    """The page without its volatile parts: the CSRF token (in every form and the htmx header)."""
    content = response.content.decode()
    content = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", content)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "CSRF", content)


def result_section(content: str) -> str:
    return content[content.index('id="result"') :]


@pytest.fixture
def elsewhere(world):
    """Three other projects run by other agencies, each with its own organisations."""
    projects = [world.other]
    for title in ("Nya vägar", "Steget vidare"):
        owner = OrganisationFactory(name=f"{title} AB", kind=Organisation.Kind.OTHER)
        projects.append(ProjectFactory(title=title, owner=owner))
    return projects


# How the person's consent in another project relates to the asking case worker's organisation
# (Malmö stad): none of these lets the case worker see anything of that project.
NOT_COVERING = ["no consent", "other organisation", "own, without exchange", "own, withdrawn"]


def place(world, person, project, how: str, status: str) -> None:
    EnrolmentFactory(participant=person, project=project, status=status)
    if how == "no consent":
        return
    organisations = [world.employment] if how == "other organisation" else [world.municipality]
    purposes = (
        ["registration"]
        if how == "own, without exchange"
        else ["registration", "information_exchange"]
    )
    consent = ConsentFactory(
        participant=person, project=project, organisations=organisations, purposes=purposes
    )
    if how == "own, withdrawn":
        Consent.objects.filter(pk=consent.pk).update(withdrawn_on=dt.date(2009, 6, 1))


placements = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),
        st.sampled_from(NOT_COVERING),
        st.sampled_from([Status.ACTIVE, Status.REFERRED]),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda placement: placement[0],
)
numbers = st.builds(
    demo_identity_number,
    st.dates(min_value=dt.date(1935, 1, 1), max_value=dt.date(2004, 12, 31)),
    st.integers(min_value=980, max_value=999),
)


def _rolled_back(action):
    """Run `action` in a savepoint that is rolled back: the database as before."""
    with transaction.atomic():
        result = action()
        transaction.set_rollback(True)
    return result


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(number=numbers, where=placements)
def test_a_person_registered_elsewhere_reads_exactly_like_a_person_registered_nowhere(
    client, world, elsewhere, settings, number, where
):
    settings.IDENTITY_LOOKUP_LIMIT = 10_000
    login(client, world.case_worker)
    intake = url("intake", world.project, "en")
    register = url("register", world.project, "en")

    def responses():
        client.get(intake)  # shows (and so clears) a message left by the one before
        found = client.post(intake, {"identity_number": number})
        prefill = client.post(register, {"identity_number": number, "step": "prefill"})
        refused = client.post(register, registration(world, identity_number=number, family_name=""))
        saved = _rolled_back(
            lambda: client.post(register, registration(world, identity_number=number))
        )
        return found, prefill, refused, saved

    def compare(response_set):
        found, prefill, refused, saved = response_set
        return (
            (found.status_code, page_text(found)),
            (prefill.status_code, page_text(prefill)),
            (refused.status_code, page_text(refused)),
            (
                saved.status_code,
                re.sub(r"/enrolments/\d+/", "/enrolments/N/", saved["Location"]),
                messages_of(saved),
            ),
        )

    def with_the_person_elsewhere():
        person = ParticipantFactory(
            identity=number, given_name=OTHER_GIVEN, family_name=OTHER_FAMILY
        )
        for index, how, status in where:
            place(world, person, elsewhere[index], how, status)
        return responses()

    nowhere = responses()
    known = _rolled_back(with_the_person_elsewhere)
    assert compare(known) == compare(nowhere)
    found, prefill, refused, _saved = known
    assert "The person can be enrolled in this project" in page_text(found)
    for response in (found, prefill, refused):
        text = page_text(response)
        assert OTHER_FAMILY not in text and OTHER_GIVEN not in text
        for project in elsewhere:
            assert project.title not in text


def test_registering_someone_known_elsewhere_is_logged_as_a_lookup_of_them(client, world):
    person = ParticipantFactory(identity=NUMBER, given_name=OTHER_GIVEN, family_name=OTHER_FAMILY)
    EnrolmentFactory(participant=person, project=world.other)
    login(client, world.case_worker)
    client.post(url("register", world.project), registration(world))
    entry = LogEntry.objects.get(reason="identity lookup: registration")
    assert (entry.object_type, entry.object_id) == ("participants.Participant", str(person.pk))


def test_the_other_agencys_record_is_shown_only_under_a_consent_covering_ones_organisation(
    client, world
):
    person = ParticipantFactory(identity=NUMBER, given_name=OTHER_GIVEN, family_name=OTHER_FAMILY)
    EnrolmentFactory(participant=person, project=world.other)
    consent = ConsentFactory(
        participant=person, project=world.other, organisations=[world.employment]
    )
    intake = url("intake", world.project, "en")
    # Not covered (Malmö stad): nothing — not the name, not the project.
    login(client, world.case_worker)
    content = page_text(client.post(intake, {"identity_number": NUMBER}))
    assert OTHER_FAMILY not in content and world.other.title not in content
    # Covered for information exchange (Arbetsförmedlingen): the name and the project.
    login(client, world.colleague)
    content = page_text(client.post(intake, {"identity_number": NUMBER}))
    assert OTHER_FAMILY in result_section(content) and world.other.title in content
    # The same consent withdrawn: nothing again.
    services.withdraw_consent(consent=consent, by=world.outsider.user)
    content = page_text(client.post(intake, {"identity_number": NUMBER}))
    assert OTHER_FAMILY not in content and world.other.title not in content


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.EVALUATOR])
def test_covering_consents_follow_the_person_scope_of_the_role(world, role):
    """A role that sees no person through consents (its person scope) is shown nothing of another
    project, even when the person's consent covers its organisation."""
    from participants.lookup import covering_consents

    person = ParticipantFactory(identity=NUMBER)
    ConsentFactory(participant=person, project=world.other, organisations=[world.municipality])
    member = MembershipFactory(project=world.project, organisation=world.municipality, role=role)
    assert covering_consents(member, person, exclude_project=world.project) == []
    assert covering_consents(world.case_worker, person, exclude_project=world.project)


# --- every look-up logged, and limited ---------------------------------------------------------


def test_every_lookup_is_logged_without_the_number_hits_and_misses_alike(client, world):
    person = ParticipantFactory(identity=NUMBER)
    EnrolmentFactory(participant=person, project=world.other)
    unknown = demo_identity_number(dt.date(1990, 3, 3), 990)
    login(client, world.case_worker)
    client.post(url("intake", world.project), {"identity_number": NUMBER})
    client.post(url("intake", world.project), {"identity_number": unknown})
    entries = list(LogEntry.objects.filter(reason="identity lookup: intake").order_by("pk"))
    assert [(e.user, e.object_type, e.object_id) for e in entries] == [
        (world.case_worker.user, "participants.Participant", str(person.pk)),
        (world.case_worker.user, "participants.Participant", ""),
    ]
    # Not the number, nor its date or serial part, in any text the log keeps (the ids, times
    # and hashes are left out of the search: their digits can hold any four by chance).
    texts = str(list(LogEntry.objects.values("reason", "purpose", "purpose_text", "user_label",
                                             "fields", "object_type")))  # fmt: skip
    everything = str(list(LogEntry.objects.values()))
    for number in (NUMBER, unknown):
        assert number not in everything and number.replace("-", "") not in everything
        assert number[2:8] not in texts and number[-4:] not in texts


def test_lookups_are_limited_per_user_with_a_clear_message(client, world, settings):
    settings.IDENTITY_LOOKUP_LIMIT = 3
    settings.IDENTITY_LOOKUP_WINDOW_MINUTES = 10
    login(client, world.case_worker)
    target = url("intake", world.project, "en")
    serials = iter(range(980, 1000))

    def look_up():
        number = demo_identity_number(dt.date(1985, 1, 1), next(serials))
        return client.post(target, {"identity_number": number})

    assert [look_up().status_code for _ in range(3)] == [200, 200, 200]
    refused = look_up()
    assert refused.status_code == 429
    content = refused.content.decode()
    assert "You have looked up 3 identity numbers in the last 10 minutes" in content
    assert 'id="result"' not in content
    assert LogEntry.objects.filter(reason="identity lookup: intake").count() == 3
    assert LogEntry.objects.filter(reason__startswith="identity lookup refused").count() == 1
    # The registration form and the case list's number search are look-ups too.
    response = client.post(url("register", world.project, "en"), registration(world))
    assert response.status_code == 429 and Participant.objects.count() == 0
    assert "You have looked up 3" in response.content.decode()
    with translation.override("en"):
        case_list = reverse("enrolments:case_list", kwargs={"project_id": world.project.pk})
    with_case_list = client.post(case_list, {"identity_number": NUMBER})
    assert "You have looked up 3" in with_case_list.content.decode()
    # Another user has their own count.
    login(client, world.manager)
    assert look_up().status_code == 200
    # And once the window has passed (the next day), the user may look up again.
    settings.FOLJSAM_TODAY = "2010-01-02"
    login(client, world.case_worker)
    assert look_up().status_code == 200


def test_a_new_number_in_a_correction_counts_as_a_lookup(world, settings):
    from participants import services as participant_services
    from participants.corrections import values_of

    settings.IDENTITY_LOOKUP_LIMIT = 1
    person = ParticipantFactory(identity=NUMBER)
    EnrolmentFactory(participant=person, project=world.project)
    correction = {
        "values": {},
        "reason": "Fel nummer",
        "expected": values_of(person, participant_services.compared_fields(person)),
        "identity_number": demo_identity_number(dt.date(1983, 4, 12), 990),
    }
    participant_services.correct_participant(
        participant=person, project=world.project, by=world.manager.user, **correction
    )
    assert LogEntry.objects.filter(reason="identity lookup: correction").count() == 1
    person.refresh_from_db()
    correction["expected"] = values_of(person, participant_services.compared_fields(person))
    correction["identity_number"] = demo_identity_number(dt.date(1983, 4, 12), 991)
    with pytest.raises(services.ValidationError) as refused:
        participant_services.correct_participant(
            participant=person, project=world.project, by=world.manager.user, **correction
        )
    assert "identity_number" in refused.value.message_dict


# --- consent: who confirmed it, and how -------------------------------------------------------


def test_a_consent_cannot_be_recorded_without_saying_how_it_was_given(client, world):
    login(client, world.case_worker)
    response = client.post(url("register", world.project, "en"), registration(world, method=None))
    assert response.status_code == 200
    errors = response.context["consent_form"].errors
    assert "method" in errors
    assert Participant.objects.count() == Consent.objects.count() == 0
    # "Not recorded" is for old consents only: a form does not accept it.
    response = client.post(
        url("register", world.project, "en"), registration(world, method="unknown")
    )
    assert "method" in response.context["consent_form"].errors
    assert Consent.objects.count() == 0


def test_a_consent_records_who_confirmed_it_how_and_when(client, world):
    login(client, world.case_worker)
    client.post(
        url("register", world.project),
        registration(world, method="verbal", document_reference="Journal 2009-12-01"),
    )
    consent = Consent.objects.get()
    assert consent.method == Consent.Method.VERBAL
    assert consent.confirmed_by == world.case_worker.user
    assert timezone.localdate(consent.confirmed_at) == dt.date(2010, 1, 1)
    assert consent.document_reference == "Journal 2009-12-01"
    entry = LogEntry.objects.get(object_type="participants.Consent", action="create")
    assert {"method", "confirmed_by", "document_reference"} <= set(entry.fields)
    page = client.get(
        participant_path(world.project, Enrolment.objects.get(), "en")
    ).content.decode()
    section = page[page.index('id="consent-heading"') :]
    assert "Verbally, noted in the case file" in section
    assert "Confirmed by Amira Testsson, 2010-01-01" in section
    assert "Reference: Journal 2009-12-01" in section


def test_the_service_refuses_a_consent_without_a_method(world):
    person = ParticipantFactory(identity=NUMBER)
    with pytest.raises(services.ValidationError) as refused:
        services.record_consent(
            project=world.project,
            participant=person,
            by=world.case_worker.user,
            membership=world.case_worker,
            consent_data={
                "organisations": [world.municipality],
                "purposes": ["registration"],
                "given_on": dt.date(2009, 12, 1),
            },
        )
    assert "method" in refused.value.message_dict
    assert Consent.objects.count() == 0


def test_a_consent_from_before_is_not_recorded_rather_than_guessed(world):
    consent = ConsentFactory(project=world.project, organisations=[world.municipality])
    assert consent.method == Consent.Method.UNKNOWN
    assert consent.confirmed_by is None and consent.confirmed_at is None
    assert not consent.method_is_known
