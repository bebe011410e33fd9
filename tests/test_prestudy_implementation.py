"""From a pre-study to its implementation (reports/implementation.py, issue 15 item 5).

The service carries the pre-study's target groups, partners, team, proposed activities (as the
intervention catalogue) and indicators (the goals counting participants) into a new project,
linked both ways; a project that is not a pre-study, a wrong period or a carry-over that
needs what is left out is refused with nothing written, and so is a start that fails half-way.
The page shows the checklist and what is carried over, shows the form's errors at their
fields, answers 403 to a case worker and 404 to another project's manager."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import (
    Area,
    LogEntry,
    Membership,
    Municipality,
    Organisation,
    Project,
    ProjectPartner,
    Role,
    TargetGroup,
)
from goals.models import Goal
from goals.services import create_goal, save_goal_version
from interventions.models import Intervention, InterventionCategory
from prestudy.models import Deliverable, ProposedActivity, Stakeholder
from reports import implementation
from reports.implementation import start_implementation
from surveys.models import Question

from .factories import MembershipFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

START = dt.date(2009, 1, 1)
END = dt.date(2011, 6, 30)


def url(project):
    with translation.override("en"):
        return reverse("implementation:start", args=[project.pk])


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2008-11-20"
    owner = OrganisationFactory(name="Burlövs Kommun")
    agency = OrganisationFactory(name="Arbetsförmedlingen Arlöv", kind="employment_service")
    forum = OrganisationFactory(name="Lunds kvinnoforum", kind="other")
    malmo = Municipality.objects.get(name="Malmö")
    area = Area.objects.create(municipality=malmo, name="Arlöv")
    prestudy = ProjectFactory(
        title="Jobb för alla (Förprojektering)",
        title_en="Jobs for All (pre-study)",
        phase=Project.Phase.PRE_STUDY,
        owner=owner,
        starts_on=dt.date(2008, 5, 15),
        ends_on=dt.date(2008, 11, 15),
        contact_name="Paul Nilsson",
        contact_email="paul.nilsson@burlov.se",
        contact_phone="040-439324",
        funding_programme="Europeiska socialfonden 2007–2013",
        follow_up_days=[90, 180],
        disclosure_threshold=7,
        esf_grant=Decimal("290754"),
    )
    prestudy.areas.add(area)
    ProjectPartner.objects.create(
        project=prestudy,
        organisation=agency,
        is_partner=True,
        is_co_financier=True,
        amount=Decimal("50000"),
        confirmed_on=dt.date(2008, 5, 28),
    )
    ProjectPartner.objects.create(project=prestudy, organisation=forum, is_partner=True)
    manager = MembershipFactory(
        project=prestudy, user__username="emma", organisation=owner, role=Role.MANAGER
    )
    case_worker = MembershipFactory(
        project=prestudy, user__username="ali", organisation=agency, role=Role.CASE_WORKER
    )
    evaluator = MembershipFactory(
        project=prestudy, user__username="eva", organisation=owner, role=Role.EVALUATOR
    )
    young = TargetGroup.objects.create(
        project=prestudy,
        code="unga",
        name="Ungdomar",
        name_en="Young people",
        description="16–24 år",
    )
    TargetGroup.objects.create(
        project=prestudy, code="utrikes-fodda", name="Utrikes födda långtidsarbetslösa"
    )
    # A resident without an organisation comes first by name: the provider is the first
    # partner that is an organisation.
    resident = Stakeholder.objects.create(project=prestudy, name="Boenderådet", kind="resident")
    forum_stakeholder = Stakeholder.objects.create(
        project=prestudy, name="Kvinnoforum", kind="interest_organisation", organisation=forum
    )
    internship = ProposedActivity.objects.create(
        project=prestudy,
        title="Praktik i kommunen",
        category=InterventionCategory.objects.get(code="internship"),
        description="Tre månaders praktik med handledare.",
        estimated_volume=20,
    )
    internship.proposed_by.set([resident, forum_stakeholder])
    internship.target_groups.set([young])
    education = ProposedActivity.objects.create(
        project=prestudy,
        title="Svenska för vuxna",
        category=InterventionCategory.objects.get(code="basic_education"),
    )
    by = manager.user
    goal = create_goal(
        project=prestudy,
        key="long-term-unemployed-in-education",
        title="Antal långtidsarbetslösa i utbildning/praktik",
        title_en="Long-term unemployed in education or internship",
        template="participation_count",
        parameters={"labour_market_statuses": ["long_term_unemployed"]},
        by=by,
    )
    save_goal_version(  # the current version is the one carried over
        goal=goal,
        title="Antal långtidsarbetslösa i utbildning/praktik",
        title_en="Long-term unemployed in education or internship",
        template="participation_count",
        parameters={"labour_market_statuses": ["long_term_unemployed"], "target": 40},
        by=by,
    )
    create_goal(
        project=prestudy,
        key="young-in-education",
        title="varav ungdomar",
        template="participation_count",
        parameters={"target_group": "unga", "age_below": 25},
        by=by,
    )
    create_goal(
        project=prestudy,
        key="stakeholders",
        title="Minst 25 intressenter",
        template="stakeholder_count",
        parameters={"target": 25},
        by=by,
    )
    create_goal(
        project=prestudy,
        key="checklist",
        title="Förstudien klar",
        template="prestudy_checklist",
        parameters={},
        by=by,
    )
    other = ProjectFactory(title="Annat projekt", phase=Project.Phase.PRE_STUDY)
    other_manager = MembershipFactory(
        project=other, user__username="other", organisation=other.owner, role=Role.MANAGER
    )
    return {
        "prestudy": prestudy,
        "owner": owner,
        "agency": agency,
        "forum": forum,
        "area": area,
        "manager": manager,
        "case_worker": case_worker,
        "evaluator": evaluator,
        "internship": internship,
        "education": education,
        "other": other,
        "other_manager": other_manager,
    }


def start(world, **kwargs):
    values = {
        "by": world["manager"].user,
        "prestudy": world["prestudy"],
        "title": "Jobb för alla",
        "title_en": "Jobs for All",
        "starts_on": START,
        "ends_on": END,
    }
    return start_implementation(**{**values, **kwargs})


def counts():
    return {
        "projects": Project.objects.count(),
        "interventions": Intervention.objects.count(),
        "goals": Goal.objects.count(),
        "target_groups": TargetGroup.objects.count(),
        "partners": ProjectPartner.objects.count(),
        "memberships": Membership.objects.count(),
        "implemented": ProposedActivity.objects.filter(implemented_as__isnull=False).count(),
    }


# --- the service ----------------------------------------------------------------------------


def test_the_project_takes_the_prestudys_facts_and_links_both_ways(world):
    prestudy = world["prestudy"]
    project = start(world)
    assert project.phase == Project.Phase.IMPLEMENTATION
    assert (project.title, project.title_en) == ("Jobb för alla", "Jobs for All")
    assert (project.starts_on, project.ends_on) == (START, END)
    assert project.prestudy == prestudy
    assert list(prestudy.implementations.all()) == [project]
    for name in implementation.PROJECT_FIELDS:
        assert getattr(project, name) == getattr(prestudy, name), name
    assert project.esf_grant is None  # the implementation has its own budget
    assert list(project.areas.all()) == [world["area"]]
    assert set(project.municipalities.all()) == set(prestudy.municipalities.all())
    created = LogEntry.objects.get(
        action="create", object_type="core.Project", object_id=str(project.pk)
    )
    assert created.reason == f"implementation of pre-study {prestudy.pk}"
    assert "prestudy" in created.fields
    assert LogEntry.objects.filter(
        action="change", object_type="core.Project", object_id=str(prestudy.pk)
    ).exists()


def test_the_implementation_is_not_put_under_the_prestudys_programme(world):
    """A place in a project tree brings a project into a programme's figures and disclosure
    plan; a pre-study's manager does not set it (an administrator does)."""
    programme = ProjectFactory(title="Programmet", kind=Project.Kind.PROGRAMME)
    world["prestudy"].parent = programme
    world["prestudy"].save(update_fields=["parent"])
    project = start(world)
    assert project.parent is None
    assert project.pk not in programme.counted_project_ids()


