"""The area programme's pages (areas/): households self-sufficient overall, by area and over
time, context statistics as a trend, local initiatives, and households with their own pages.

The figures are asked of areas/figures.py by the page; here they are checked against a naive
count of the rule (enrolments/households.py) written out in Python, through the pages as a
user meets them."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas import figures
from core.models import Area, AreaStatistic, LocalInitiative, LogEntry, Municipality, Project, Role
from enrolments.models import OutcomeStatus, Status
from participants.models import Household, Participant

from .disclosure_attack import recoverable_small_sets
from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
SELF_SUFFICIENT = ("salary", "study_allowance", "unemployment_insurance")


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = "2011-06-01"
    settings.SUPPRESSION_THRESHOLD = 3


def url(name, project, *args, query=""):
    with translation.override("en"):
        return reverse(f"areas:{name}", args=[project.pk, *args]) + query


def client_for(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def member(household, project, exit=None, *, exited_on=None):
    """A participant of the household enrolled in `project`: still enrolled (exit None) or
    exited with the given income source."""
    participant = ParticipantFactory(household=household)
    fields = {"status": Status.ACTIVE}
    if exit is not None:
        fields = {
            "status": Status.EXITED,
            "exited_on": exited_on or D(2010, 5, 1),
            "exit_reason": "completed",
            "exit_status": OutcomeStatus.EMPLOYED_FULL_TIME,
            "exit_income_source": exit,
        }
    return EnrolmentFactory(project=project, participant=participant, **fields)


def household(project, area, reference, members=(), **fields):
    """members: [(exit income or None, exit date)]."""
    found = Household.objects.create(
        project=project,
        reference=reference,
        area=area,
        adults=max(1, len(members)),
        contacted_on=fields.pop("contacted_on", D(2009, 3, 1)),
        **fields,
    )
    for exit, on in members:
        member(found, project, exit, exited_on=on)
    return found


def programme_world(suffix=""):
    """A programme with two area parts, North and South, and households in both."""
    municipality = Municipality.objects.get(name="Malmö")
    programme = ProjectFactory(kind=Project.Kind.PROGRAMME, title="Programmet")
    north = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, title="Norra delen")
    south = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme, title="Södra delen")
    north_area = Area.objects.create(name=f"Norr{suffix}", municipality=municipality)
    south_area = Area.objects.create(name=f"Söder{suffix}", municipality=municipality)
    north.areas.add(north_area)
    south.areas.add(south_area)
    q1, q3 = D(2010, 2, 10), D(2010, 8, 20)
    household(north, north_area, "N-1", [("salary", q1), ("study_allowance", q3)])  # yes, Q3
    household(north, north_area, "N-2", [("salary", q1)])  # yes, Q1
    household(north, north_area, "N-3", [("salary", q1), ("social_assistance", q3)])  # no
    household(north, north_area, "N-4", [(None, None)])  # no: still enrolled
    household(north, north_area, "N-5", [])  # no registered member: unknown
    household(south, south_area, "S-1", [("unemployment_insurance", q3)])  # yes, Q3
    household(south, south_area, "S-2", [("none", q1)])  # no: exited without an income
    manager = MembershipFactory(project=programme, role=Role.MANAGER)
    MembershipFactory(project=north, user=manager.user, role=Role.MANAGER)
    return {
        "programme": programme,
        "north": north,
        "south": south,
        "areas": (north_area, south_area),
        "manager": manager,
    }


def naive(project) -> dict:
    """The rule written out over Python objects: a household is self-sufficient when it has a
    member and every member has an exited enrolment in the counted projects with an income
    other than social assistance or none; since the last member's exit."""
    ids = project.counted_project_ids()
    found = {}
    for h in Household.objects.filter(project_id__in=ids):
        members = list(Participant.objects.filter(household=h))
        exits = [
            [
                e
                for e in m.enrolments.filter(project_id__in=ids)
                if e.status in (Status.EXITED, Status.FOLLOWED_UP)
            ]
            for m in members
        ]
        yes = bool(members) and all(
            any(e.exit_income_source not in ("social_assistance", "none", "") for e in es)
            for es in exits
        )
        on = max((e.exited_on for es in exits for e in es), default=None) if yes else None
        found[h.pk] = {"area": h.area_id, "yes": yes, "missing": not members, "on": on}
    return found


