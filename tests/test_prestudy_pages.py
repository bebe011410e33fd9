"""The pre-study's working pages (prestudy/views.py): a pre-study manager keeps the stakeholder
register, the events and who took part, the proposed activities, the risk register with its
matrix, the gender-equality SWOT, the accessibility plan, the target-group mapping and the
checklist through the pages — each write audited — and the pre-study goals count what was
entered there.

Bad input shows its message at the field and saves nothing (an event outside the project's
period, a likelihood of 7, a target group mapped twice, another project's stakeholder named in
a crafted POST, a checklist item its register does not back). A case worker reads but may not
write (403); another project's entry is a 404. Pages are requested in English (/en/)."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, Project, Role, TargetGroup
from goals.engine import evaluate_project
from goals.services import create_goal
from interventions.models import InterventionCategory
from prestudy import checklist
from prestudy.models import (
    AccessibilityMeasure,
    Deliverable,
    ProposedActivity,
    Risk,
    Stakeholder,
    SwotItem,
    TargetGroupMapping,
    Workshop,
)

from .factories import MembershipFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def url(name, project, **kwargs):
    with translation.override("en"):
        return reverse(f"prestudy:{name}", kwargs={"project_id": project.pk, **kwargs})


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def error_at(response, field_id: str) -> str:
    """The text of the error list tied to the field (templates/includes/field.html and the
    fieldset of a group of checkboxes)."""
    match = re.search(
        rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', response.text, re.S
    )
    assert match, f"no error at {field_id}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def logged(action, model) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(action=action, object_type=model._meta.label).order_by("seq")
    )


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    owner = OrganisationFactory(name="Malmö stad")
    project = ProjectFactory(
        title="Samverkan för storstadsintegration",
        owner=owner,
        phase=Project.Phase.PRE_STUDY,
        starts_on=dt.date(2009, 1, 1),
        ends_on=dt.date(2010, 12, 31),
    )
    manager = MembershipFactory(project=project, organisation=owner, role=Role.MANAGER)
    young = TargetGroup.objects.create(project=project, code="unga", name="Unga vuxna")
    long_term = TargetGroup.objects.create(
        project=project, code="langtid", name="Långtidsarbetslösa"
    )
    other = ProjectFactory(title="Annat projekt")
    theirs = Stakeholder.objects.create(project=other, name="Deras förening", kind="resident")
    return {
        "project": project,
        "owner": owner,
        "manager": manager,
        "young": young,
        "long_term": long_term,
        "other": other,
        "theirs": theirs,
    }


@pytest.fixture
def client(client, world):
    client.force_login(world["manager"].user)
    return client


def stakeholder(project, name="Hyresgästföreningen", kind="interest_organisation"):
    return Stakeholder.objects.create(project=project, name=name, kind=kind)


# --- a manager records every register through the pages -----------------------------------------


def test_a_manager_records_stakeholders_and_an_event_with_two_participants(client, world):
    project = world["project"]
    for name, kind in (("Arbetsförmedlingen Malmö", "authority"), ("Bygg AB", "company")):
        response = client.post(
            url("stakeholder_add", project),
            {"name": name, "kind": kind, "contact": "enhetschef", "notes": ""},
        )
        assert response.status_code == 302, response.content
        assert response["Location"] == url("stakeholders", project)
    first, second = Stakeholder.objects.filter(project=project).order_by("name")
    assert (first.name, first.kind, first.contact) == (
        "Arbetsförmedlingen Malmö",
        "authority",
        "enhetschef",
    )
    created = logged(LogEntry.Action.CREATE, Stakeholder)
    assert [entry.object_id for entry in created] == [str(first.pk), str(second.pk)]
    assert created[0].fields == ["contact", "kind", "name"]
    assert created[0].project_id == project.pk

    response = client.post(
        url("event_add", project),
        {
            "title": "Workshop om praktikplatser",
            "kind": "workshop",
            "held_on": "2009-03-12",
            "stakeholders": [first.pk, second.pk],
        },
    )
    assert response.status_code == 302
    event = Workshop.objects.get(project=project)
    assert set(event.stakeholders.all()) == {first, second}
    (entry,) = logged(LogEntry.Action.CREATE, Workshop)
    assert "stakeholders" in entry.fields

    page = text_of(client.get(url("stakeholders", project)))
    assert "Workshop om praktikplatser (2009-03-12)" in page
    events_page = text_of(client.get(url("events", project)))
    assert "2 stakeholders: Arbetsförmedlingen Malmö, Bygg AB" in events_page


def test_a_manager_proposes_an_activity_listed_by_its_translated_category(client, world):
    project = world["project"]
    partner = stakeholder(project)
    internship = InterventionCategory.objects.get(code="internship")
    response = client.post(
        url("activity_add", project),
        {
            "title": "Praktik i bostadsbolag",
            "category": internship.pk,
            "description": "Tre månaders praktik.",
            "target_groups": [world["young"].pk],
            "proposed_by": [partner.pk],
            "estimated_volume": "40",
        },
    )
    assert response.status_code == 302, response.content
    activity = ProposedActivity.objects.get(project=project)
    assert activity.category == internship and activity.estimated_volume == 40
    assert list(activity.target_groups.all()) == [world["young"]]
    assert list(activity.proposed_by.all()) == [partner]
    assert logged(LogEntry.Action.CREATE, ProposedActivity)

    response = client.get(url("activities", project))
    with translation.override("en"):
        english = str(internship)
    assert english != internship.code
    page = text_of(response)
    assert f"{english} (1 activity)" in page
    assert "40 participants" in page and "Unga vuxna" in page and partner.name in page
    assert internship.code not in page


def test_a_manager_records_risks_shown_in_the_matrix_and_the_list_by_score(client, world):
    project = world["project"]
    # Scores 5, 9 and 4: neither likelihood nor impact alone gives the order of the scores.
    for description, likelihood, impact in (
        ("Få praktikplatser", 5, 1),
        ("Svag samverkan", 3, 3),
        ("Personalbyte", 1, 4),
    ):
        response = client.post(
            url("risk_add", project),
            {
                "description": description,
                "likelihood": likelihood,
                "impact": impact,
                "mitigation": "Avtal tidigt",
                "owner": "projektledare",
                "status": "open",
                "assessed_on": "2009-04-01",
                "review_on": "2009-10-01",
            },
        )
        assert response.status_code == 302, response.content
    assert Risk.objects.filter(project=project).count() == 3
    assert len(logged(LogEntry.Action.CREATE, Risk)) == 3

    response = client.get(url("risks", project))
    # The most serious first.
    assert [row["risk"].description for row in response.context["risks"]] == [
        "Svag samverkan",
        "Få praktikplatser",
        "Personalbyte",
    ]
    matrix = response.context["matrix"]
    assert [row["likelihood"] for row in matrix] == [5, 4, 3, 2, 1]
    cells = {(r["likelihood"], c["impact"]): c for r in matrix for c in r["cells"]}
    assert [cells[5, 1]["count"], cells[3, 3]["count"], cells[1, 4]["count"]] == [1, 1, 1]
    assert sum(cell["count"] for cell in cells.values()) == 3
    assert cells[5, 5]["band"]["code"] == "very-high" and cells[3, 3]["band"]["code"] == "medium"
    # A real table whose cells say their band in words, not by colour alone.
    page = response.text
    assert '<th scope="col">Impact 5</th>' in page and '<th scope="row">Likelihood 3</th>' in page
    assert re.search(r'risk-medium has-risks">\s*<span class="risk-count">1 risk</span>\s*'
                     r'<span class="risk-band">Medium \(9\)</span>', page)  # fmt: skip
    assert re.search(r'risk-very-high">\s*<span class="risk-count">0 risks</span>\s*'
                     r'<span class="risk-band">Very high \(25\)</span>', page)  # fmt: skip
    assert "css/prestudy.css" in page  # with the print stylesheet


def test_a_manager_fills_the_swot_the_accessibility_plan_and_the_mapping(client, world):
    project = world["project"]
    response = client.post(
        url("swot_add", project),
        {"quadrant": "strength", "text": "Kvinnor i styrgruppen", "recorded_on": "2009-05-01"},
    )
    assert response.status_code == 302, response.content
    assert SwotItem.objects.get(project=project).quadrant == "strength"
    assert "Kvinnor i styrgruppen" in text_of(client.get(url("swot", project)))

    response = client.post(
        url("measure_add", project),
        {
            "aspect": "information",
            "barrier": "Information bara på svenska",
            "measure": "Översätt till arabiska och somaliska",
            "responsible": "kommunikatör",
            "due_on": "2009-06-30",
        },
    )
    assert response.status_code == 302, response.content
    measure = AccessibilityMeasure.objects.get(project=project)
    assert measure.done_on is None and measure.due_on == dt.date(2009, 6, 30)
    page = text_of(client.get(url("accessibility", project)))
    assert "Information and communication" in page and "Översätt till arabiska" in page

    response = client.post(
        url("mapping_add", project),
        {
            "target_group": world["young"].pk,
            "estimated_size": "1200",
            "women": "500",
            "men": "600",
            "findings": "Många saknar gymnasieexamen.",
            "source": "SCB 2009",
            "mapped_on": "2009-05-15",
        },
    )
    assert response.status_code == 302, response.content
    mapping = TargetGroupMapping.objects.get(project=project)
    assert (mapping.women, mapping.men, str(mapping.women_share)) == (500, 600, "45.5")
    assert logged(LogEntry.Action.CREATE, TargetGroupMapping)[0].fields == [
        "estimated_size",
        "findings",
        "mapped_on",
        "men",
        "source",
        "target_group",
        "women",
        "women_share",
    ]
    page = text_of(client.get(url("mappings", project)))
    assert "Unga vuxna" in page and "45.5 %" in page
    assert "Not mapped yet: Långtidsarbetslösa" in page


def test_changing_and_removing_an_entry_is_audited(client, world):
    project = world["project"]
    entry = stakeholder(project)
    response = client.post(
        url("stakeholder_edit", project, stakeholder_id=entry.pk),
        {"name": entry.name, "kind": "civil_society", "contact": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.kind == "civil_society"
    (change,) = logged(LogEntry.Action.CHANGE, Stakeholder)
    assert change.fields == ["kind"]

    # GET asks first; the POST removes.
    remove = url("stakeholder_remove", project, stakeholder_id=entry.pk)
    confirm = client.get(remove)
    assert confirm.status_code == 200 and "Remove “Hyresgästföreningen”" in text_of(confirm)
    assert Stakeholder.objects.filter(pk=entry.pk).exists()
    assert client.post(remove).status_code == 302
    assert not Stakeholder.objects.filter(pk=entry.pk).exists()
    (delete,) = logged(LogEntry.Action.DELETE, Stakeholder)
    assert delete.object_id == str(entry.pk) and delete.project_id == project.pk


def test_a_manager_records_a_checklist_item_done(client, world):
    project = world["project"]
    Risk.objects.create(
        project=project, description="R", likelihood=2, impact=2, assessed_on=dt.date(2009, 2, 1)
    )
    response = client.post(
        url("checklist_item", project, item="risk_analysis"),
        {"done_on": "2009-06-01", "evidence": "Riskanalys, dnr 2009/12"},
    )
    assert response.status_code == 302, response.content
    deliverable = Deliverable.objects.get(project=project, item="risk_analysis")
    assert deliverable.done_on == dt.date(2009, 6, 1)
    assert checklist.status(project.pk)["risk_analysis"]["done"]
    (entry,) = logged(LogEntry.Action.CREATE, Deliverable)
    assert entry.fields == ["done_on", "evidence"]
    page = text_of(client.get(url("checklist", project)))
    assert "1 of 6 items done." in page and "Riskanalys, dnr 2009/12" in page

    # Recorded not done again: the date is cleared, the same row changed.
    client.post(
        url("checklist_item", project, item="risk_analysis"), {"done_on": "", "evidence": ""}
    )
    deliverable.refresh_from_db()
    assert deliverable.done_on is None
    assert Deliverable.objects.filter(project=project).count() == 1
    assert not checklist.status(project.pk)["risk_analysis"]["done"]


# --- bad input: a message at the field, nothing saved ---------------------------------------------


def test_an_event_outside_the_projects_period_is_refused(client, world):
    project = world["project"]
    people = [stakeholder(project, "A", "authority"), stakeholder(project, "B", "company")]
    response = client.post(
        url("event_add", project),
        {
            "title": "Sen workshop",
            "kind": "workshop",
            "held_on": "2011-03-01",
            "stakeholders": [p.pk for p in people],
        },
    )
    assert response.status_code == 200
    assert error_at(response, "id_held_on") == (
        "The date must lie within the project's period, 2009-01-01–2010-12-31."
    )
    assert not Workshop.objects.exists()
    assert not logged(LogEntry.Action.CREATE, Workshop)


def test_a_likelihood_of_seven_is_refused(client, world):
    project = world["project"]
    response = client.post(
        url("risk_add", project),
        {
            "description": "Få praktikplatser",
            "likelihood": "7",
            "impact": "3",
            "status": "open",
            "assessed_on": "2009-04-01",
        },
    )
    assert response.status_code == 200
    assert error_at(response, "id_likelihood") == "Ensure this value is less than or equal to 5."
    assert "error-summary" in response.text
    assert not Risk.objects.exists()


def test_a_target_group_mapped_twice_is_refused_at_its_field(client, world):
    project = world["project"]
    data = {"target_group": world["young"].pk, "findings": "Fynd", "mapped_on": "2009-05-15"}
    assert client.post(url("mapping_add", project), data).status_code == 302
    response = client.post(url("mapping_add", project), {**data, "findings": "Igen"})
    assert response.status_code == 200
    assert error_at(response, "id_target_group") == (
        "This target group is already mapped: change its mapping instead."
    )
    assert TargetGroupMapping.objects.get(project=project).findings == "Fynd"


def test_women_and_men_beyond_the_estimated_size_are_refused(client, world):
    response = client.post(
        url("mapping_add", world["project"]),
        {
            "target_group": world["young"].pk,
            "estimated_size": "100",
            "women": "60",
            "men": "50",
            "findings": "Fynd",
            "mapped_on": "2009-05-15",
        },
    )
    assert response.status_code == 200
    assert "more than the estimated size" in error_at(response, "id_men")
    assert not TargetGroupMapping.objects.exists()


def test_another_projects_stakeholder_or_target_group_in_a_crafted_post_is_a_form_error(
    client, world
):
    project, theirs = world["project"], world["theirs"]
    mine = stakeholder(project)
    response = client.post(
        url("event_add", project),
        {
            "title": "Workshop",
            "kind": "workshop",
            "held_on": "2009-03-12",
            "stakeholders": [mine.pk, theirs.pk],
        },
    )
    assert response.status_code == 200
    assert "not one of the available choices" in error_at(response, "id_stakeholders")
    assert not Workshop.objects.exists()
    # The form offers only the project's own.
    form_page = client.get(url("event_add", project)).text
    assert mine.name in form_page and theirs.name not in form_page

    their_group = TargetGroup.objects.create(project=world["other"], code="x", name="Deras grupp")
    response = client.post(
        url("mapping_add", project),
        {"target_group": their_group.pk, "findings": "Fynd", "mapped_on": "2009-05-15"},
    )
    assert response.status_code == 200
    assert "not one of the available choices" in error_at(response, "id_target_group")
    assert not TargetGroupMapping.objects.exists()


def test_a_checklist_item_its_register_does_not_back_is_refused(client, world):
    project = world["project"]
    item = url("checklist_item", project, item="gender_swot")
    done = {"done_on": "2009-06-01", "evidence": "SWOT-protokoll"}
    response = client.post(item, done)
    assert response.status_code == 200
    with translation.override("en"):
        needs = str(checklist.REGISTER_NEEDS["gender_swot"])
    assert needs in text_of(response)
    assert not Deliverable.objects.filter(project=project, done_on__isnull=False).exists()

    # Three quadrants are not enough; all four are.
    for quadrant in ("strength", "weakness", "opportunity"):
        SwotItem.objects.create(
            project=project, quadrant=quadrant, text=quadrant, recorded_on=dt.date(2009, 5, 1)
        )
    assert client.post(item, done).status_code == 200
    SwotItem.objects.create(
        project=project, quadrant="threat", text="Hot", recorded_on=dt.date(2009, 5, 1)
    )
    assert client.post(item, done).status_code == 302
    assert checklist.status(project.pk)["gender_swot"]["done"]


def test_an_unknown_checklist_item_is_404(client, world):
    assert client.get(url("checklist_item", world["project"], item="nonsense")).status_code == 404


# --- who may --------------------------------------------------------------------------------------


def test_a_case_worker_reads_the_registers_but_may_not_write(client, world):
    project = world["project"]
    entry = stakeholder(project)
    case_worker = MembershipFactory(
        project=project, organisation=world["owner"], role=Role.CASE_WORKER
    )
    client.force_login(case_worker.user)
    for name in (
        "index",
        "stakeholders",
        "events",
        "activities",
        "risks",
        "swot",
        "accessibility",
        "mappings",
        "checklist",
    ):
        response = client.get(url(name, project))
        assert response.status_code == 200, name
        assert url("stakeholder_add", project) not in response.text, name
    assert entry.name in client.get(url("stakeholders", project)).text
    assert client.get(url("stakeholder_add", project)).status_code == 403
    response = client.post(url("stakeholder_add", project), {"name": "Ny", "kind": "company"})
    assert response.status_code == 403
    remove = url("stakeholder_remove", project, stakeholder_id=entry.pk)
    assert client.post(remove).status_code == 403
    assert client.get(url("checklist_item", project, item="risk_analysis")).status_code == 403
    assert list(Stakeholder.objects.filter(project=project)) == [entry]


def test_another_projects_entry_is_404(client, world):
    project, theirs = world["project"], world["theirs"]
    assert client.get(url("stakeholder_edit", project, stakeholder_id=theirs.pk)).status_code == 404
    remove = url("stakeholder_remove", project, stakeholder_id=theirs.pk)
    assert client.post(remove).status_code == 404
    assert Stakeholder.objects.filter(pk=theirs.pk).exists()
    their_risk = Risk.objects.create(
        project=world["other"],
        description="R",
        likelihood=1,
        impact=1,
        assessed_on=dt.date(2009, 2, 1),
    )
    response = client.post(
        url("risk_edit", project, risk_id=their_risk.pk),
        {"description": "Ändrad", "likelihood": 5, "impact": 5, "status": "open",
         "assessed_on": "2009-04-01"},
    )  # fmt: skip
    assert response.status_code == 404
    their_risk.refresh_from_db()
    assert their_risk.likelihood == 1
    # The other project's own pages: not a member, so its existence is not revealed.
    assert client.get(url("index", world["other"])).status_code == 404


# --- the overview ---------------------------------------------------------------------------------


def test_the_overview_counts_the_registers_and_links_pre_study_and_implementation(client, world):
    project = world["project"]
    people = [stakeholder(project, "A", "authority"), stakeholder(project, "B", "authority")]
    stakeholder(project, "C", "resident")
    event = Workshop.objects.create(
        project=project, title="W", kind="workshop", held_on=dt.date(2009, 3, 1)
    )
    event.stakeholders.set(people[:1])
    ProposedActivity.objects.create(
        project=project, title="P", category=InterventionCategory.objects.get(code="internship")
    )
    response = client.get(url("index", project))
    assert response.status_code == 200
    counts = {register.list_name: n for register, n in response.context["registers"]}
    assert counts["stakeholders"] == 3 and counts["events"] == 1 and counts["activities"] == 1
    assert counts["risks"] == 0
    by_kind = {row["kind"]: (row["registered"], row["took_part"])
               for row in response.context["stakeholders_by_kind"]}  # fmt: skip
    assert by_kind == {"authority": (2, 1), "resident": (1, 0)}
    page = text_of(response)
    assert "Stakeholders : 3 entries" in page
    assert "0 of 6 items done." in page
    # The manager of a pre-study may carry it into an implementation project; a case worker not.
    with translation.override("en"):
        start = reverse("implementation:start", args=[project.pk])
    assert f'href="{start}"' in response.text
    case_worker = MembershipFactory(
        project=project, organisation=world["owner"], role=Role.CASE_WORKER
    )
    client.force_login(case_worker.user)
    assert f'href="{start}"' not in client.get(url("index", project)).text
    client.force_login(world["manager"].user)

    implementation = ProjectFactory(title="Genomförande", prestudy=project)
    MembershipFactory(
        project=implementation, user=world["manager"].user, organisation=world["owner"],
        role=Role.MANAGER,
    )  # fmt: skip
    assert "Genomförande" in text_of(client.get(url("index", project)))
    back = client.get(url("index", implementation))
    assert f'href="{url("index", project)}"' in back.text
    # A member of the pre-study only sees the implementation's title, not a link to a 404.
    client.force_login(case_worker.user)
    page = client.get(url("index", project)).text
    assert "Genomförande" in page
    assert f'href="{reverse("core:project_detail", args=[implementation.pk])}"' not in page


# --- the goals count what the pages recorded ------------------------------------------------------


def test_the_pre_study_goals_count_what_was_entered_through_the_pages(client, world):
    project, user = world["project"], world["manager"].user
    create_goal(
        project=project,
        key="stakeholders",
        title="Minst 2 aktörer deltar",
        template="stakeholder_count",
        parameters={"target": 2},
        by=user,
    )
    create_goal(
        project=project,
        key="activities",
        title="Minst 2 aktiviteter",
        template="activity_count",
        parameters={"target": 2},
        by=user,
    )
    for name, kind in (("A", "authority"), ("B", "company"), ("C", "resident")):
        client.post(url("stakeholder_add", project), {"name": name, "kind": kind})
    ids = list(
        Stakeholder.objects.filter(project=project, name__in=["A", "B"]).values_list(
            "pk", flat=True
        )
    )
    client.post(
        url("event_add", project),
        {"title": "W", "kind": "focus_group", "held_on": "2009-03-01", "stakeholders": ids},
    )
    for title, code in (("Praktik", "internship"), ("Uppsökande", "outreach")):
        client.post(
            url("activity_add", project),
            {"title": title, "category": InterventionCategory.objects.get(code=code).pk},
        )
    results = {result.key: result for result in evaluate_project(project)}
    took_part = results["stakeholders"]
    assert (took_part.numerator, took_part.denominator, took_part.status) == (2, 3, "met")
    assert took_part.breakdown["kind"]["resident"].numerator == 0
    proposed = results["activities"]
    assert (proposed.numerator, proposed.status) == (2, "met")
    assert set(proposed.breakdown["category"]) == {"internship", "outreach"}


def test_recording_a_checklist_item_refreshes_the_goal_shown_elsewhere(client, world):
    """The dashboard, portfolio and public page read the stored summary: recording an item done
    on the checklist page must make it stale, so the goal shows what the page shows."""
    from goals import summaries

    from .test_goal_summaries import fresh

    project, user = world["project"], world["manager"].user
    create_goal(
        project=project,
        key="checklist",
        title="Förstudien klar",
        template="prestudy_checklist",
        parameters={"items": ["risk_analysis"]},
        by=user,
    )
    Risk.objects.create(
        project=project, description="R", likelihood=2, impact=2, assessed_on=project.starts_on
    )
    summaries.refresh(project)
    assert fresh(project)
    response = client.post(
        url("checklist_item", project, item="risk_analysis"),
        {"done_on": project.starts_on.isoformat(), "evidence": "Protokoll"},
    )
    assert response.status_code == 302
    assert not fresh(project)
    summaries.refresh(project)
    (result,) = summaries.goal_results(project)
    assert (result.numerator, result.status) == (1, "met")