def test_target_groups_partners_and_team_are_carried_over(world):
    project = start(world)
    assert list(
        TargetGroup.objects.filter(project=project).values_list(
            "code", "name", "name_en", "description"
        )
    ) == [
        ("unga", "Ungdomar", "Young people", "16–24 år"),
        ("utrikes-fodda", "Utrikes födda långtidsarbetslösa", "", ""),
    ]
    partners = {
        p.organisation.name: (p.is_partner, p.is_co_financier, p.amount, p.confirmed_on)
        for p in ProjectPartner.objects.filter(project=project)
    }
    assert partners == {
        "Arbetsförmedlingen Arlöv": (True, True, Decimal("50000"), dt.date(2008, 5, 28)),
        "Lunds kvinnoforum": (True, False, None, None),
    }
    team = {
        m.user.username: (m.organisation.name, m.role)
        for m in Membership.objects.filter(project=project)
    }
    assert team == {
        "emma": ("Burlövs Kommun", Role.MANAGER),
        "ali": ("Arbetsförmedlingen Arlöv", Role.CASE_WORKER),
        "eva": ("Burlövs Kommun", Role.EVALUATOR),
    }
    # Every membership is audited as the creator's.
    assert (
        LogEntry.objects.filter(
            project=project, object_type="core.Membership", user=world["manager"].user
        ).count()
        == 3
    )


