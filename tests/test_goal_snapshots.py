"""Locked goal snapshots: locking computes the goals as of the period's end; later corrections
change today's figures but never the locked ones, and the detail page shows the difference;
snapshots can never be changed or deleted; bad input is named and nothing is saved; who may
open what; small cells hidden from aggregate-only roles."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, Role
from enrolments.models import FollowUp, OutcomeStatus, Status
from goals import services as goal_services
from goals.models import Goal, GoalSnapshot
from goals.snapshots import lock_snapshot, locked_results

from .factories import (
    AnonymousParticipantFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2010, 6, 1)
H2_START, H2_END = dt.date(2009, 7, 1), dt.date(2009, 12, 31)


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    settings.SUPPRESSION_THRESHOLD = 5


def completer(project, exited_on, gender="woman"):
    return EnrolmentFactory(
        project=project,
        participant=AnonymousParticipantFactory(gender=gender),
        status=Status.EXITED,
        exited_on=exited_on,
        exit_reason="completed",
        exit_status=OutcomeStatus.JOB_SEEKING,
    )


def follow_up(enrolment, status=None, *, day=90):
    """A day-90 follow-up: reached with a status, or (status None) due but not recorded."""
    due = enrolment.exited_on + dt.timedelta(days=day)
    return FollowUp.objects.create(
        enrolment=enrolment,
        day=day,
        due_on=due,
        reached=True if status else None,
        status=status or "",
        source="register" if status else "",
        recorded_on=due if status else None,
    )


@pytest.fixture
def world():
    """A project with every role and two goals. Six completers exited 2009-06-01 (day-90
    follow-ups: 3 employed, 2 job seeking, 1 not recorded), one exited 2009-12-01 (its day 90
    falls after the period), one exited 2010-02-01 (after the period), both employed at day 90."""
    project = ProjectFactory(title="Framtid i Fokus")
    members = {
        role: MembershipFactory(project=project, role=role, user__username=role)
        for role in (Role.MANAGER, Role.CASE_WORKER, Role.EVALUATOR, Role.STEERING, Role.PROVIDER)
    }
    outsider = MembershipFactory(role=Role.MANAGER, user__username="outsider")
    manager = members[Role.MANAGER].user
    goal_services.create_goal(
        project=project,
        key="work-at-90",
        title="I arbete efter 90 dagar",
        title_en="In work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.45},
        by=manager,
    )
    goal_services.create_goal(
        project=project,
        key="prestudy",
        title="Förstudien klar",
        title_en="Pre-study done",
        template="prestudy_checklist",
        parameters={},
        by=manager,
    )
    june = [completer(project, dt.date(2009, 6, 1), gender=g) for g in ["woman"] * 4 + ["man"] * 2]
    for enrolment, status in zip(
        june,
        [OutcomeStatus.EMPLOYED_FULL_TIME] * 3 + [OutcomeStatus.JOB_SEEKING] * 2 + [None],
        strict=True,
    ):
        follow_up(enrolment, status)
    for exited_on in (dt.date(2009, 12, 1), dt.date(2010, 2, 1)):
        follow_up(completer(project, exited_on), OutcomeStatus.EMPLOYED_FULL_TIME)
    return project, members, outsider.user, june


def lock(project, by, label="Lägesrapport 2009 H2", start=H2_START, end=H2_END):
    return lock_snapshot(project=project, label=label, period_start=start, period_end=end, by=by)


def result(snapshot_or_results, key):
    results = getattr(snapshot_or_results, "results", snapshot_or_results)
    return next(r for r in results if r["key"] == key)


def url(name, project, lang="sv", **kwargs):
    with translation.override(lang):
        return reverse(f"goal_snapshots:{name}", kwargs={"project_id": project.pk, **kwargs})


def goal_section(html, key):
    match = re.search(rf'<section class="snapshot-goal" id="goal-{key}".*?</section>', html, re.S)
    assert match, f"no section for {key}"
    return match.group(0)


# --- locking and later corrections ----------------------------------------------------------


def test_lock_computes_as_of_the_period_end(world):
    project, members, _outsider, _june = world
    snapshot = lock(project, members[Role.MANAGER].user)
    work = result(snapshot, "work-at-90")
    # Only the six whose day 90 fell due by 2009-12-31; the December and February exits not.
    assert (work["numerator"], work["denominator"], work["missing"]) == (3, 6, 1)
    assert work["value"] == pytest.approx(0.5)
    assert work["status"] == "uncertain"
    assert work["breakdown"]["gender"]["man"]["denominator"] == 2
    definitions = {d["key"]: d for d in snapshot.definitions}
    assert definitions["work-at-90"]["version"] == 1
    assert definitions["work-at-90"]["template"] == "follow_up_share"
    assert definitions["work-at-90"]["parameters"]["target"] == 0.45
    assert definitions["work-at-90"]["applied_parameters"]["period_to"] == "2009-12-31"
    assert definitions["work-at-90"]["scope"] == "period_end"
    assert definitions["prestudy"]["scope"] == "as_of_lock"
    assert snapshot.locked_by == members[Role.MANAGER].user
    entry = LogEntry.objects.get(object_type="goals.GoalSnapshot", object_id=str(snapshot.pk))
    assert entry.action == "create"
    assert entry.fields == sorted(["label", "period_start", "period_end", "results", "definitions"])


def test_later_corrections_leave_the_snapshot_unchanged_and_show_the_difference(client, world):
    project, members, _outsider, june = world
    manager = members[Role.MANAGER].user
    snapshot = lock(project, manager)
    # Corrections after locking: the missing follow-up recorded, a job seeker's exit reason
    # corrected to dropped out (leaves the completers).
    FollowUp.objects.filter(enrolment=june[5], day=90).update(
        reached=True, status=OutcomeStatus.EMPLOYED_FULL_TIME, recorded_on=TODAY, source="register"
    )
    june[4].exit_reason = "dropped_out"
    june[4].save()

    stored = GoalSnapshot.objects.get(pk=snapshot.pk)
    work = result(stored, "work-at-90")
    assert (work["numerator"], work["denominator"], work["missing"]) == (3, 6, 1)
    # Read back for display: still the locked figures.
    (locked_work, _prestudy) = locked_results(stored, threshold=None)
    assert (locked_work.numerator, locked_work.denominator) == (3, 6)

    client.force_login(manager)
    html = client.get(url("detail", project, "en", snapshot_id=snapshot.pk)).content.decode()
    section = goal_section(html, "work-at-90")
    assert "In work after 90 days" in section
    assert "3 / 6" in section  # locked
    assert "6 / 7" in section  # today: 4 June + December + February employed, of 7 completers
    assert "50.0 %" in section and "85.7 %" in section
    assert "+35.7 pp" in section
    assert "+3 / +1" in section
    assert "Status changed" in section  # uncertain then, met now


def test_definition_changed_added_and_removed_goals_are_noted(client, world, english):
    project, members, _outsider, _june = world
    manager = members[Role.MANAGER].user
    snapshot = lock(project, manager)
    work = Goal.objects.get(project=project, key="work-at-90")
    goal_services.save_goal_version(
        goal=work,
        title="I arbete efter 90 dagar",
        title_en="In work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.6},
        by=manager,
    )
    goal_services.create_goal(
        project=project,
        key="gender",
        title="Könsfördelning",
        title_en="Gender split",
        template="gender_split",
        parameters={},
        by=manager,
    )
    Goal.objects.get(project=project, key="prestudy").delete()
    client.force_login(manager)
    html = client.get(url("detail", project, "en", snapshot_id=snapshot.pk)).content.decode()
    assert "version 1 then, version 2 now" in goal_section(html, "work-at-90")
    assert "was added after the snapshot" in goal_section(html, "gender")
    assert "no longer exists" in goal_section(html, "prestudy")
    assert "Pre-study done" in goal_section(html, "prestudy")  # title from the definition


# --- immutability ---------------------------------------------------------------------------


def test_snapshots_are_never_changed_or_deleted(world):
    project, members, _outsider, _june = world
    snapshot = lock(project, members[Role.MANAGER].user)
    snapshot.label = "Something else"
    with pytest.raises(PermissionError):
        snapshot.save()
    with pytest.raises(PermissionError):
        snapshot.delete()
    with pytest.raises(PermissionError):
        GoalSnapshot.objects.filter(pk=snapshot.pk).update(label="x")
    with pytest.raises(PermissionError):
        GoalSnapshot.objects.filter(pk=snapshot.pk).delete()
    assert GoalSnapshot.objects.get(pk=snapshot.pk).label == "Lägesrapport 2009 H2"


def test_no_update_or_delete_pages(client, world):
    project, members, _outsider, _june = world
    snapshot = lock(project, members[Role.MANAGER].user)
    client.force_login(members[Role.MANAGER].user)
    detail = url("detail", project, snapshot_id=snapshot.pk)
    assert client.get(detail + "edit/").status_code == 404
    assert client.get(detail + "delete/").status_code == 404
    client.post(detail, {"label": "Changed"})
    assert list(GoalSnapshot.objects.values_list("label", flat=True)) == ["Lägesrapport 2009 H2"]


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "english_text"),
    [
        (
            {
                "label": "Lägesrapport 2009 H2",
                "period_start": "2010-01-01",
                "period_end": "2010-03-31",
            },
            "label",
            "already has a snapshot with this label",
        ),
        (
            {"label": "Q1", "period_start": "2009-06-30", "period_end": "2009-06-01"},
            "period_end",
            "cannot end before it starts",
        ),
        (
            {"label": "Q1", "period_start": "2008-10-01", "period_end": "2009-03-31"},
            "period_start",
            "within the project's period",
        ),
        (
            {"label": "Q1", "period_start": "2011-10-01", "period_end": "2012-03-31"},
            "period_end",
            "within the project's period",
        ),
        (
            {"label": "Q1", "period_start": "2010-04-01", "period_end": "2010-06-30"},
            "period_end",
            "has not ended yet",
        ),
        ({"label": "  ", "period_start": "2009-01-01", "period_end": "2009-06-30"}, "label", ""),
        ({"label": "Q1", "period_start": "2009-01-01", "period_end": "tomorrow"}, "period_end", ""),
    ],
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_bad_input_is_named_and_nothing_is_saved(client, world, data, field, english_text, lang):
    project, members, _outsider, _june = world
    lock(project, members[Role.MANAGER].user)
    client.force_login(members[Role.MANAGER].user)
    before = GoalSnapshot.objects.count(), LogEntry.objects.count()
    response = client.post(url("new", project, lang), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="#id_{field}"' in html  # the error summary names the field
    assert f'id="id_{field}_error"' in html
    if lang == "en" and english_text:
        assert english_text in html
    if lang == "sv":
        assert '<html lang="sv"' in html
    assert (GoalSnapshot.objects.count(), LogEntry.objects.count()) == before


def test_service_refuses_bad_input_with_the_field_named(world):
    project, members, _outsider, _june = world
    manager = members[Role.MANAGER].user
    with pytest.raises(ValidationError) as error:
        lock(project, manager, start=dt.date(2009, 6, 30), end=dt.date(2009, 6, 1))
    assert "period_end" in error.value.message_dict
    lock(project, manager)
    with pytest.raises(ValidationError) as error:
        lock(project, manager, start=dt.date(2009, 1, 1), end=dt.date(2009, 3, 31))
    assert "label" in error.value.message_dict
    assert GoalSnapshot.objects.count() == 1


def test_manager_locks_through_the_form(client, world):
    project, members, _outsider, _june = world
    client.force_login(members[Role.MANAGER].user)
    response = client.post(
        url("new", project),
        {"label": "Lägesrapport 2009 H2", "period_start": "2009-07-01", "period_end": "2009-12-31"},
    )
    snapshot = GoalSnapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", project, snapshot_id=snapshot.pk)
    assert result(snapshot, "work-at-90")["denominator"] == 6
    listing = client.get(url("list", project)).content.decode()
    assert "Lägesrapport 2009 H2" in listing
    assert "2009-07-01" in listing and "2009-12-31" in listing
    assert members[Role.MANAGER].user.get_full_name() in listing


# --- who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "view", "change"),
    [
        (Role.MANAGER, 200, 200),
        (Role.CASE_WORKER, 200, 403),
        (Role.EVALUATOR, 200, 403),
        (Role.STEERING, 200, 403),
        (Role.PROVIDER, 403, 403),
    ],
)
def test_role_matrix(client, world, role, view, change):
    project, members, _outsider, _june = world
    snapshot = lock(project, members[Role.MANAGER].user)
    client.force_login(members[role].user)
    assert client.get(url("list", project)).status_code == view
    assert client.get(url("detail", project, snapshot_id=snapshot.pk)).status_code == view
    assert client.get(url("new", project)).status_code == change
    data = {"label": "Other", "period_start": "2009-01-01", "period_end": "2009-06-30"}
    response = client.post(url("new", project), data)
    assert response.status_code == (302 if change == 200 else change)
    assert GoalSnapshot.objects.count() == (2 if change == 200 else 1)


def test_outsider_gets_404(client, world):
    project, members, outsider, _june = world
    snapshot = lock(project, members[Role.MANAGER].user)
    client.force_login(outsider)
    assert client.get(url("list", project)).status_code == 404
    assert client.get(url("detail", project, snapshot_id=snapshot.pk)).status_code == 404
    assert client.get(url("new", project)).status_code == 404


def test_snapshot_of_another_project_is_404(client, world):
    project, members, _outsider, _june = world
    other = ProjectFactory()
    MembershipFactory(project=other, user=members[Role.MANAGER].user, role=Role.MANAGER)
    snapshot = lock(other, members[Role.MANAGER].user, label="Other")
    client.force_login(members[Role.MANAGER].user)
    assert client.get(url("detail", project, snapshot_id=snapshot.pk)).status_code == 404


def test_lock_link_only_for_managers(client, world):
    project, members, _outsider, _june = world
    new = url("new", project)
    client.force_login(members[Role.MANAGER].user)
    assert new in client.get(url("list", project)).content.decode()
    client.force_login(members[Role.STEERING].user)
    assert new not in client.get(url("list", project)).content.decode()


# --- suppression for aggregate-only roles ---------------------------------------------------


def test_small_cells_are_hidden_from_steering_at_display_time(client, world, settings):
    project, members, _outsider, _june = world
    snapshot = lock(project, members[Role.MANAGER].user)
    # Stored in full: the two men are in the snapshot.
    assert result(snapshot, "work-at-90")["breakdown"]["gender"]["man"]["denominator"] == 2
    (work, _prestudy) = locked_results(snapshot, threshold=5)
    for cells in work.breakdown.values():
        for cell in cells.values():
            assert cell.suppressed or not cell.denominator or cell.denominator >= 5
    assert work.breakdown["gender"]["man"].suppressed
    # With a threshold above the whole population, steering sees no figures at all.
    settings.SUPPRESSION_THRESHOLD = 10
    detail = url("detail", project, "en", snapshot_id=snapshot.pk)
    client.force_login(members[Role.STEERING].user)
    section = goal_section(client.get(detail).content.decode(), "work-at-90")
    assert "3 / 6" not in section and "6 / 7" not in section
    assert "fewer than 10" in section
    assert "Not shown: too few people" in section
    client.force_login(members[Role.MANAGER].user)
    section = goal_section(client.get(detail).content.decode(), "work-at-90")
    assert "3 / 6" in section


# --- breakdowns of a locked snapshot ----------------------------------------------------------


def breakdown_row(section, dimension, group):
    """The cells of one group's row in a goal's breakdown table by `dimension` (English)."""
    table = re.search(rf"— by {dimension}</caption>.*?</table>", section, re.S)
    assert table, f"no breakdown by {dimension}"
    row = re.search(rf'<th scope="row">{group}</th>(.*?)</tr>', table.group(0), re.S)
    assert row, f"no row {group}"
    return re.sub(r"\s+", " ", row.group(1))


def test_a_manager_sees_the_locked_breakdowns_beside_today(client, world, english):
    project, members, _outsider, _june = world
    manager = members[Role.MANAGER].user
    snapshot = lock(project, manager)
    client.force_login(manager)
    html = client.get(url("detail", project, "en", snapshot_id=snapshot.pk)).content.decode()
    section = goal_section(html, "work-at-90")
    assert "Breakdown: In work after 90 days" in section
    for dimension in ("Gender", "Age band", "Region of birth", "Target group"):
        assert f"In work after 90 days — by {dimension}</caption>" in section
    # Locked: the four June women 3 / 4 in work; today also the December and February women.
    women = breakdown_row(section, "Gender", "Women")
    assert "3 / 4" in women and "75.0 %" in women
    assert "5 / 6" in women and "83.3 %" in women
    assert "+8.3 pp" in women and "(+2 / +2)" in women
    men = breakdown_row(section, "Gender", "Men")
    assert men.count("0 / 2") == 2 and "(0 / 0)" in men
    # The pre-study checklist's items are its breakdown.
    assert "— by Checklist item</caption>" in goal_section(html, "prestudy")


def test_a_small_breakdown_cell_is_hidden_from_the_steering_group(client, world, english):
    project, members, _outsider, _june = world
    snapshot = lock(project, members[Role.MANAGER].user)
    client.force_login(members[Role.STEERING].user)
    html = client.get(url("detail", project, "en", snapshot_id=snapshot.pk)).content.decode()
    section = goal_section(html, "work-at-90")
    # Six people, 3 in work and 3 not: figures about 3 people, so the goal is hidden whole,
    # locked and today, and so are its groups.
    assert "3 / 6" not in section and "0 / 2" not in section
    assert "hidden: a part of the group is fewer than 5" in section
    men = breakdown_row(section, "Gender", "Men")
    assert "hidden" in men and "Not shown: too few people" in men
    women = breakdown_row(section, "Gender", "Women")  # 4 locked: hidden too
    assert "3 / 4" not in women and "hidden" in women
    for dimension in ("Gender", "Age band", "Region of birth"):
        table = re.search(rf"— by {dimension}</caption>.*?</table>", section, re.S).group(0)
        for figures in re.findall(r"(\d+) / (\d+)", table):
            assert int(figures[1]) == 0 or int(figures[1]) >= 5, (dimension, figures)
