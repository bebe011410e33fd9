"""Interventions: the catalogue, placement, the provider's attendance and group sessions.

Who may open what (200 / 403 / 404), what a provider sees of a participant (only the
attendance fields), every write's happy path and bad input named in Swedish (unprefixed URL) and
English (/en/), with nothing saved, and the audit entries (field names, no personal values).
"""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.models import LogEntry, Organisation, Role
from enrolments.models import Status
from interventions import services
from interventions.models import (
    AttendanceRecord,
    AttendanceSession,
    Intervention,
    InterventionCategory,
    Participation,
)

from .factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ParticipationFactory,
    ProjectFactory,
    demo_identity_number,
)
from .purposes import give_purpose

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 1, 1)
LANGUAGES = ["sv", "en"]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    # Eight users a test: a fast hasher keeps the module quick (logins use force_login).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(name, lang="sv", **kwargs):
    with translation.override(lang):
        return reverse(f"interventions:{name}", kwargs=kwargs)


def text(lang, message, **params):
    """A message as the user reads it in `lang` (the Swedish catalogue is filled in later, so
    the expectation is computed through gettext rather than typed)."""
    with translation.override(lang):
        translated = gettext(message)
        params = {k: v() if callable(v) else v for k, v in params.items()}
    return translated % params if params else translated


def field_label(name: str) -> str:
    """An intervention field's label as the form and the period rule name it."""
    return capfirst(Intervention._meta.get_field(name).verbose_name)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


class World:
    """One project with two providers' interventions and every role."""

    def __init__(self):
        self.project = ProjectFactory(title="Framtid i Fokus")
        self.municipality = OrganisationFactory(name="Malmö stad")
        self.agency = OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service")
        self.employer = OrganisationFactory(name="Bygg AB", kind=Organisation.Kind.EMPLOYER)
        self.cafe = OrganisationFactory(name="Café Ett AB", kind=Organisation.Kind.EMPLOYER)
        self.intervention = InterventionFactory(
            project=self.project,
            provider=self.employer,
            name="Praktik bygg",
            starts_on=dt.date(2009, 1, 1),
            ends_on=dt.date(2010, 12, 31),
            capacity=5,
        )
        self.cafe_intervention = InterventionFactory(
            project=self.project, provider=self.cafe, name="Praktik café"
        )
        self.number = demo_identity_number(dt.date(1980, 5, 17), 981)
        self.sara = EnrolmentFactory(
            project=self.project,
            participant=ParticipantFactory(
                given_name="Sara", family_name="Ahmadi", identity=self.number
            ),
            labour_market_status="long_term_unemployed",
            income_source="social_assistance",
            months_without_work=27,
            swedish_level="sfi_c",
        )
        ConsentFactory(
            participant=self.sara.participant,
            project=self.project,
            organisations=[self.municipality],
        )
        self.anonymous = EnrolmentFactory(
            project=self.project, participant=AnonymousParticipantFactory()
        )
        self.omar = EnrolmentFactory(
            project=self.project,
            participant=ParticipantFactory(
                given_name="Omar",
                family_name="Ali",
                identity=demo_identity_number(dt.date(1975, 3, 2), 990),
            ),
        )
        ConsentFactory(
            participant=self.omar.participant,
            project=self.project,
            organisations=[self.municipality],
        )
        self.karin = EnrolmentFactory(  # placed only in the café's intervention
            project=self.project,
            participant=ParticipantFactory(
                given_name="Karin",
                family_name="Café",
                identity=demo_identity_number(dt.date(1988, 9, 9), 995),
            ),
        )
        self.sara_in = ParticipationFactory(
            intervention=self.intervention, enrolment=self.sara, planned_hours=40
        )
        self.anonymous_in = ParticipationFactory(
            intervention=self.intervention, enrolment=self.anonymous
        )
        self.omar_in = ParticipationFactory(intervention=self.intervention, enrolment=self.omar)
        self.karin_in = ParticipationFactory(
            intervention=self.cafe_intervention, enrolment=self.karin
        )
        member = MembershipFactory
        self.members = {
            "manager": member(
                project=self.project, organisation=self.municipality, role=Role.MANAGER
            ),
            "case_worker": member(
                project=self.project, organisation=self.municipality, role=Role.CASE_WORKER
            ),
            "uncovered_case_worker": member(
                project=self.project, organisation=self.agency, role=Role.CASE_WORKER
            ),
            "provider": member(
                project=self.project, organisation=self.employer, role=Role.PROVIDER
            ),
            "other_provider": member(
                project=self.project, organisation=self.cafe, role=Role.PROVIDER
            ),
            "evaluator": member(project=self.project, role=Role.EVALUATOR),
            "steering": member(project=self.project, role=Role.STEERING),
            "outsider": member(role=Role.MANAGER),  # manager of another project
        }
        # The case worker's own caseload: placing them asks no purpose first (core/purpose.py).
        for enrolment in (self.sara, self.anonymous, self.omar, self.karin):
            enrolment.case_worker = self.members["case_worker"].user
            enrolment.save(update_fields=["case_worker"])

    def user(self, role):
        return self.members[role].user