def test_proposed_activities_become_the_intervention_catalogue(world):
    project = start(world)
    internship = Intervention.objects.get(project=project, name="Praktik i kommunen")
    assert internship.category.code == "internship"
    assert internship.description == "Tre månaders praktik med handledare."
    assert internship.provider == world["forum"]  # the activity's partner, not the resident
    assert (internship.starts_on, internship.ends_on) == (START, END)
    assert internship.capacity == 20
    education = Intervention.objects.get(project=project, name="Svenska för vuxna")
    assert education.provider == world["owner"]  # no partner: the project owner
    assert education.capacity is None
    world["internship"].refresh_from_db()
    world["education"].refresh_from_db()
    assert world["internship"].implemented_as == internship
    assert world["education"].implemented_as == education
    assert list(internship.proposed_in.all()) == [world["internship"]]


def test_activities_of_the_same_title_get_names_of_their_own(world):
    ProposedActivity.objects.create(
        project=world["prestudy"],
        title="praktik i kommunen",
        category=InterventionCategory.objects.get(code="internship"),
    )
    project = start(world)
    names = sorted(Intervention.objects.filter(project=project).values_list("name", flat=True))
    assert names == ["Praktik i kommunen", "Svenska för vuxna", "praktik i kommunen (2)"]


def test_indicators_are_carried_with_their_current_definition(world):
    project = start(world)
    goals = {goal.key: goal.current_version for goal in Goal.objects.filter(project=project)}
    # The pre-study's own goals (stakeholders, its checklist) stay with it.
    assert set(goals) == {"long-term-unemployed-in-education", "young-in-education"}
    carried = goals["long-term-unemployed-in-education"]
    assert carried.template == "participation_count"
    assert carried.title_en == "Long-term unemployed in education or internship"
    assert carried.parameters["target"] == 40  # version 2, the current one
    assert carried.parameters["labour_market_statuses"] == ["long_term_unemployed"]
    assert carried.version == 1  # a new goal in the new project
    assert goals["young-in-education"].parameters["target_group"] == "unga"
    assert goals["young-in-education"].parameters["age_below"] == 25


