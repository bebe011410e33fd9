"""Interventions in the browser: a provider records a group session and hours inline and sees
the totals; a manager creates an intervention; a case worker places a participant. axe on the
catalogue, the intervention form, the attendance page, the group-session form (also with its
errors shown) and the placement form."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.models import Organisation, Role
from interventions.models import AttendanceSession, Intervention, Participation
from tests.factories import (
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

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    project = ProjectFactory(title="Framtid i Fokus")
    municipality = OrganisationFactory(name="Malmö stad")
    employer = OrganisationFactory(name="Bygg AB", kind=Organisation.Kind.EMPLOYER)
    intervention = InterventionFactory(
        project=project,
        provider=employer,
        name="Praktik bygg",
        starts_on=dt.date(2009, 1, 1),
        ends_on=dt.date(2010, 12, 31),
        capacity=10,
    )
    people = [
        ParticipantFactory(
            given_name="Sara",
            family_name="Ahmadi",
            identity=demo_identity_number(dt.date(1980, 5, 17), 981),
        ),
        ParticipantFactory(
            given_name="Omar",
            family_name="Ali",
            identity=demo_identity_number(dt.date(1975, 3, 2), 990),
        ),
        AnonymousParticipantFactory(),
    ]
    participations = []
    for person in people:
        enrolment = EnrolmentFactory(project=project, participant=person)
        if not person.is_anonymous:
            ConsentFactory(participant=person, project=project, organisations=[municipality])
        participations.append(ParticipationFactory(intervention=intervention, enrolment=enrolment))
    newcomer = EnrolmentFactory(
        project=project,
        participant=ParticipantFactory(
            given_name="Leyla",
            family_name="Berg",
            identity=demo_identity_number(dt.date(1990, 1, 20), 985),
        ),
    )
    ConsentFactory(participant=newcomer.participant, project=project, organisations=[municipality])
    MembershipFactory(
        user__username="provider", project=project, organisation=employer, role=Role.PROVIDER
    )
    MembershipFactory(
        user__username="manager", project=project, organisation=municipality, role=Role.MANAGER
    )
    caseworker = MembershipFactory(
        user__username="caseworker",
        project=project,
        organisation=municipality,
        role=Role.CASE_WORKER,
    )
    # The newcomer is in the case worker's own caseload: placed without the purpose question.
    newcomer.case_worker = caseworker.user
    newcomer.save(update_fields=["case_worker"])
    return {
        "project": project,
        "intervention": intervention,
        "participations": participations,
        "newcomer": newcomer,
    }


def row(page, participation):
    return page.locator(f"#participation-{participation.pk}")


def test_provider_records_a_group_session_and_hours_inline(page, login, axe, world):
    project, intervention = world["project"], world["intervention"]
    sara, omar, anonymous = world["participations"]
    login("provider")
    page.goto(f"/projects/{project.pk}/interventions/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Praktik bygg")).to_be_visible()
    axe(page, "interventions-catalogue-sv")

    page.locator(f'a[href="/projects/{project.pk}/interventions/{intervention.pk}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Praktik bygg")
    expect(row(page, sara)).to_contain_text("Sara Ahmadi")
    axe(page, "interventions-attendance-sv")

    page.locator(f'a[href$="/interventions/{intervention.pk}/session/"]').click()
    page.locator("#id_held_on").fill("2009-12-14")
    page.locator("#id_length_hours").fill("4")
    page.locator(f"#id_hours_{omar.pk}").fill("5")  # more than the session: refused
    page.locator(f"#id_absent_{anonymous.pk}").check()
    page.locator("main form button.button").click()
    expect(page.locator(".error-summary")).to_contain_text("Omar Ali")
    axe(page, "interventions-group-session-errors-sv")
    assert AttendanceSession.objects.count() == 0

    page.locator(f"#id_hours_{omar.pk}").fill("2")
    page.locator("main form button.button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Praktik bygg")
    expect(row(page, sara).locator("strong")).to_have_text("4")
    expect(row(page, omar).locator("strong")).to_have_text("2")
    expect(row(page, anonymous).locator("strong")).to_have_text("0")

    # Inline, by keyboard: open Sara's row, type the hours, press Enter.
    row(page, sara).locator("summary").click()
    page.locator(f"#id_p{sara.pk}-held_on").fill("2009-12-15")
    page.locator(f"#id_p{sara.pk}-hours").fill("3.5")
    page.locator(f"#id_p{sara.pk}-hours").press("Enter")
    # htmx swapped the row and the status line (a full-page fallback would show a message).
    expect(page.locator("#attendance-status")).to_contain_text("Sara Ahmadi")
    expect(row(page, sara).locator("strong")).to_have_text(re.compile(r"7[,.]5"))
    axe(page, "interventions-attendance-after-recording-sv")
    assert Participation.objects.get(pk=sara.pk).attended_hours == 7.5

    page.locator(f'a[href$="/interventions/{intervention.pk}/session/"]').click()
    axe(page, "interventions-group-session-sv")


def test_manager_creates_an_intervention(page, login, axe, world):
    project = world["project"]
    login("manager", prefix="/en")
    page.goto(f"/en/projects/{project.pk}/interventions/")
    axe(page, "interventions-catalogue-en")
    page.locator(f'a[href="/en/projects/{project.pk}/interventions/new/"]').click()
    axe(page, "intervention-form-en")
    page.locator("#id_name").fill("Svenska på jobbet")
    page.locator("#id_category").select_option(label="Mentoring")
    page.locator("#id_provider").select_option(label="Malmö stad")
    page.locator("#id_starts_on").fill("2010-03-01")
    page.locator("#id_ends_on").fill("2010-02-01")
    page.locator("#id_capacity").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_contain_text("cannot end before it starts")
    axe(page, "intervention-form-errors-en")
    page.locator("#id_ends_on").fill("2010-12-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("rowheader", name="Svenska på jobbet")).to_be_visible()
    assert Intervention.objects.filter(project=project, name="Svenska på jobbet").exists()

    page.goto(f"/en/projects/{project.pk}/interventions/{world['intervention'].pk}/")
    axe(page, "interventions-attendance-en")


def test_case_worker_places_a_participant(page, login, axe, world):
    project, intervention, newcomer = world["project"], world["intervention"], world["newcomer"]
    login("caseworker")
    page.goto(f"/projects/{project.pk}/interventions/place/{newcomer.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leyla Berg")
    axe(page, "placement-form-sv")
    page.locator("#id_intervention").select_option(str(intervention.pk))
    page.locator("#id_started_on").fill("2009-01-10")  # before the enrolment started
    page.locator("#id_planned_hours").fill("80")
    page.locator("main form.narrow button.button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page, "placement-form-errors-sv")
    page.locator("#id_started_on").fill("2009-06-01")
    page.locator("main form.narrow button.button").click()
    page.wait_for_load_state()
    placed = Participation.objects.get(enrolment=newcomer, intervention=intervention)
    assert placed.planned_hours == 80
