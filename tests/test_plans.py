"""Needs assessments and versioned action plans: who may open what, versioning and the
differences between versions, the agreement, the printable plan, and every bad input (the field
named in Swedish and English, nothing saved, no personal data in the audit log)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, ProjectPartner, Role
from plans import services
from plans.models import ActionPlan, ActionPlanStep, Assessment, AssessmentItem, Domain

from .factories import (
    ConsentFactory,
    EnrolmentFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    demo_identity_number,
)
from .purposes import give_purpose

pytestmark = pytest.mark.django_db

NOTE = "Har svårt att sova och oroar sig för hyran"
IDENTITY = demo_identity_number(dt.date(1985, 3, 14), serial=981)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Eight users per test: the production hasher would take most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    municipality = OrganisationFactory(name="Malmö stad")
    project = ProjectFactory(
        title="Framtid i Fokus",
        title_en="Future in Focus",
        owner=municipality,
        contact_name="Mats Johansson",
        contact_email="mats@example.org",
        contact_phone="040-34 10 00",
    )
    agency = OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service")
    ProjectPartner.objects.create(project=project, organisation=agency, is_partner=True)
    case_worker = MembershipFactory(
        project=project, organisation=municipality, role=Role.CASE_WORKER
    )
    participant = ParticipantFactory(given_name="Amina", family_name="Yusuf", identity=IDENTITY)
    ConsentFactory(participant=participant, project=project, organisations=[municipality])
    enrolment = EnrolmentFactory(
        participant=participant, project=project, case_worker=case_worker.user
    )
    return {
        "project": project,
        "municipality": municipality,
        "agency": agency,
        "case_worker": case_worker,
        "uncovered": MembershipFactory(
            project=project, organisation=OrganisationFactory(), role=Role.CASE_WORKER
        ),
        "outsider": MembershipFactory(role=Role.MANAGER),
        "provider": MembershipFactory(project=project, role=Role.PROVIDER),
        "evaluator": MembershipFactory(project=project, role=Role.EVALUATOR),
        "steering": MembershipFactory(project=project, role=Role.STEERING),
        "manager": MembershipFactory(project=project, role=Role.MANAGER),
        "participant": participant,
        "enrolment": enrolment,
        "intervention": InterventionFactory(project=project, name="Praktik på lagret"),
        "foreign_organisation": OrganisationFactory(name="Utomstående AB"),
        "foreign_intervention": InterventionFactory(name="Annat projekts kurs"),
    }


def url(name, world, prefix="", **kwargs):
    with translation.override("sv"):  # unprefixed; `prefix` chooses the language
        path = reverse(
            f"plans:{name}",
            kwargs={
                "project_id": world["project"].pk,
                "enrolment_id": world["enrolment"].pk,
                **kwargs,
            },
        )
    return prefix + path


def error_summary(response) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert match, "the page shows no error summary"
    return match.group(0)


def make_assessment(world, on="2009-06-01", ratings=None):
    return services.record_assessment(
        enrolment=world["enrolment"],
        assessed_on=dt.date.fromisoformat(on),
        ratings=ratings or {"language": (2, NOTE), "health": (3, "")},
        by=world["case_worker"].user,
    )


def step(world, description="Börja SFI kurs C", **overrides):
    return {
        "description": description,
        "responsible_organisation": world["municipality"],
        "responsible_person": "Amira, coach",
        "due_on": dt.date(2010, 3, 1),
        "status": "planned",
        "intervention": None,
        **overrides,
    }


def make_plan(world, goals="Få ett arbete inom lager.\nLära mig svenska.", steps=None):
    return services.save_plan_version(
        enrolment=world["enrolment"],
        goals=goals,
        steps=steps or [step(world), step(world, "Praktik", intervention=world["intervention"])],
        by=world["case_worker"].user,
    )


def plan_post(steps, goals="Få ett arbete inom lager.", based_on=0, **extra):
    data = {
        "goals": goals,
        "based_on_version": based_on,
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
        **extra,
    }
    for index, values in enumerate(steps):
        for key, value in values.items():
            data[f"steps-{index}-{key}"] = value
    return data


def step_post(world, description="Börja SFI kurs C", **overrides):
    return {
        "description": description,
        "responsible_organisation": world["municipality"].pk,
        "responsible_person": "Amira, coach",
        "due_on": "2010-03-01",
        "status": "planned",
        "intervention": "",
        **overrides,
    }


def assessment_post(ratings=None, on="2009-12-01", based_on=0):
    data = {"assessed_on": on, "based_on_latest": based_on}
    for domain in Domain.values:
        data[f"rating_{domain}"] = ""
        data[f"note_{domain}"] = ""
    for domain, (rating, note) in (ratings or {}).items():
        data[f"rating_{domain}"] = rating
        data[f"note_{domain}"] = note
    return data


# --- who may open what ------------------------------------------------------------------------

VIEWS = [
    ("assessment_new", {}),
    ("assessment_detail", {"assessment_id": "assessment"}),
    ("plan_detail", {}),
    ("plan_edit", {}),
    ("plan_version", {"version": 1}),
    ("plan_print", {"version": 1}),
    ("plan_agree", {"version": 1}),
]


@pytest.fixture
def filled(world):
    world["assessment"] = make_assessment(world)
    world["plan"] = make_plan(world)
    return world


def resolve(world, kwargs):
    return {k: (world[v].pk if isinstance(v, str) else v) for k, v in kwargs.items()}


@pytest.mark.parametrize("name,kwargs", VIEWS)
@pytest.mark.parametrize(
    "who,status",
    [
        ("case_worker", 200),
        ("manager", 200),
        ("uncovered", 404),
        ("outsider", 404),
        ("provider", 404),
        ("evaluator", 404),
        ("steering", 404),
    ],
)
def test_who_may_open_each_page(client, filled, name, kwargs, who, status):
    client.force_login(filled[who].user)
    if who == "manager":  # outside their own caseload: the purpose first
        give_purpose(client, filled["enrolment"])
    response = client.get(url(name, filled, **resolve(filled, kwargs)))
    assert response.status_code == status
    if status == 200:
        assert "Amina Yusuf" in response.content.decode()


def test_writes_are_refused_to_roles_without_the_capability_and_save_nothing(client, filled):
    for who, status in [("uncovered", 404), ("outsider", 404), ("provider", 404)]:
        client.force_login(filled[who].user)
        response = client.post(url("plan_edit", filled), plan_post([step_post(filled)], based_on=1))
        assert response.status_code == status
        response = client.post(
            url("assessment_new", filled),
            assessment_post({"language": (3, "")}, based_on=filled["assessment"].pk),
        )
        assert response.status_code == status
    assert ActionPlan.objects.count() == 1
    assert Assessment.objects.count() == 1


def test_unknown_version_and_assessment_of_another_enrolment_are_404(client, filled):
    client.force_login(filled["case_worker"].user)
    assert client.get(url("plan_version", filled, version=9)).status_code == 404
    other = EnrolmentFactory(project=filled["project"])
    ConsentFactory(
        participant=other.participant,
        project=filled["project"],
        organisations=[filled["municipality"]],
    )
    foreign = services.record_assessment(
        enrolment=other,
        assessed_on=dt.date(2009, 5, 1),
        ratings={"housing": (1, "")},
        by=filled["case_worker"].user,
    )
    response = client.get(url("assessment_detail", filled, assessment_id=foreign.pk))
    assert response.status_code == 404


# --- needs assessment -------------------------------------------------------------------------


def test_new_assessment_form_has_every_domain_with_a_legend_and_the_scale(client, world):
    client.force_login(world["case_worker"].user)
    content = client.get(url("assessment_new", world, prefix="/en")).content.decode()
    for domain in Domain:
        assert f"<legend>{domain.label}</legend>" in content
        assert f'name="rating_{domain.value}" value="5"' in content
    assert "large need of support" in content
    assert 'value="2010-01-01"' in content  # today by default


def test_case_worker_records_an_assessment_leaving_some_domains_unrated(client, world):
    client.force_login(world["case_worker"].user)
    response = client.post(
        url("assessment_new", world),
        assessment_post({"language": (2, NOTE), "housing": (4, "")}),
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("assessment_detail", world, assessment_id=assessment.pk)
    assert assessment.assessed_on == dt.date(2009, 12, 1)
    assert assessment.assessed_by == world["case_worker"].user
    assert {(i.domain, i.rating, i.note) for i in assessment.items.all()} == {
        ("language", 2, NOTE),
        ("housing", 4, ""),
    }
    entry = LogEntry.objects.get(action="create", object_type="plans.Assessment")
    assert entry.object_id == str(assessment.pk)
    assert set(entry.fields) == {"assessed_on", "domain", "rating", "note"}


def test_assessment_detail_shows_the_change_since_the_previous_one(
    client, world, django_assert_max_num_queries
):
    make_assessment(world, "2009-03-01", {"language": (1, ""), "housing": (4, "")})
    make_assessment(
        world, "2009-06-01", {"language": (2, ""), "housing": (4, ""), "health": (2, "")}
    )
    latest = make_assessment(
        world,
        "2009-09-01",
        {"language": (4, NOTE), "housing": (3, ""), "finances": (3, ""), "network": (5, "")},
    )
    previous, rows = services.assessment_changes(latest)
    assert previous.assessed_on == dt.date(2009, 6, 1)  # the one before, not the first
    by_domain = {row["domain"]: row for row in rows}
    assert by_domain["language"]["change"] == "better"
    assert by_domain["language"]["difference"] == 2
    assert by_domain["housing"]["change"] == "worse"
    assert by_domain["health"]["change"] == "dropped"
    assert by_domain["finances"]["change"] == "new"
    client.force_login(world["case_worker"].user)
    with django_assert_max_num_queries(12):
        response = client.get(
            url("assessment_detail", world, prefix="/en", assessment_id=latest.pk)
        )
    content = response.content.decode()
    assert "Less need: from 2 to 4 (+2)" in content
    assert "More need: from 4 to 3 (-1)" in content
    assert "Not rated this time (was 2)" in content
    assert "Not rated before" in content
    assert NOTE in content
    assert '<span aria-hidden="true">↑</span>' in content


def test_the_change_is_computed_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    make_assessment(world, "2009-03-01", dict.fromkeys(Domain.values, (2, "")))
    latest = make_assessment(world, "2009-04-01", dict.fromkeys(Domain.values, (3, "")))
    with django_assert_num_queries(2):
        services.assessment_changes(latest)


def test_first_assessment_has_nothing_to_compare_with(client, world):
    first = make_assessment(world)
    client.force_login(world["case_worker"].user)
    content = client.get(
        url("assessment_detail", world, prefix="/en", assessment_id=first.pk)
    ).content.decode()
    assert "nothing: this is the first assessment" in content
    assert "Change since the previous assessment" not in content


@pytest.mark.parametrize(
    "prefix,expected",
    [("", "Språk"), ("/en", "Language")],
)
@pytest.mark.parametrize("rating", ["0", "6", "x"])
def test_rating_outside_the_scale_names_the_domain_and_saves_nothing(
    client, world, prefix, expected, rating
):
    client.force_login(world["case_worker"].user)
    response = client.post(
        url("assessment_new", world, prefix=prefix),
        assessment_post({"language": (rating, ""), "housing": ("3", "")}),
    )
    assert response.status_code == 200
    assert f"{expected}:" in error_summary(response)
    assert Assessment.objects.count() == AssessmentItem.objects.count() == 0


@pytest.mark.parametrize("prefix,expected", [("", "Bedömning"), ("/en", "Rating")])
def test_no_domain_rated_is_refused(client, world, prefix, expected):
    client.force_login(world["case_worker"].user)
    response = client.post(url("assessment_new", world, prefix=prefix), assessment_post({}))
    assert response.status_code == 200
    assert expected in error_summary(response)
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("prefix,expected", [("", "Bedömningsdatum"), ("/en", "Assessed on")])
@pytest.mark.parametrize("on", ["2010-01-02", "2009-01-31", ""])
def test_assessment_in_the_future_or_before_the_referral_is_refused(
    client, world, prefix, expected, on
):
    client.force_login(world["case_worker"].user)
    response = client.post(
        url("assessment_new", world, prefix=prefix),
        assessment_post({"language": ("3", "")}, on=on),
    )
    assert response.status_code == 200
    assert f"{expected}:" in error_summary(response)
    assert Assessment.objects.count() == 0


def test_a_note_without_a_rating_is_refused_rather_than_lost(client, world):
    client.force_login(world["case_worker"].user)
    response = client.post(
        url("assessment_new", world, prefix="/en"),
        assessment_post({"language": ("3", ""), "housing": ("", "Bor hos sin bror")}),
    )
    assert "Housing:" in error_summary(response)
    assert Assessment.objects.count() == 0


def test_a_double_submitted_assessment_is_saved_once(client, world):
    client.force_login(world["case_worker"].user)
    data = assessment_post({"language": ("3", "")}, based_on=0)
    assert client.post(url("assessment_new", world), data).status_code == 302
    response = client.post(url("assessment_new", world, prefix="/en"), data)
    assert response.status_code == 200
    assert "Another needs assessment was saved" in error_summary(response)
    assert Assessment.objects.count() == 1


def test_record_assessment_service_refuses_bad_input_and_saves_nothing(world):
    user = world["case_worker"].user
    enrolment = world["enrolment"]
    for kwargs, field in [
        ({"assessed_on": dt.date(2010, 1, 2), "ratings": {"language": (3, "")}}, "assessed_on"),
        ({"assessed_on": dt.date(2009, 5, 1), "ratings": {"language": (6, "")}}, "rating_language"),
        ({"assessed_on": dt.date(2009, 5, 1), "ratings": {"language": (0, "")}}, "rating_language"),
        ({"assessed_on": dt.date(2009, 5, 1), "ratings": {}}, "__all__"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.record_assessment(enrolment=enrolment, by=user, **kwargs)
        assert field in error.value.message_dict
    assert Assessment.objects.count() == 0
    assert not LogEntry.objects.filter(object_type="plans.Assessment").exists()


# --- action plan: versions, copy-forward, differences -----------------------------------------


def test_two_saves_make_versions_one_and_two_and_both_are_kept(client, world):
    client.force_login(world["case_worker"].user)
    first = plan_post(
        [
            step_post(world, "Börja SFI kurs C"),
            step_post(
                world,
                "Praktik på lagret",
                responsible_organisation=world["agency"].pk,
                intervention=world["intervention"].pk,
            ),
            step_post(world, "Skriva CV", due_on=""),
        ],
        goals="Få ett arbete inom lager.\nLära mig svenska.",
    )
    response = client.post(url("plan_edit", world), first)
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", world)
    second = plan_post(
        [
            step_post(world, "Börja SFI kurs C", status="done"),
            step_post(world, "Körkortsteori"),
        ],
        goals="Få ett jobb inom lager eller transport.\nLära mig svenska.",
        based_on=1,
    )
    assert client.post(url("plan_edit", world), second).status_code == 302
    v1, v2 = ActionPlan.objects.filter(enrolment=world["enrolment"]).order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.steps.count() == 3 and v2.steps.count() == 2
    assert v1.goals.startswith("Få ett arbete inom lager.")
    assert list(v2.steps.values_list("order", "description", "status")) == [
        (1, "Börja SFI kurs C", "done"),
        (2, "Körkortsteori", "planned"),
    ]
    praktik = v1.steps.get(order=2)
    assert praktik.responsible_organisation == world["agency"]
    assert praktik.intervention == world["intervention"]
    assert v1.steps.get(order=3).due_on is None

    detail = client.get(url("plan_detail", world, prefix="/en")).content.decode()
    assert "Körkortsteori" in detail and "Praktik på lagret" not in detail
    assert "Version 1" in detail and "Version 2" in detail

    diff = client.get(url("plan_version", world, prefix="/en", version=2)).content.decode()
    assert "Changes since version 1" in diff
    assert '<ins><span class="visually-hidden">[added: </span> eller transport<' in diff
    assert '<del><span class="visually-hidden">[removed: </span>arbete<' in diff
    assert ">Removed<" in diff and "Praktik på lagret" in diff
    assert ">Added<" in diff and "Körkortsteori" in diff
    assert "Status: from “Planned” to “Done”" in diff

    first_version = client.get(url("plan_version", world, prefix="/en", version=1))
    assert "This is the first version" in first_version.content.decode()
    entries = LogEntry.objects.filter(object_type="plans.ActionPlan", action="create")
    assert entries.count() == 2
    assert "goals" in entries.first().fields


def test_edit_form_starts_from_the_latest_version(client, world):
    make_plan(world, goals="Gamla mål")
    make_plan(
        world,
        goals="Nya mål om lager",
        steps=[
            step(world, "Studiebesök på lagret", responsible_organisation=world["agency"]),
            step(world, "Truckkort", intervention=world["intervention"], status="in_progress"),
        ],
    )
    client.force_login(world["case_worker"].user)
    response = client.get(url("plan_edit", world))
    content = response.content.decode()
    assert "Nya mål om lager" in content and "Gamla mål" not in content
    formset = response.context["formset"]
    assert len(formset.forms) == 3  # the two steps and an empty row
    assert formset.forms[0].initial["description"] == "Studiebesök på lagret"
    assert formset.forms[0].initial["responsible_organisation"] == world["agency"].pk
    assert formset.forms[1].initial["intervention"] == world["intervention"].pk
    assert formset.forms[1].initial["status"] == "in_progress"
    assert response.context["form"].initial["based_on_version"] == 2


def test_a_new_plan_starts_with_three_empty_steps(client, world):
    client.force_login(world["case_worker"].user)
    response = client.get(url("plan_edit", world))
    assert len(response.context["formset"].forms) == 3
    assert (
        "No action plan has been written yet."
        in client.get(url("plan_detail", world, prefix="/en")).content.decode()
    )


def test_add_another_step_without_javascript_keeps_what_was_typed_and_saves_nothing(client, world):
    client.force_login(world["case_worker"].user)
    data = plan_post(
        [step_post(world, "Börja SFI"), step_post(world, "", responsible_organisation="")],
        goals="Mitt mål",
        add_step="1",
    )
    response = client.post(url("plan_edit", world), data)
    assert response.status_code == 200
    assert ActionPlan.objects.count() == 0
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert formset.forms[0].initial["description"] == "Börja SFI"
    assert "autofocus" in str(formset.forms[2]["description"])
    assert 'role="alert"' not in response.content.decode()  # no errors for an unfinished form
    assert "Mitt mål" in response.content.decode()


def test_empty_rows_are_skipped_and_removed_steps_are_not_saved(client, world):
    client.force_login(world["case_worker"].user)
    data = plan_post(
        [
            step_post(world, "Behålls"),
            step_post(world, "Tas bort", DELETE="on"),
            step_post(world, "", responsible_organisation="", responsible_person="", due_on=""),
        ]
    )
    assert client.post(url("plan_edit", world), data).status_code == 302
    assert list(ActionPlanStep.objects.values_list("description", flat=True)) == ["Behålls"]


@pytest.mark.parametrize(
    "prefix,expected", [("", "Ansvarig organisation"), ("/en", "Responsible organisation")]
)
def test_step_of_an_organisation_not_in_the_project_is_refused(client, world, prefix, expected):
    make_plan(world)
    client.force_login(world["case_worker"].user)
    data = plan_post(
        [
            step_post(world),
            step_post(world, "Jobb", responsible_organisation=world["foreign_organisation"].pk),
        ],
        based_on=1,
    )
    response = client.post(url("plan_edit", world, prefix=prefix), data)
    assert response.status_code == 200
    summary = error_summary(response)
    assert expected in summary and "2" in summary
    assert ActionPlan.objects.count() == 1
    assert ActionPlanStep.objects.count() == 2


@pytest.mark.parametrize("prefix,expected", [("", "Insats"), ("/en", "Intervention")])
def test_intervention_of_another_project_is_refused(client, world, prefix, expected):
    client.force_login(world["case_worker"].user)
    data = plan_post([step_post(world, intervention=world["foreign_intervention"].pk)])
    response = client.post(url("plan_edit", world, prefix=prefix), data)
    assert response.status_code == 200
    assert expected in error_summary(response)
    assert ActionPlan.objects.count() == 0


@pytest.mark.parametrize("prefix,expected", [("", "Klart senast"), ("/en", "Due on")])
def test_due_date_before_the_referral_is_refused(client, world, prefix, expected):
    client.force_login(world["case_worker"].user)
    data = plan_post([step_post(world, due_on="2009-01-15")])
    response = client.post(url("plan_edit", world, prefix=prefix), data)
    assert expected in error_summary(response)
    assert ActionPlan.objects.count() == 0


@pytest.mark.parametrize("prefix,expected", [("", "Mål"), ("/en", "Goals")])
def test_a_plan_needs_goals_and_a_step(client, world, prefix, expected):
    client.force_login(world["case_worker"].user)
    blank = step_post(world, "", responsible_organisation="", responsible_person="", due_on="")
    response = client.post(url("plan_edit", world, prefix=prefix), plan_post([blank], goals=""))
    summary = error_summary(response)
    assert f"{expected}:" in summary
    if prefix:
        assert "Add at least one step to the plan." in summary
    assert ActionPlan.objects.count() == 0


def test_a_double_submitted_plan_is_saved_once(client, world):
    client.force_login(world["case_worker"].user)
    data = plan_post([step_post(world)], based_on=0)
    assert client.post(url("plan_edit", world), data).status_code == 302
    response = client.post(url("plan_edit", world, prefix="/en"), data)
    assert response.status_code == 200
    assert "Version 1 of the plan was saved after you opened this form" in error_summary(response)
    assert ActionPlan.objects.count() == 1


def test_save_plan_version_service_refuses_bad_steps_and_saves_nothing(world, english):
    make_plan(world)
    for bad in (
        step(world, responsible_organisation=world["foreign_organisation"]),
        step(world, intervention=world["foreign_intervention"]),
        step(world, due_on=dt.date(2008, 12, 1)),
        step(world, description=" "),
    ):
        with pytest.raises(ValidationError) as error:
            services.save_plan_version(
                enrolment=world["enrolment"],
                goals="Mål",
                steps=[step(world), bad],
                by=world["case_worker"].user,
            )
        assert "Step 2" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        services.save_plan_version(
            enrolment=world["enrolment"], goals="Mål", steps=[], by=world["case_worker"].user
        )
    assert ActionPlan.objects.count() == 1
    assert ActionPlanStep.objects.count() == 2


def test_organisations_of_the_project_are_owner_partners_and_members(world):
    organisations = set(services.project_organisations(world["project"]))
    assert {world["municipality"], world["agency"], world["provider"].organisation} <= (
        organisations
    )
    assert world["foreign_organisation"] not in organisations
    assert world["outsider"].organisation not in organisations


def test_goals_diff_marks_words_added_and_removed():
    before, after = "Få ett jobb.\nLära mig svenska.", "Få ett bra jobb.\nLära mig mycket svenska!"
    segments = services.goals_diff(before, after)
    assert "".join(text for kind, text in segments if kind != "added") == before
    assert "".join(text for kind, text in segments if kind != "removed") == after
    added = [text.strip() for kind, text in segments if kind == "added"]
    removed = [text.strip() for kind, text in segments if kind == "removed"]
    assert added == ["bra", "mycket", "!"]
    assert removed == ["."]
    assert services.goals_diff("Samma", "Samma") == [("same", "Samma")]


def test_steps_diff_matches_by_description_then_by_similar_description(world):
    before = make_plan(
        world,
        steps=[
            step(world, "Börja SFI kurs C"),
            step(world, "Praktik"),
            step(world, "Skriva CV"),
        ],
    )
    after = make_plan(
        world,
        steps=[
            step(world, "Börja SFI kurs D"),  # edited
            step(world, "Skriva CV"),  # moved up
            step(world, "Praktik", due_on=dt.date(2010, 6, 1)),  # moved down and postponed
            step(world, "Körkortsteori"),
        ],
    )
    rows = services.steps_diff(list(before.steps.all()), list(after.steps.all()))
    kinds = [(row["kind"], (row["after"] or row["before"]).description) for row in rows]
    assert kinds == [
        ("changed", "Börja SFI kurs D"),
        ("changed", "Skriva CV"),
        ("changed", "Praktik"),
        ("added", "Körkortsteori"),
    ]
    assert [(c["before"], c["after"]) for c in rows[0]["changes"]] == [
        ("Börja SFI kurs C", "Börja SFI kurs D")
    ]
    assert {(c["before"], c["after"]) for c in rows[2]["changes"]} == {
        ("2", "3"),
        ("2010-03-01", "2010-06-01"),
    }
    third = make_plan(world, steps=[step(world, "Skriva CV", status="done"), step(world, "Ny")])
    rows = services.steps_diff(list(after.steps.all()), list(third.steps.all()))
    kinds = sorted((row["kind"], (row["after"] or row["before"]).description) for row in rows)
    assert kinds == [
        ("added", "Ny"),
        ("changed", "Skriva CV"),
        ("removed", "Börja SFI kurs D"),
        ("removed", "Körkortsteori"),
        ("removed", "Praktik"),
    ]


# --- agreement --------------------------------------------------------------------------------


def test_case_worker_records_the_agreement_on_a_version(client, filled):
    client.force_login(filled["case_worker"].user)
    response = client.post(
        url("plan_agree", filled, version=1),
        {"agreed_on": "2010-01-01", "agreement_method": "signed"},
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    assert plan.agreed_on == dt.date(2010, 1, 1)
    assert plan.agreement_method == "signed"
    entry = LogEntry.objects.get(object_type="plans.ActionPlan", action="change")
    assert entry.fields == ["agreed_on", "agreement_method"]
    content = client.get(url("plan_detail", filled, prefix="/en")).content.decode()
    assert "Version 1 was agreed with the participant on 2010-01-01 (signed on paper)." in content
    printed = client.get(url("plan_print", filled, prefix="/en", version=1)).content.decode()
    assert "You agreed to this plan on 2010-01-01 (signed on paper)." in printed


def test_agreement_through_htmx_returns_the_section(client, filled):
    client.force_login(filled["case_worker"].user)
    response = client.post(
        url("plan_agree", filled, prefix="/en", version=1),
        {"agreed_on": "2010-01-01", "agreement_method": "verbal"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "The agreement was recorded." in content
    assert ActionPlan.objects.get().agreement_method == "verbal"


@pytest.mark.parametrize(
    "prefix,expected",
    [("", "Överenskommen med deltagaren den"), ("/en", "Agreed with the participant on")],
)
@pytest.mark.parametrize("on", ["2010-01-02", ""])
def test_agreement_in_the_future_is_refused(client, filled, prefix, expected, on):
    client.force_login(filled["case_worker"].user)
    response = client.post(
        url("plan_agree", filled, prefix=prefix, version=1),
        {"agreed_on": on, "agreement_method": "signed"},
    )
    assert response.status_code == 200
    assert f"{expected}:" in error_summary(response)
    assert ActionPlan.objects.get().agreed_on is None


@pytest.mark.parametrize(
    "prefix,expected",
    [("", "Hur överenskommelsen gjordes"), ("/en", "How it was agreed")],
)
def test_agreement_needs_a_known_method(client, filled, prefix, expected):
    client.force_login(filled["case_worker"].user)
    response = client.post(
        url("plan_agree", filled, prefix=prefix, version=1),
        {"agreed_on": "2010-01-01", "agreement_method": "telepathy"},
    )
    assert expected in error_summary(response)
    assert ActionPlan.objects.get().agreed_on is None


def test_agreement_before_the_version_was_saved_is_refused(filled):
    plan = filled["plan"]
    ActionPlan.objects.filter(pk=plan.pk).update(
        created_at=dt.datetime(2009, 11, 1, 12, tzinfo=dt.UTC)
    )
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.record_agreement(
            plan=plan,
            agreed_on=dt.date(2009, 10, 31),
            agreement_method="digital",
            by=filled["case_worker"].user,
        )
    assert "agreed_on" in error.value.message_dict
    services.record_agreement(
        plan=plan,
        agreed_on=dt.date(2009, 11, 1),
        agreement_method="digital",
        by=filled["case_worker"].user,
    )


# --- printable plan ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix,lang,title", [("", "sv", "Framtid i Fokus"), ("/en", "en", "Future in Focus")]
)
def test_printable_plan_in_the_page_language_without_identity_number(
    client, filled, prefix, lang, title
):
    client.force_login(filled["case_worker"].user)
    response = client.get(url("plan_print", filled, prefix=prefix, version=1))
    content = response.content.decode()
    assert f'<html lang="{lang}">' in content
    assert "Amina Yusuf" in content and title in content
    assert "Mats Johansson" in content and "040-34 10 00" in content
    assert "Börja SFI kurs C" in content
    assert IDENTITY not in content and IDENTITY[2:8] not in content
    assert "css/plans.css" in content
    assert 'class="project-nav"' not in content
    if lang == "en":
        for words in ("Your goals", "What happens next", "Who helps you", "By when"):
            assert words in content
    assert LogEntry.objects.filter(
        object_type="plans.ActionPlan", action="view", reason="printable plan"
    ).exists()


# --- the audit log holds no personal data -----------------------------------------------------


def test_audit_entries_hold_no_notes_goals_or_names(client, world):
    client.force_login(world["case_worker"].user)
    client.post(url("assessment_new", world), assessment_post({"language": ("2", NOTE)}))
    client.post(url("plan_edit", world), plan_post([step_post(world)], goals="Hemligt mål"))
    client.post(
        url("plan_agree", world, version=1),
        {"agreed_on": "2010-01-01", "agreement_method": "verbal"},
    )
    client.get(url("plan_print", world, version=1))
    entries = list(LogEntry.objects.all())
    assert {e.object_type for e in entries} >= {"plans.Assessment", "plans.ActionPlan"}
    dump = " ".join(
        f"{e.object_type} {e.object_id} {e.fields} {e.reason} {e.user_label}" for e in entries
    )
    for secret in (NOTE, "Hemligt mål", "Amina", "Yusuf", "Börja SFI", "Amira", IDENTITY):
        assert secret not in dump