def test_a_survey_indicator_asks_a_question_of_the_new_project(world):
    create_goal(
        project=world["prestudy"],
        key="job-chances",
        title="Tror på jobb",
        template="survey_share",
        parameters={"question": "job_chances", "target": 0.6},
        by=world["manager"].user,
    )
    project = start(world)
    version = Goal.objects.get(project=project, key="job-chances").current_version
    question = Question.objects.get(pk=version.parameters["question"])
    assert (question.project, question.key) == (project, "job_chances")


def test_only_what_is_chosen_is_carried_and_the_creator_manages(world):
    project = start(world, copy=["target_groups"])
    assert TargetGroup.objects.filter(project=project).count() == 2
    assert not ProjectPartner.objects.filter(project=project).exists()
    assert not Intervention.objects.filter(project=project).exists()
    assert not Goal.objects.filter(project=project).exists()
    assert list(Membership.objects.filter(project=project).values_list("user", "role")) == [
        (world["manager"].user_id, Role.MANAGER)
    ]
    world["internship"].refresh_from_db()
    assert world["internship"].implemented_as is None


def test_a_creator_in_another_role_becomes_the_manager(world):
    project = start(world, by=world["evaluator"].user)
    roles = dict(Membership.objects.filter(project=project).values_list("user", "role"))
    assert roles[world["evaluator"].user_id] == Role.MANAGER
    assert roles[world["manager"].user_id] == Role.MANAGER


def test_a_project_that_is_not_a_prestudy_is_refused_with_nothing_written(world, english):
    prestudy = world["prestudy"]
    Project.objects.filter(pk=prestudy.pk).update(phase=Project.Phase.IMPLEMENTATION)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        start(world)
    assert "is not a pre-study" in refused.value.messages[0]
    assert counts() == before


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        (START, START - dt.timedelta(days=1), "ends_on", "cannot end before it starts"),
        (
            dt.date(2008, 5, 1),
            END,
            "starts_on",
            "cannot start before the pre-study started (2008-05-15)",
        ),
    ],
)
def test_a_wrong_period_is_refused_with_nothing_written(
    world, english, starts_on, ends_on, field, message
):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        start(world, starts_on=starts_on, ends_on=ends_on)
    assert message in " ".join(refused.value.message_dict[field])
    assert counts() == before


def test_what_is_carried_must_bring_what_it_needs(world, english):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        start(world, copy=["members", "goals"])
    messages = " ".join(refused.value.message_dict["copy"])
    assert "carry the partners over too" in messages
    assert "carry the target groups over too" in messages
    assert counts() == before


def test_a_start_that_fails_half_way_writes_nothing(world, english, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"target": ["Nope."]})

    monkeypatch.setattr(implementation, "create_goal", refuse)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        start(world)
    assert "cannot be carried over" in refused.value.message_dict["copy"][0]
    assert counts() == before


def test_the_title_suggested_drops_the_prestudy_ending():
    assert implementation.suggested_title("Jobb för alla (Förprojektering)") == "Jobb för alla"
    assert implementation.suggested_title("Jobs for All (pre-study)") == "Jobs for All"
    assert implementation.suggested_title("Samverkan i Malmö") == ""


# --- the page -------------------------------------------------------------------------------


def test_the_page_shows_the_checklist_and_what_is_carried_over(client, world):
    Deliverable.objects.create(
        project=world["prestudy"], item="application_submitted", done_on=dt.date(2008, 11, 1)
    )
    client.force_login(world["manager"].user)
    page = html.unescape(client.get(url(world["prestudy"])).content.decode())
    assert "1 of 6 items done." in page
    assert "Application for the implementation submitted: <strong>done</strong>" in page
    assert "Risk analysis done: not done" in page
    assert "Target groups (2)" in page
    assert "Partners and co-financiers (2)" in page
    assert "Proposed activities, as the intervention catalogue (2)" in page
    assert "Indicators (goals counting participants or households) (2)" in page
    assert "Praktik i kommunen (Internship / work practice, 20 places)" in page
    assert "Stay with the pre-study" in page and "Minst 25 intressenter" in page
    assert 'value="Jobb för alla"' in page  # the suggested title
    assert 'value="Jobs for All"' in page