@pytest.fixture
def world():
    return World()


def login(client, world, role):
    client.force_login(world.user(role))


# --- Who may open what -----------------------------------------------------------------------

ATTENDANCE_ACCESS = {
    "manager": 200,
    "provider": 200,
    "other_provider": 404,
    "case_worker": 403,
    "evaluator": 403,
    "steering": 403,
    "outsider": 404,
}


def _urls(world):
    p = world.project.pk
    return {
        "catalogue": url("catalogue", project_id=p),
        "attendance": url("attendance", project_id=p, intervention_id=world.intervention.pk),
        "group_session": url("group_session", project_id=p, intervention_id=world.intervention.pk),
        "record_hours": url("record_hours", project_id=p, participation_id=world.sara_in.pk),
        "place": url("place", project_id=p, enrolment_id=world.sara.pk),
        "intervention_new": url("intervention_new", project_id=p),
        "intervention_edit": url(
            "intervention_edit", project_id=p, intervention_id=world.intervention.pk
        ),
    }


MATRIX = {
    "catalogue": {
        "manager": 200,
        "case_worker": 200,
        "provider": 200,
        "other_provider": 200,
        "evaluator": 403,
        "steering": 403,
        "outsider": 404,
    },
    "attendance": ATTENDANCE_ACCESS,
    "group_session": ATTENDANCE_ACCESS,
    "record_hours": ATTENDANCE_ACCESS,
    "place": {  # a page about one person: 404 for everyone who may not see participants
        "manager": 200,
        "case_worker": 200,
        "uncovered_case_worker": 404,
        "provider": 404,
        "evaluator": 404,
        "steering": 404,
        "outsider": 404,
    },
    "intervention_new": {
        "manager": 200,
        "case_worker": 403,
        "provider": 403,
        "evaluator": 403,
        "outsider": 404,
    },
    "intervention_edit": {
        "manager": 200,
        "case_worker": 403,
        "provider": 403,
        "steering": 403,
        "outsider": 404,
    },
}


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    [(page, role, code) for page, codes in MATRIX.items() for role, code in codes.items()],
)
def test_who_may_open_which_page(client, world, page, role, expected):
    login(client, world, role)
    assert client.get(_urls(world)[page]).status_code == expected


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(_urls(world)["attendance"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_intervention_of_another_project_is_not_found_through_this_project(client, world):
    login(client, world, "manager")
    elsewhere = InterventionFactory()
    p = world.project.pk
    for name in ("attendance", "group_session", "intervention_edit"):
        assert client.get(url(name, project_id=p, intervention_id=elsewhere.pk)).status_code == 404


def test_provider_cannot_record_hours_for_another_providers_participant(client, world):
    login(client, world, "provider")
    target = url("record_hours", project_id=world.project.pk, participation_id=world.karin_in.pk)
    response = client.post(target, {f"p{world.karin_in.pk}-hours": "4", "completion": "ongoing"})
    assert response.status_code == 404
    assert AttendanceRecord.objects.count() == 0


@pytest.mark.parametrize("role", ["evaluator", "steering", "provider"])
def test_roles_without_the_capability_cannot_place(client, world, role):
    login(client, world, role)
    response = client.post(
        _urls(world)["place"],
        {"intervention": world.cafe_intervention.pk, "started_on": "2009-06-01"},
    )
    assert response.status_code == 404  # a page about one person
    assert not Participation.objects.filter(
        enrolment=world.sara, intervention=world.cafe_intervention
    ).exists()


# --- The catalogue ---------------------------------------------------------------------------


def test_catalogue_lists_the_projects_interventions_with_places_taken(client, world):
    Participation.objects.filter(pk=world.omar_in.pk).update(completion="completed")
    login(client, world, "case_worker")
    content = page_text(client.get(_urls(world)["catalogue"]))
    assert "Praktik bygg" in content and "Praktik café" in content
    assert "Bygg AB" in content
    assert "2009-01-01" in content and "2010-12-31" in content
    # two ongoing of five places (Omar's participation is completed)
    assert text("sv", "%(taken)s of %(capacity)s", taken=2, capacity=5) in content
    assert url("intervention_new", project_id=world.project.pk) not in content


def test_provider_sees_only_the_interventions_their_organisation_provides(client, world):
    login(client, world, "provider")
    content = page_text(client.get(_urls(world)["catalogue"]))
    assert "Praktik bygg" in content
    assert "Praktik café" not in content
    assert _urls(world)["attendance"] in content


def test_manager_sees_links_to_create_and_edit(client, world):
    login(client, world, "manager")
    content = page_text(client.get(_urls(world)["catalogue"]))
    assert _urls(world)["intervention_new"] in content
    assert _urls(world)["intervention_edit"] in content


# --- Creating and editing interventions ------------------------------------------------------


def _intervention_data(world, **overrides):
    data = {
        "name": "Svenska på jobbet",
        "category": InterventionCategory.objects.get(code="internship").pk,
        "provider": world.employer.pk,
        "description": "Språkpraktik i byggbranschen.",
        "starts_on": "2009-09-01",
        "ends_on": "2010-06-30",
        "capacity": "12",
    }
    data.update(overrides)
    return data


def test_manager_creates_an_intervention_and_it_is_logged_without_values(client, world):
    login(client, world, "manager")
    response = client.post(_urls(world)["intervention_new"], _intervention_data(world))
    assert response.status_code == 302
    assert response["Location"] == _urls(world)["catalogue"]
    created = Intervention.objects.get(project=world.project, name="Svenska på jobbet")
    assert created.capacity == 12 and created.ends_on == dt.date(2010, 6, 30)
    entry = LogEntry.objects.get(action="create", object_type="interventions.Intervention")
    assert entry.object_id == str(created.pk) and entry.user == world.user("manager")
    assert {"name", "category", "provider", "capacity"} <= set(entry.fields)
    assert "Svenska" not in str(entry.fields) + entry.reason


def test_case_worker_cannot_create_or_edit(client, world):
    login(client, world, "case_worker")
    before = Intervention.objects.count()
    assert (
        client.post(_urls(world)["intervention_new"], _intervention_data(world)).status_code == 403
    )
    response = client.post(
        _urls(world)["intervention_edit"], _intervention_data(world, name="Nytt namn")
    )
    assert response.status_code == 403
    assert Intervention.objects.count() == before
    world.intervention.refresh_from_db()
    assert world.intervention.name == "Praktik bygg"


def test_manager_edits_an_intervention(client, world):
    login(client, world, "manager")
    response = client.post(
        _urls(world)["intervention_edit"],
        _intervention_data(
            world, name="Praktik bygg och anläggning", capacity="8", starts_on="2009-01-01"
        ),
    )
    assert response.status_code == 302
    world.intervention.refresh_from_db()
    assert world.intervention.name == "Praktik bygg och anläggning"
    assert world.intervention.capacity == 8
    entry = LogEntry.objects.get(action="change", object_type="interventions.Intervention")
    assert "name" in entry.fields and "capacity" in entry.fields


def test_edit_form_shows_the_current_values(client, world):
    login(client, world, "manager")
    content = page_text(client.get(_urls(world)["intervention_edit"]))
    assert 'value="Praktik bygg"' in content and 'value="2009-01-01"' in content


INTERVENTION_BAD_INPUT = [
    (
        {"starts_on": "2008-12-31"},
        "starts_on",
        "%(field)s must be within the project's period %(start)s–%(end)s.",
        {"field": lambda: field_label("starts_on"), "start": "2009-01-01", "end": "2011-12-31"},
    ),
    (
        {"ends_on": "2012-01-31"},
        "ends_on",
        "%(field)s must be within the project's period %(start)s–%(end)s.",
        {"field": lambda: field_label("ends_on"), "start": "2009-01-01", "end": "2011-12-31"},
    ),
    (
        {"starts_on": "2010-06-01", "ends_on": "2010-05-01"},
        "ends_on",
        "The intervention cannot end before it starts.",
        {},
    ),
    (
        {"name": "praktik BYGG"},
        "name",
        "The project already has an intervention called %(name)s.",
        {"name": "praktik BYGG"},
    ),
    ({"capacity": "0"}, "capacity", "Give at least one place, or leave empty for no limit.", {}),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("overrides", "field", "message", "params"), INTERVENTION_BAD_INPUT)
def test_bad_intervention_input_is_named_and_nothing_is_saved(
    client, world, lang, overrides, field, message, params
):
    login(client, world, "manager")
    before = Intervention.objects.count()
    response = client.post(
        url("intervention_new", lang, project_id=world.project.pk),
        _intervention_data(world, **overrides),
    )
    assert response.status_code == 200
    content = page_text(response)
    assert f'<html lang="{lang}">' in content
    assert text(lang, message, **params) in content
    assert f'href="#id_{field}"' in content  # the error summary links to the field
    assert Intervention.objects.count() == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_capacity_below_the_places_taken_is_refused(client, world, lang):
    login(client, world, "manager")
    response = client.post(
        url(
            "intervention_edit",
            lang,
            project_id=world.project.pk,
            intervention_id=world.intervention.pk,
        ),
        _intervention_data(world, name="Praktik bygg", capacity="2", starts_on="2009-01-01"),
    )
    assert response.status_code == 200
    expected = text(
        lang, "%(count)s participants already take part; the capacity cannot be lower.", count=3
    )
    assert expected in page_text(response)
    world.intervention.refresh_from_db()
    assert world.intervention.capacity == 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_period_that_leaves_out_a_participants_start_is_refused(client, world, lang):
    login(client, world, "manager")
    response = client.post(
        url(
            "intervention_edit",
            lang,
            project_id=world.project.pk,
            intervention_id=world.intervention.pk,
        ),
        _intervention_data(world, name="Praktik bygg", starts_on="2009-06-01"),
    )
    expected = text(
        lang, "A participant started before this date; the intervention cannot start later."
    )
    assert expected in page_text(response)
    world.intervention.refresh_from_db()
    assert world.intervention.starts_on == dt.date(2009, 1, 1)


def test_update_intervention_keeps_the_object_unchanged_when_refused(world):
    with pytest.raises(ValidationError) as error:
        services.update_intervention(
            by=world.user("manager"), intervention=world.intervention, ends_on=dt.date(2012, 6, 1)
        )
    assert "ends_on" in error.value.message_dict
    assert world.intervention.ends_on == dt.date(2010, 12, 31)
    assert not LogEntry.objects.filter(action="change").exists()


# --- Placement -------------------------------------------------------------------------------


def _place(client, world, enrolment, intervention, lang="sv", **overrides):
    data = {"intervention": intervention.pk, "started_on": "2009-06-01", "planned_hours": "80"}
    data.update(overrides)
    give_purpose(client, enrolment)  # a manager places people outside their own caseload
    return client.post(
        url("place", lang, project_id=world.project.pk, enrolment_id=enrolment.pk), data
    )


def test_case_worker_places_a_participant_and_it_is_logged(client, world):
    login(client, world, "case_worker")
    response = _place(client, world, world.sara, world.cafe_intervention)
    assert response.status_code == 302
    try:
        expected = reverse(
            "enrolments:participant",
            kwargs={"project_id": world.project.pk, "enrolment_id": world.sara.pk},
        )
    except Exception:
        expected = _urls(world)["catalogue"]
    assert response["Location"] == expected
    placed = Participation.objects.get(enrolment=world.sara, intervention=world.cafe_intervention)
    assert placed.planned_hours == 80 and placed.started_on == dt.date(2009, 6, 1)
    entry = LogEntry.objects.get(action="create", object_type="interventions.Participation")
    assert entry.object_id == str(placed.pk)
    assert set(entry.fields) == {"intervention", "enrolment", "started_on", "planned_hours"}


def test_placement_form_lists_the_projects_interventions_with_places(client, world):
    login(client, world, "case_worker")
    content = page_text(client.get(_urls(world)["place"]))
    assert "Praktik bygg" in content and "Praktik café" in content
    assert (
        text(
            "sv",
            "%(name)s — %(taken)s of %(capacity)s places taken",
            name="Praktik bygg",
            taken=3,
            capacity=5,
        )
        in content
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placement_in_a_full_intervention_is_refused(client, world, lang):
    Intervention.objects.filter(pk=world.intervention.pk).update(capacity=3)
    newcomer = EnrolmentFactory(project=world.project, participant=AnonymousParticipantFactory())
    login(client, world, "manager")
    before = Participation.objects.count()
    response = _place(client, world, newcomer, world.intervention, lang)
    assert response.status_code == 200
    expected = text(
        lang,
        "%(intervention)s is full: all %(capacity)s places are taken.",
        intervention="Praktik bygg",
        capacity=3,
    )
    content = page_text(response)
    assert expected in content and 'href="#id_intervention"' in content
    assert Participation.objects.count() == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placement_of_an_exited_enrolment_is_refused(client, world, lang):
    exited = EnrolmentFactory(
        project=world.project,
        participant=AnonymousParticipantFactory(),
        status=Status.EXITED,
        exited_on=dt.date(2009, 5, 1),
        exit_status="job_seeking",
    )
    login(client, world, "manager")
    before = Participation.objects.count()
    response = _place(client, world, exited, world.cafe_intervention, lang)
    assert response.status_code == 200
    with translation.override(lang):
        status = exited.get_status_display()
        name = str(exited.participant)
    expected = text(
        lang,
        "%(name)s exited on %(date)s: an exited participant cannot be placed in an "
        "intervention. Re-enrol them in the project to place them again.",
        name=name,
        date="2009-05-01",
    )
    assert status and expected in page_text(response)
    assert 'name="intervention"' not in page_text(response)  # no form to fill in
    assert Participation.objects.count() == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placement_of_someone_already_taking_part_is_refused(client, world, lang):
    login(client, world, "manager")
    before = Participation.objects.count()
    response = _place(client, world, world.sara, world.intervention, lang)
    expected = text(
        lang,
        "This participant already takes part in %(intervention)s.",
        intervention="Praktik bygg",
    )
    assert expected in page_text(response)
    assert Participation.objects.count() == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placement_start_before_the_enrolment_and_negative_hours_are_named(client, world, lang):
    login(client, world, "manager")
    before = Participation.objects.count()
    response = _place(
        client,
        world,
        world.sara,
        world.cafe_intervention,
        lang,
        started_on="2009-02-01",
        planned_hours="-5",
    )
    content = page_text(response)
    assert text(lang, "The planned hours cannot be negative.") in content
    assert 'href="#id_planned_hours"' in content
    response = _place(
        client, world, world.sara, world.cafe_intervention, lang, started_on="2009-02-01"
    )
    content = page_text(response)
    expected = text(
        lang,
        "The placement cannot start before the enrolment started (%(date)s).",
        date="2009-02-15",
    )
    assert expected in content and 'href="#id_started_on"' in content
    assert Participation.objects.count() == before


def test_placement_of_a_referred_enrolment_is_refused_by_the_service(world):
    referred = EnrolmentFactory(project=world.project, status=Status.REFERRED, started_on=None)
    with pytest.raises(ValidationError):
        services.place_participant(
            by=None, enrolment=referred, intervention=world.cafe_intervention, started_on=TODAY
        )
    assert not referred.participations.exists()


def test_placement_in_another_projects_intervention_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.place_participant(
            by=None,
            enrolment=world.sara,
            intervention=InterventionFactory(),
            started_on=dt.date(2009, 6, 1),
        )
    assert "intervention" in error.value.message_dict


# --- The attendance page ---------------------------------------------------------------------


def test_provider_sees_only_the_attendance_fields_of_their_participants(client, world):
    login(client, world, "provider")
    response = client.get(_urls(world)["attendance"])
    assert response.status_code == 200
    content = page_text(response)
    assert "Sara Ahmadi" in content and "Omar Ali" in content
    assert str(world.anonymous.participant) in content  # "Anonymous participant N"
    assert "Karin" not in content  # the café's participant
    # No identity number in any form, no baseline, no link to the participant page.
    assert world.number not in content and world.number[2:8] not in content
    with translation.override("sv"):
        baseline = [
            world.sara.get_labour_market_status_display(),
            world.sara.get_income_source_display(),
            world.sara.get_swedish_level_display(),
            str(world.sara._meta.get_field("labour_market_status").verbose_name),
            str(world.sara._meta.get_field("income_source").verbose_name),
        ]
    for value in baseline:
        assert value not in content, value
    assert f"/enrolments/{world.sara.pk}/" not in content
    # The attendance fields are there.
    assert "2009-03-01" in content and "40" in content
    assert (
        url("record_hours", project_id=world.project.pk, participation_id=world.sara_in.pk)
        in content
    )


def test_a_rows_form_is_fetched_when_its_record_hours_is_opened(client, world):
    """The attendance page carries no row's form (fifty rows of them were most of its time):
    each row's "Record hours" fetches its form when opened (htmx), and without JavaScript links
    to the form's own page. The fetched form is the row's, and its read is logged."""
    login(client, world, "provider")
    content = page_text(client.get(_urls(world)["attendance"]))
    record = url("record_hours", project_id=world.project.pk, participation_id=world.sara_in.pk)
    assert f'name="p{world.sara_in.pk}-hours"' not in content
    assert f'<p hx-get="{record}" hx-trigger="toggle from:closest details once"' in content
    assert f'<a href="{record}">' in content
    seen = set(LogEntry.objects.filter(action="view").values_list("pk", flat=True))
    response = client.get(record, HTTP_HX_REQUEST="true")
    fragment = page_text(response)
    assert fragment.strip().startswith("<form") and "<html" not in fragment
    assert f'name="p{world.sara_in.pk}-hours"' in fragment
    assert f'hx-target="#participation-{world.sara_in.pk}"' in fragment
    assert "HX-Request" in response["Vary"]
    logged = LogEntry.objects.filter(action="view").exclude(pk__in=seen)
    assert list(logged.values_list("person_id", flat=True)) == [
        world.sara_in.enrolment.participant_id
    ]
    page = page_text(client.get(record))  # without JavaScript: the form's own page
    assert "<html" in page and f'name="p{world.sara_in.pk}-hours"' in page


def test_reading_the_attendance_list_logs_each_person_shown_without_personal_data(client, world):
    login(client, world, "provider")
    client.get(_urls(world)["attendance"])
    entries = LogEntry.objects.filter(action="view")
    listed = Participation.objects.filter(intervention=world.intervention)
    # One entry per person on the list, by id; the intervention named in the context.
    assert sorted(entries.values_list("person_id", flat=True)) == sorted(
        listed.values_list("enrolment__participant_id", flat=True)
    )
    for entry in entries:
        assert entry.object_type == "participants.Participant"
        assert entry.reason == f"attendance list, intervention {world.intervention.pk}"
    assert "Sara" not in str(list(entries.values())) and world.number not in str(
        list(entries.values())
    )


def _queries_for(client, target):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(target).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["attendance", "group_session", "catalogue"])
def test_pages_run_the_same_number_of_queries_for_3_and_30_participants(client, world, page):
    login(client, world, "provider")
    target = _urls(world)[page]
    few = _queries_for(client, target)
    for _ in range(27):
        ParticipationFactory(
            intervention=world.intervention,
            enrolment=EnrolmentFactory(
                project=world.project, participant=AnonymousParticipantFactory()
            ),
        )
    assert _queries_for(client, target) == few


# --- Recording hours inline ------------------------------------------------------------------


def _hours(client, world, participation, lang="sv", htmx=False, **fields):
    data = {"held_on": "2009-12-14", "completion": participation.completion}
    data.update(fields)
    prefixed = {f"p{participation.pk}-{k}": v for k, v in data.items()}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        url("record_hours", lang, project_id=world.project.pk, participation_id=participation.pk),
        prefixed,
        **headers,
    )


def test_provider_records_hours_inline_with_htmx(client, world):
    login(client, world, "provider")
    response = _hours(client, world, world.sara_in, htmx=True, hours="6.5")
    assert response.status_code == 200
    content = page_text(response)
    assert "<html" not in content
    assert f'id="participation-{world.sara_in.pk}"' in content
    assert 'role="status"' in content and 'hx-swap-oob="innerHTML"' in content
    world.sara_in.refresh_from_db()
    assert world.sara_in.attended_hours == Decimal("6.5")
    record = AttendanceRecord.objects.get(participation=world.sara_in)
    assert record.session is None and record.hours == Decimal("6.5")
    assert record.held_on == dt.date(2009, 12, 14)
    entry = LogEntry.objects.get(action="change", object_type="interventions.Participation")
    assert entry.fields == ["attended_hours"]


def test_without_javascript_recording_hours_redirects_back_to_the_list(client, world):
    login(client, world, "provider")
    response = _hours(client, world, world.sara_in, hours="3")
    assert response.status_code == 302
    assert response["Location"] == _urls(world)["attendance"]
    world.sara_in.refresh_from_db()
    assert world.sara_in.attended_hours == 3


def test_provider_sets_completion_with_an_end_date(client, world):
    login(client, world, "provider")
    response = _hours(client, world, world.sara_in, completion="completed", ended_on="2009-12-18")
    assert response.status_code == 302
    world.sara_in.refresh_from_db()
    assert world.sara_in.completion == "completed"
    assert world.sara_in.ended_on == dt.date(2009, 12, 18)
    assert AttendanceRecord.objects.count() == 0
    entry = LogEntry.objects.get(action="change", object_type="interventions.Participation")
    assert set(entry.fields) == {"completion", "ended_on"}


HOURS_BAD_INPUT = [
    ({"hours": "-2"}, "hours", "The hours cannot be negative.", {}),
    ({"hours": "4", "held_on": "2010-01-05"}, "held_on", "The date cannot be in the future.", {}),
    (
        {"hours": "4", "held_on": "2009-02-01"},
        "held_on",
        "The date cannot be before the participant started (%(date)s).",
        {"date": "2009-03-01"},
    ),
    (
        {"completion": "interrupted"},
        "ended_on",
        "Enter the end date when the participation is completed or interrupted.",
        {},
    ),
    ({}, "hours", "Enter the hours attended, or change the completion.", {}),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(("fields", "field", "message", "params"), HOURS_BAD_INPUT)
def test_bad_hours_are_named_and_nothing_is_saved(
    client, world, lang, htmx, fields, field, message, params
):
    login(client, world, "provider")
    response = _hours(client, world, world.sara_in, lang, htmx=htmx, **fields)
    assert response.status_code == 200
    content = page_text(response)
    assert text(lang, message, **params) in content
    assert f"id_p{world.sara_in.pk}-{field}_error" in content  # the error sits by the field
    world.sara_in.refresh_from_db()
    assert world.sara_in.attended_hours == 0 and world.sara_in.completion == "ongoing"
    assert AttendanceRecord.objects.count() == 0
    assert not LogEntry.objects.filter(action="change").exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_double_submission_of_the_same_recording_is_refused(client, world, lang, settings):
    login(client, world, "provider")
    assert _hours(client, world, world.sara_in, lang, hours="4").status_code == 302
    # Sent again later than a double click (inputs/middleware.py answers those with the first
    # answer): the service refuses it.
    settings.DOUBLE_SUBMIT_SECONDS = 0
    response = _hours(client, world, world.sara_in, lang, htmx=True, hours="4")
    assert response.status_code == 200
    expected = text(
        lang, "Hours for %(date)s are already recorded for this participant.", date="2009-12-14"
    )
    assert expected in page_text(response)
    world.sara_in.refresh_from_db()
    assert world.sara_in.attended_hours == 4
    assert AttendanceRecord.objects.count() == 1


# --- Group sessions --------------------------------------------------------------------------


def _session(client, world, lang="sv", held_on="2009-12-14", length="3", rows=None):
    data = {"held_on": held_on, "length_hours": length}
    for participation, (hours, absent) in (rows or {}).items():
        data[f"hours_{participation.pk}"] = hours
        if absent:
            data[f"absent_{participation.pk}"] = "on"
    return client.post(
        url(
            "group_session",
            lang,
            project_id=world.project.pk,
            intervention_id=world.intervention.pk,
        ),
        data,
    )


def _totals(world):
    return (
        AttendanceSession.objects.count(),
        AttendanceRecord.objects.count(),
        sorted(Participation.objects.values_list("pk", "attended_hours")),
    )


def test_group_session_form_has_a_row_per_ongoing_participant(client, world):
    Participation.objects.filter(pk=world.omar_in.pk).update(
        completion="interrupted", ended_on=dt.date(2009, 11, 1)
    )
    login(client, world, "provider")
    content = page_text(client.get(_urls(world)["group_session"]))
    assert f'name="hours_{world.sara_in.pk}"' in content
    assert f'name="absent_{world.anonymous_in.pk}"' in content
    assert f'name="hours_{world.omar_in.pk}"' not in content
    assert f'name="hours_{world.karin_in.pk}"' not in content
    assert world.number not in content
    shown = LogEntry.objects.filter(action="view", reason__startswith="group session form")
    assert sorted(shown.values_list("person_id", flat=True)) == sorted(
        [world.sara_in.enrolment.participant_id, world.anonymous_in.enrolment.participant_id]
    )


def test_provider_records_a_group_session_in_one_transaction(client, world):
    login(client, world, "provider")
    response = _session(
        client,
        world,
        rows={
            world.sara_in: ("", False),
            world.anonymous_in: ("2", False),
            world.omar_in: ("", True),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _urls(world)["attendance"]
    session = AttendanceSession.objects.get()
    assert session.held_on == dt.date(2009, 12, 14) and session.length_hours == 3
    assert session.recorded_by == world.user("provider")
    hours = dict(session.records.values_list("participation_id", "hours"))
    assert hours == {world.sara_in.pk: 3, world.anonymous_in.pk: 2, world.omar_in.pk: 0}
    attended = dict(Participation.objects.values_list("pk", "attended_hours"))
    assert attended[world.sara_in.pk] == 3
    assert attended[world.anonymous_in.pk] == 2
    assert attended[world.omar_in.pk] == 0
    entry = LogEntry.objects.get(action="create", object_type="interventions.AttendanceSession")
    assert entry.object_id == str(session.pk) and "Sara" not in entry.reason


def test_someone_placed_after_the_form_was_shown_is_not_recorded(client, world):
    login(client, world, "provider")
    shown = f"{world.sara_in.pk},{world.omar_in.pk}"
    response = client.post(
        _urls(world)["group_session"],
        {"held_on": "2009-12-14", "length_hours": "3", "row_ids": shown},
    )
    assert response.status_code == 302
    recorded = set(AttendanceRecord.objects.values_list("participation_id", flat=True))
    assert recorded == {world.sara_in.pk, world.omar_in.pk}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hours_over_the_sessions_length_name_the_row_and_save_nothing(client, world, lang):
    login(client, world, "provider")
    before = _totals(world)
    response = _session(
        client,
        world,
        lang,
        rows={
            world.sara_in: ("4", False),
            world.anonymous_in: ("2", False),
            world.omar_in: ("-1", False),
        },
    )
    assert response.status_code == 200
    content = page_text(response)
    with translation.override(lang):
        sara_problem = gettext("the hours exceed the session's length of %(length)s.") % {
            "length": "3"
        }
        omar_problem = gettext("the hours cannot be negative.")
    assert (
        text(lang, "Row for %(name)s: %(problem)s", name="Sara Ahmadi", problem=sara_problem)
        in content
    )
    assert (
        text(lang, "Row for %(name)s: %(problem)s", name="Omar Ali", problem=omar_problem)
        in content
    )
    assert f'href="#id_hours_{world.sara_in.pk}"' in content
    assert f'href="#id_hours_{world.anonymous_in.pk}"' not in content  # the right row is fine
    assert _totals(world) == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hours_that_are_not_a_number_name_the_row(client, world, lang):
    login(client, world, "provider")
    before = _totals(world)
    response = _session(client, world, lang, rows={world.omar_in: ("tre", False)})
    with translation.override(lang):
        problem = gettext("enter the hours as a number.")
    expected = text(lang, "Row for %(name)s: %(problem)s", name="Omar Ali", problem=problem)
    assert expected in page_text(response)
    assert _totals(world) == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_session_in_the_future_is_refused(client, world, lang):
    login(client, world, "provider")
    before = _totals(world)
    response = _session(client, world, lang, held_on="2010-01-02")
    content = page_text(response)
    assert text(lang, "The session's date cannot be in the future.") in content
    assert 'href="#id_held_on"' in content
    assert _totals(world) == before


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("length", "message"),
    [
        ("0", "The session's length must be more than 0 hours."),
        ("25", "The session's length cannot exceed 24 hours."),
    ],
)
def test_a_session_length_outside_a_day_is_refused(client, world, lang, length, message):
    login(client, world, "provider")
    before = _totals(world)
    response = _session(client, world, lang, length=length)
    content = page_text(response)
    assert text(lang, message) in content and 'href="#id_length_hours"' in content
    assert _totals(world) == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_double_submission_of_the_same_session_is_refused(client, world, lang, settings):
    login(client, world, "provider")
    assert _session(client, world, lang).status_code == 302
    # Sent again later than a double click (inputs/middleware.py answers those with the first
    # answer): the service refuses it.
    settings.DOUBLE_SUBMIT_SECONDS = 0
    after_first = _totals(world)
    response = _session(client, world, lang)
    assert response.status_code == 200
    expected = text(
        lang,
        "A session on %(date)s is already recorded for this intervention.",
        date="2009-12-14",
    )
    assert expected in page_text(response)
    assert _totals(world) == after_first


def test_a_session_outside_the_intervention_period_is_refused(world):
    world.intervention.starts_on = dt.date(2009, 6, 1)
    world.intervention.save()
    with pytest.raises(ValidationError) as error:
        services.record_group_session(
            by=None,
            intervention=world.intervention,
            held_on=dt.date(2009, 5, 1),
            length_hours=3,
            rows=[(world.sara_in, 3)],
        )
    assert list(error.value.message_dict) == ["held_on"]
    assert AttendanceSession.objects.count() == 0


def test_the_session_service_names_every_wrong_row(world):
    before = _totals(world)
    with pytest.raises(ValidationError) as error:
        services.record_group_session(
            by=None,
            intervention=world.intervention,
            held_on=dt.date(2009, 12, 1),
            length_hours=Decimal("2.5"),
            rows=[
                (world.sara_in, Decimal("3")),
                (world.omar_in, Decimal("-1")),
                (world.anonymous_in, 2),
            ],
        )
    assert set(error.value.message_dict) == {
        f"hours_{world.sara_in.pk}",
        f"hours_{world.omar_in.pk}",
    }
    assert _totals(world) == before


def test_provider_records_forty_hours_and_the_total_shows_forty(client, world):
    login(client, world, "provider")
    for day in range(1, 11):  # ten sessions of four hours in December 2009
        response = _session(
            client,
            world,
            held_on=f"2009-12-{day:02d}",
            length="4",
            rows={world.omar_in: ("", True)},
        )
        assert response.status_code == 302, page_text(response)
    world.sara_in.refresh_from_db()
    assert world.sara_in.attended_hours == 40
    assert world.sara_in.attendance_records.count() == 10
    content = page_text(client.get(_urls(world)["attendance"]))
    row = re.search(rf'<tr id="participation-{world.sara_in.pk}">(.*?)</tr>', content, re.S)[1]
    assert "<strong>40</strong>" in row