def quarter_of(day):
    return D(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- the index ----------------------------------------------------------------------------------


def test_the_programme_shows_n_of_m_households_self_sufficient_by_area_and_over_time():
    world = programme_world()
    programme = world["programme"]
    expected = naive(programme)
    n = sum(1 for h in expected.values() if h["yes"])
    assert (n, len(expected)) == (3, 7)

    response = client_for(world["manager"]).get(url("index", programme))
    assert response.status_code == 200
    page = text(response)
    assert f"{n} of {len(expected)} households self-sufficient" in page
    north_area, south_area = world["areas"]
    by_area = response.context["figures"].by_area
    assert (by_area[north_area.pk].self_sufficient, by_area[north_area.pk].total) == (2, 5)
    assert (by_area[south_area.pk].self_sufficient, by_area[south_area.pk].total) == (1, 2)
    assert by_area[north_area.pk].missing == 1
    assert "2 of 5 households self-sufficient" in page and "1 of 2 households" in page

    # Over time: by the quarter the last member left, the running total ending at N.
    overall = response.context["overall_series"]
    assert [(q.label, q.count, q.cumulative) for q in overall.quarters] == [
        ("2010 Q1", 1, 1),
        ("2010 Q2", 0, 1),
        ("2010 Q3", 2, 3),
    ]
    assert overall.last_cumulative == n
    north = response.context["figures"].series[north_area.pk]
    assert [q.count for q in north.quarters] == [1, 0, 1] and north.last_cumulative == 2
    assert "Households that became self-sufficient, by quarter: Norr" in page


def test_an_area_part_shows_its_own_area_only():
    world = programme_world()
    north = world["north"]
    response = client_for(world["manager"]).get(url("index", north))
    assert response.status_code == 200
    labels = [s["label"] for s in response.context["sections"]]
    assert labels == ["Norr"]
    assert "2 of 5 households self-sufficient" in text(response)
    assert "Söder" not in text(response)


def test_a_statistic_added_through_the_page_shows_in_the_area_trend():
    world = programme_world()
    programme, (north_area, _south) = world["programme"], world["areas"]
    client = client_for(world["manager"])
    AreaStatistic.objects.create(area=north_area, year=2009, employment_rate=40, source="SCB")
    response = client.post(
        url("statistic_add", programme),
        {
            "area": north_area.pk,
            "year": 2010,
            "population_20_64": 3100,
            "employment_rate": "43.5",
            "social_assistance_share": "21.0",
            "source": "SCB",
        },
    )
    assert response.status_code == 302
    saved = AreaStatistic.objects.get(area=north_area, year=2010)
    assert LogEntry.objects.filter(
        object_type="core.AreaStatistic", object_id=str(saved.pk), action="create"
    ).exists()

    page = client.get(url("index", programme))
    section = next(s for s in page.context["sections"] if s["area"] == north_area)
    assert [s.year for s in section["statistics"]] == [2009, 2010]
    employment = next(c for c in section["charts"] if c["id"].endswith("employment_rate"))
    # The line climbs from 2009 to 2010 (SVG y grows downwards), and says so in words.
    first, second = employment["chart"]["points"]
    assert first["y"] > second["y"]
    assert "From 40.0 % in 2009 to 43.5 % in 2010." == employment["desc"]
    html = page.content.decode()
    assert 'role="img"' in html and "Employment rate in Norr" in html
    assert "43.5 %" in text(page)


def test_the_same_area_and_year_twice_is_refused_and_nothing_saved():
    world = programme_world()
    programme, (north_area, _south) = world["programme"], world["areas"]
    AreaStatistic.objects.create(area=north_area, year=2010, population_20_64=3000)
    client = client_for(world["manager"])
    response = client.post(
        url("statistic_add", programme),
        {"area": north_area.pk, "year": 2010, "population_20_64": 3300},
    )
    assert response.status_code == 200
    assert "Norr already has statistics for 2010" in str(response.context["form"].errors["year"])
    assert AreaStatistic.objects.get(area=north_area, year=2010).population_20_64 == 3000
    assert AreaStatistic.objects.filter(area=north_area).count() == 1


def test_a_share_over_100_is_a_field_error():
    world = programme_world()
    programme, (north_area, _south) = world["programme"], world["areas"]
    response = client_for(world["manager"]).post(
        url("statistic_add", programme),
        {"area": north_area.pk, "year": 2011, "employment_rate": "101"},
    )
    assert response.status_code == 200
    assert "between 0 and 100" in str(response.context["form"].errors["employment_rate"])
    assert not AreaStatistic.objects.filter(area=north_area).exists()


def test_only_the_projects_areas_can_be_chosen_and_another_areas_statistic_is_404():
    world = programme_world()
    programme = world["programme"]
    elsewhere = Area.objects.create(
        name="Annanstans", municipality=Municipality.objects.get(name="Malmö")
    )
    other = AreaStatistic.objects.create(area=elsewhere, year=2010, population_20_64=1)
    client = client_for(world["manager"])
    response = client.post(
        url("statistic_add", programme), {"area": elsewhere.pk, "year": 2012, "source": "x"}
    )
    assert "area" in response.context["form"].errors
    assert client.get(url("statistic_edit", programme, other.pk)).status_code == 404
    assert client.post(url("statistic_remove", programme, other.pk)).status_code == 404
    assert AreaStatistic.objects.filter(pk=other.pk).exists()


def test_initiatives_are_listed_with_their_budget_and_bad_ones_refused():
    world = programme_world()
    programme, (north_area, _south) = world["programme"], world["areas"]
    LocalInitiative.objects.create(
        project=world["north"], area=north_area, title="Läxhjälp", budget=100_000,
        starts_on=D(2010, 1, 1),
    )  # fmt: skip
    client = client_for(world["manager"])
    response = client.post(
        url("initiative_add", programme),
        {"area": north_area.pk, "title": "Fritidsgård", "budget": "250000",
         "starts_on": "2010-03-01"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(url("index", programme))
    section = next(s for s in page.context["sections"] if s["area"] == north_area)
    assert [i.title for i in section["initiatives"]] == ["Läxhjälp", "Fritidsgård"]
    assert section["budget"] == 350_000

    bad = client.post(
        url("initiative_add", programme),
        {"area": north_area.pk, "title": "Fel", "budget": "-5", "starts_on": "2010-03-01",
         "ends_on": "2010-01-01"},
    )  # fmt: skip
    errors = bad.context["form"].errors
    assert "budget" in errors and "ends_on" in errors
    assert not LocalInitiative.objects.filter(title="Fel").exists()


# --- households ---------------------------------------------------------------------------------


def test_a_household_page_shows_self_sufficiency_with_date_and_source():
    world = programme_world()
    north = world["north"]
    found = Household.objects.get(reference="N-1")
    client = client_for(world["manager"])
    response = client.get(url("household", north, found.pk))
    assert response.status_code == 200
    page = text(response)
    assert "Self-sufficient since 2010-08-20" in page
    assert "Income at exit: Salary, Study allowance" in page or (
        "Income at exit: Study allowance, Salary" in page
    )
    # Both members are listed, and the read is logged for each.
    members = list(Participant.objects.filter(household=found))
    for person in members:
        assert str(person) in page
    logged = set(
        LogEntry.objects.filter(action="view", reason="household page").values_list(
            "person_id", flat=True
        )
    )
    assert {p.pk for p in members} <= logged

    # A household not there yet names who is missing.
    not_yet = client.get(url("household", north, Household.objects.get(reference="N-3").pk))
    assert "Not self-sufficient yet" in text(not_yet)
    assert len(not_yet.context["not_yet"]) == 1


def test_the_household_list_filters_by_area_and_shows_status():
    world = programme_world()
    programme, (north_area, _south) = world["programme"], world["areas"]
    client = client_for(world["manager"])
    response = client.get(url("households", programme, query=f"?area={north_area.pk}"))
    assert [h.reference for h in response.context["page"]] == ["N-1", "N-2", "N-3", "N-4", "N-5"]
    page = text(response)
    # The programme's manager is no member of the part's enrolments: no member is shown, and so
    # no status made of their exits either (it would tell their outcome) — nor can it be
    # filtered on; a household without members says so.
    assert all(not h.visible_members for h in response.context["page"])
    assert "Yes, since" not in page and "Not shown: a member you may not see" in page
    assert "Not known: no registered member" in page
    only_yes = client.get(url("households", programme, query="?status=yes"))
    assert not list(only_yes.context["page"])
    # In the part, where the manager sees every member, the status shows and filters.
    north = world["north"]
    page = text(client.get(url("households", north)))
    assert "Yes, since 2010-08-20" in page
    only_yes = client.get(url("households", north, query="?status=yes"))
    assert {h.reference for h in only_yes.context["page"]} == {"N-1", "N-2"}


def test_a_household_without_members_is_refused_and_nothing_saved():
    world = programme_world()
    north, (north_area, _south) = world["north"], world["areas"]
    client = client_for(world["manager"])
    before = Household.objects.count()
    response = client.post(
        url("household_add", north),
        {"reference": "N-9", "area": north_area.pk, "adults": 1, "children": 2,
         "contacted_on": "2010-01-10"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "at least one member" in str(response.context["form"].errors["members"])
    assert Household.objects.count() == before


def test_a_household_is_registered_with_its_members_in_one_go():
    world = programme_world()
    north, (north_area, _south) = world["north"], world["areas"]
    free = EnrolmentFactory(project=north, participant=ParticipantFactory()).participant
    taken = Participant.objects.filter(household__reference="N-2").get()
    client = client_for(world["manager"])
    form = client.get(url("household_add", north)).context["form"]
    choices = set(form.fields["members"].queryset)
    assert free in choices and taken not in choices  # already in a household

    response = client.post(
        url("household_add", north),
        {"reference": "N-9", "area": north_area.pk, "adults": 1, "children": 2,
         "contacted_on": "2010-01-10", "contact_worker": world["manager"].user.pk,
         "members": [free.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    created = Household.objects.get(project=north, reference="N-9")
    free.refresh_from_db()
    assert free.household == created and created.contact_worker == world["manager"].user
    assert LogEntry.objects.filter(object_type="participants.Household", action="create").exists()
    person_entries = LogEntry.objects.filter(person_id=free.pk, action="change")
    assert ["household"] in [entry.fields for entry in person_entries]

    # A participant in another household cannot be slipped in.
    again = client.post(
        url("household_edit", north, created.pk),
        {"reference": "N-9", "area": north_area.pk, "adults": 2, "children": 2,
         "contacted_on": "2010-01-10", "members": [free.pk, taken.pk]},
    )  # fmt: skip
    assert "members" in again.context["form"].errors
    taken.refresh_from_db()
    assert taken.household.reference == "N-2"


def test_a_steering_member_sees_no_small_household_figure_and_no_household():
    world = programme_world()
    programme, (north_area, south_area) = world["programme"], world["areas"]
    steering = MembershipFactory(project=programme, role=Role.STEERING)
    client = client_for(steering)
    response = client.get(url("index", programme))
    assert response.status_code == 200
    fig = response.context["figures"]
    assert fig.threshold == 3
    # South has 2 households (1 self-sufficient): too few to show.
    south = fig.by_area[south_area.pk]
    assert south.hidden and south.reason == "small"
    # North: 5 households, 2 self-sufficient: a part smaller than 3, hidden as well.
    north = fig.by_area[north_area.pk]
    assert north.hidden and north.reason == "small_part"
    # All households: 3 of 7 self-sufficient is safe (the two hidden areas together hold 3
    # and 4), but the 1 household without a registered member is not shown.
    assert not fig.overall.hidden and not fig.overall.detail
    page = text(response)
    assert "fewer than 3" in page
    assert "3 of 7 households self-sufficient" in page
    assert "2 of 5" not in page and "1 of 2" not in page
    assert "no registered member: its outcome" not in page
    for series in fig.series.values():
        for q in series.quarters:
            assert q.hidden or q.count == 0 or q.count >= 3
            assert q.cumulative_hidden or q.cumulative == 0 or q.cumulative >= 3

    for name, args in [("households", ()), ("household", (Household.objects.first().pk,))]:
        assert client.get(url(name, programme, *args)).status_code == 403


def test_another_projects_household_initiative_and_statistic_are_404():
    world = programme_world()
    other = programme_world(" 2")
    client = client_for(world["manager"])
    programme, north = world["programme"], world["north"]
    theirs = Household.objects.get(project=other["north"], reference="N-1")
    initiative = LocalInitiative.objects.create(
        project=other["north"], area=other["areas"][0], title="Deras", starts_on=D(2010, 1, 1)
    )
    statistic = AreaStatistic.objects.create(area=other["areas"][0], year=2010, source="x")
    assert client.get(url("household", programme, theirs.pk)).status_code == 404
    assert client.get(url("household_edit", north, theirs.pk)).status_code == 404
    assert client.get(url("initiative_edit", programme, initiative.pk)).status_code == 404
    assert client.get(url("statistic_edit", programme, statistic.pk)).status_code == 404
    # A part's household opens from the programme, but is changed in the part.
    ours = Household.objects.get(project=north, reference="N-1")
    assert client.get(url("household", programme, ours.pk)).status_code == 200
    assert client.get(url("household_edit", programme, ours.pk)).status_code == 404


# --- the figures against the rule, for any households ------------------------------------------

QUARTERS = [D(2009, 11, 5), D(2010, 2, 10), D(2010, 5, 20), D(2010, 8, 1)]
MEMBER = st.one_of(
    st.none(),  # still enrolled
    st.tuples(
        st.sampled_from([*SELF_SUFFICIENT, "social_assistance", "none"]), st.sampled_from(QUARTERS)
    ),
)
HOUSEHOLDS = st.lists(
    st.tuples(st.sampled_from([0, 1]), st.lists(MEMBER, max_size=2)), min_size=1, max_size=12
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=HOUSEHOLDS)
def test_the_figures_equal_the_rule_counted_by_hand_and_hide_every_small_group(rows):
    municipality = Municipality.objects.get(name="Malmö")
    programme = ProjectFactory(kind=Project.Kind.PROGRAMME)
    parts, areas = [], []
    for i in range(2):
        part = ProjectFactory(kind=Project.Kind.AREA_PART, parent=programme)
        area = Area.objects.create(name=f"Område {programme.pk}-{i}", municipality=municipality)
        part.areas.add(area)
        parts.append(part)
        areas.append(area)
    for i, (which, members) in enumerate(rows):
        found = Household.objects.create(
            project=parts[which], reference=f"H{i}", area=areas[which],
            adults=max(1, len(members)), contacted_on=D(2009, 1, 1),
        )  # fmt: skip
        for m in members:
            if m is None:
                member(found, parts[which])
            else:
                member(found, parts[which], m[0], exited_on=m[1])

    expected = naive(programme)
    exact = figures.household_figures(programme, None)
    assert exact.overall.self_sufficient == sum(h["yes"] for h in expected.values())
    assert exact.overall.total == len(expected)
    assert exact.overall.missing == sum(h["missing"] for h in expected.values())
    for area in areas:
        mine = [h for h in expected.values() if h["area"] == area.pk]
        share = exact.by_area[area.pk]
        assert (share.self_sufficient, share.total) == (sum(h["yes"] for h in mine), len(mine))
        series = exact.series.get(area.pk)
        for q in series.quarters if series else []:
            assert q.count == sum(
                1 for h in mine if h["yes"] and quarter_of(h["on"]) == q.starts_on
            )
            assert q.cumulative == sum(
                1 for h in mine if h["yes"] and quarter_of(h["on"]) <= q.starts_on
            )
        if series and series.quarters:
            assert series.last_cumulative == share.self_sufficient

    # What a reader of aggregates only is shown: no group of 1–2 households can be worked out
    # from it by any combination of the figures (the attacker of tests/disclosure_attack.py).
    protected = figures.household_figures(programme, 3)
    order = sorted(expected)
    position = {pk: i for i, pk in enumerate(order)}

    def bits(condition) -> int:
        return sum(1 << position[pk] for pk, h in expected.items() if condition(h))

    shown = []

    def share_sets(share, in_group):
        if share.hidden:
            return
        shown.append(bits(lambda h: in_group(h)))
        shown.append(bits(lambda h: in_group(h) and h["yes"]))
        if share.detail:
            shown.append(bits(lambda h: in_group(h) and h["missing"]))

    share_sets(protected.overall, lambda h: True)
    for area in areas:
        share_sets(protected.by_area[area.pk], lambda h, a=area.pk: h["area"] == a)
    for key, series in protected.series.items():

        def in_group(h, key=key):
            return h["yes"] and (key == "all" or h["area"] == key)

        if series.hidden:
            continue
        shown.append(bits(in_group))
        for q in series.quarters:
            if q.starts_on is None:
                continue
            if not q.hidden:
                shown.append(
                    bits(lambda h, s=q.starts_on: in_group(h) and quarter_of(h["on"]) == s)
                )
            if not q.cumulative_hidden:
                shown.append(
                    bits(lambda h, s=q.starts_on: in_group(h) and quarter_of(h["on"]) <= s)
                )
    candidates = [
        bits(lambda h, a=a, y=y, m=m: h["area"] == a and h["yes"] == y and h["missing"] == m)
        for a in (areas[0].pk, areas[1].pk)
        for y in (True, False)
        for m in (True, False)
    ]
    found = recoverable_small_sets(
        [s for s in shown if s], [c for c in candidates if c], len(order), 3
    )
    assert not found, f"small groups recoverable: {found}"


def test_removing_a_statistic_and_an_initiative_asks_first_then_removes_and_audits():
    world = programme_world()
    programme, (north_area, _south) = world["programme"], world["areas"]
    statistic = AreaStatistic.objects.create(area=north_area, year=2012, population_20_64=10)
    initiative = LocalInitiative.objects.create(
        project=programme, area=north_area, title="Läxhjälp", starts_on=dt.date(2011, 1, 1)
    )
    client = client_for(world["manager"])
    for name, entry in (("statistic_remove", statistic), ("initiative_remove", initiative)):
        assert client.get(url(name, programme, entry.pk)).status_code == 200
        assert type(entry).objects.filter(pk=entry.pk).exists()  # asking removes nothing
        response = client.post(url(name, programme, entry.pk))
        assert response.status_code == 302 and f"#area-{north_area.pk}" in response["Location"]
        assert not type(entry).objects.filter(pk=entry.pk).exists()
        assert LogEntry.objects.filter(
            action=LogEntry.Action.DELETE, object_id=str(entry.pk), project=programme
        ).exists()


def test_a_household_with_a_member_the_reader_may_not_see_keeps_its_status_hidden():
    """A case worker sees one member (anonymous); the other's consent does not cover them. The
    household's status is made of both members' exits, so it is not shown: "self-sufficient
    since <date>" would tell the hidden member's exit date and outcome."""
    owner = OrganisationFactory()
    project = ProjectFactory(kind=Project.Kind.AREA_PART, owner=owner)
    case_worker = MembershipFactory(project=project, role=Role.CASE_WORKER, organisation=owner)
    household = Household.objects.create(
        project=project, reference="H-1", adults=2, contacted_on=dt.date(2009, 3, 1)
    )
    seen = AnonymousParticipantFactory(household=household)
    hidden = ParticipantFactory(household=household)
    for person, day in ((seen, dt.date(2010, 2, 1)), (hidden, dt.date(2010, 9, 9))):
        EnrolmentFactory(
            project=project,
            participant=person,
            status=Status.EXITED,
            exited_on=day,
            exit_reason="completed",
            exit_status="employed_full_time",
            exit_income_source="salary",
        )
    client = client_for(case_worker)
    page = text(client.get(url("household", project, household.pk)))
    assert "2010-09-09" not in page and "Self-sufficient since" not in page
    assert "1 member is not shown" in page
    listing = client.get(url("households", project))
    assert "Not shown: a member you may not see" in text(listing)
    assert not list(client.get(url("households", project, query="?status=yes")).context["page"])
    assert not list(client.get(url("households", project, query="?status=no")).context["page"])


def test_another_project_that_takes_up_an_area_cannot_change_its_statistics():
    """Statistics belong to the area: a project outside the programme that adds the same area
    in its settings sees no way to change them, and a crafted request is a 404."""
    from core.services_settings import add_area

    world = programme_world()
    north_area = world["areas"][0]
    statistic = AreaStatistic.objects.create(area=north_area, year=2012, population_20_64=10)
    other = ProjectFactory(title="Annat projekt", kind=Project.Kind.AREA_PART)
    manager = MembershipFactory(project=other, role=Role.MANAGER)
    add_area(
        by=manager.user, project=other, municipality=north_area.municipality, name=north_area.name
    )
    client = client_for(manager)
    assert client.post(url("statistic_remove", other, statistic.pk)).status_code == 404
    assert client.get(url("statistic_edit", other, statistic.pk)).status_code == 404
    response = client.post(url("statistic_add", other), {"area": north_area.pk, "year": 2013})
    assert "area" in response.context["form"].errors
    assert AreaStatistic.objects.filter(pk=statistic.pk).exists()
    assert not AreaStatistic.objects.filter(area=north_area, year=2013).exists()