def test_posting_the_form_starts_the_project_and_shows_it(client, world):
    client.force_login(world["manager"].user)
    response = client.post(
        url(world["prestudy"]),
        {
            "title": "Jobb för alla",
            "title_en": "Jobs for All",
            "starts_on": "2009-01-01",
            "ends_on": "2011-06-30",
            "copy": ["target_groups", "partners", "members", "activities", "goals"],
        },
        follow=True,
    )
    project = Project.objects.get(prestudy=world["prestudy"])
    assert response.redirect_chain[-1][0].endswith(f"/projects/{project.pk}/")
    page = html.unescape(response.content.decode())
    assert "The implementation project Jobb för alla is started from the pre-study." in page
    assert "Young people" in page  # its target groups, on its overview
    assert Intervention.objects.filter(project=project).count() == 2
    # The pre-study's page now lists it, and still offers another start.
    again = html.unescape(client.get(url(world["prestudy"])).content.decode())
    assert "Implementation projects already started" in again
    assert f'href="/en/projects/{project.pk}/"' in again
    assert 'name="title"' in again


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ends_on": "2008-12-31"}, "ends_on", "The period cannot end before it starts."),
        (
            {"starts_on": "2008-01-01"},
            "starts_on",
            "The implementation cannot start before the pre-study started (2008-05-15).",
        ),
        ({"title": ""}, "title", "This field is required."),
        ({"copy": ["members"]}, "copy", "carry the partners over too"),
    ],
)
def test_the_forms_errors_show_at_their_fields(client, world, data, field, message):
    client.force_login(world["manager"].user)
    before = counts()
    values = {
        "title": "Jobb för alla",
        "starts_on": "2009-01-01",
        "ends_on": "2011-06-30",
        "copy": ["target_groups", "partners", "members", "activities", "goals"],
    }
    response = client.post(url(world["prestudy"]), {**values, **data})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors)
    page = html.unescape(response.content.decode())
    assert 'class="error-summary"' in page
    assert f'href="#id_{field}' in page
    assert counts() == before


def test_a_project_that_is_not_a_prestudy_says_so(client, world):
    project = ProjectFactory(title="Genomförande", owner=world["owner"])
    manager = MembershipFactory(project=project, organisation=world["owner"], role=Role.MANAGER)
    client.force_login(manager.user)
    response = client.get(url(project))
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a pre-study" in page
    assert '<form method="post" class="narrow-form"' not in page
    before = counts()
    client.post(url(project), {"title": "X", "starts_on": "2009-01-01", "ends_on": "2010-01-01"})
    assert counts() == before


@pytest.mark.parametrize("who", ["case_worker", "evaluator"])
def test_other_roles_get_403(client, world, who):
    client.force_login(world[who].user)
    assert client.get(url(world["prestudy"])).status_code == 403
    before = counts()
    response = client.post(
        url(world["prestudy"]),
        {"title": "X", "starts_on": "2009-01-01", "ends_on": "2010-01-01"},
    )
    assert response.status_code == 403
    assert counts() == before


def test_another_projects_manager_gets_404(client, world):
    client.force_login(world["other_manager"].user)
    assert client.get(url(world["prestudy"])).status_code == 404
    before = counts()
    response = client.post(
        url(world["prestudy"]),
        {"title": "X", "starts_on": "2009-01-01", "ends_on": "2010-01-01"},
    )
    assert response.status_code == 404
    assert counts() == before
    assert Organisation.objects.filter(name="Burlövs Kommun").count() == 1
