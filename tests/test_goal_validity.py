"""A project's stored figures stay in step from one day to the next until the first date on
which they can change without a write (ProjectSummary.valid_until): midnight invalidates
nothing else. The property: whatever the data, every figure a summary stores (the goals with
their breakdowns and members, the flow, the hours, the follow-ups due, the disclosure plan) is
the same on every day before `valid_until` as on the day it was computed."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from enrolments.models import OutcomeStatus
from goals import summaries
from goals.models import ProjectSummary

from .test_goal_engine import follow_up, person
from .test_goal_facts import every_template, world

pytestmark = pytest.mark.django_db
D = dt.date
OS = OutcomeStatus
TODAY = D(2010, 6, 1)
SETTINGS = hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "gender": st.sampled_from(["woman", "man"]),
            "exit": st.sampled_from([None, "completed", "dropped_out"]),
            # Exits from 200 days ago to today: day-90 and day-180 follow-ups fall due ahead.
            "exited_ago": st.integers(0, 200),
            "day90": st.sampled_from([None, "unrecorded", OS.EMPLOYED_FULL_TIME]),
            "day180": st.sampled_from([None, "unrecorded", OS.STUDIES]),
        }
    ),
    max_size=8,
)
ENDS = st.sampled_from([D(2010, 5, 1), D(2010, 6, 20), D(2010, 9, 30), D(2011, 2, 1)])


def build(people, ends_on):
    project, *_ = world()  # with the target groups and areas the goals name
    project.ends_on = ends_on
    project.save()
    for row in people:
        e = person(
            project,
            gender=row["gender"],
            exit=row["exit"],
            exit_status=OS.JOB_SEEKING,
            exited_on=TODAY - dt.timedelta(days=row["exited_ago"]),
        )
        for day in (90, 180) if row["exit"] else ():
            if row[f"day{day}"] == "unrecorded":
                follow_up(e, day, reached=None)
            elif row[f"day{day}"]:
                follow_up(e, day, row[f"day{day}"])
    every_template(project)
    return project


def stored(computed) -> tuple:
    """Everything of a computation that a summary stores, comparable."""
    return (
        [result.to_dict() for result in computed.results],
        summaries._jsonable(computed.figures),
        computed.plan,
    )


def computed_on(project, day):
    with override_settings(FOLJSAM_TODAY=day.isoformat()):
        return summaries.compute(project)


@SETTINGS
@given(people=PEOPLE, ends_on=ENDS, later=st.integers(1, 400))
def test_the_figures_stay_the_same_until_valid_until(monkeypatch, people, ends_on, later):
    # Without the fortnightly recompute, which would hide a date the rules miss.
    monkeypatch.setattr(summaries, "HEAL_DAYS", 10_000)
    project = build(people, ends_on)
    first = computed_on(project, TODAY)
    until = first.valid_until
    assert until > TODAY
    last = (until - TODAY).days - 1
    # The last day before the figures may change, and one day in between.
    for day in {TODAY + dt.timedelta(days=last), TODAY + dt.timedelta(days=min(later, last))}:
        again = computed_on(project, day)
        assert stored(again) == stored(first), f"changed on {day}, valid until {until}"
        assert again.valid_until == until


def test_a_summary_stays_fresh_overnight_until_a_follow_up_falls_due(settings, monkeypatch):
    monkeypatch.setattr(summaries, "HEAL_DAYS", 10_000)
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    project, *_ = world()
    e = person(project, exit="completed", exited_on=TODAY - dt.timedelta(days=80))
    follow_up(e, 90, reached=None)  # due in ten days
    every_template(project)
    summary = summaries.refresh(project)
    assert summary.computed_for == TODAY
    # Its day-90 follow-up falls due on exit + 90 days, before the next quarter (1 July): the
    # goals' day-90 population gains it then. (It is in the follow-ups "due soon" already.)
    assert summary.valid_until == D(2010, 6, 11)

    def refreshed_on(day) -> int:
        settings.FOLJSAM_TODAY = day.isoformat()
        before = ProjectSummary.objects.get(project=project).computed_at
        call_command("refresh_goal_summaries", stdout=io.StringIO())
        return int(ProjectSummary.objects.get(project=project).computed_at != before)

    valid_until = summary.valid_until
    assert refreshed_on(valid_until - dt.timedelta(days=1)) == 0  # the nights before: nothing
    assert refreshed_on(valid_until) == 1  # the day it may change: recomputed


def test_every_summary_is_recomputed_within_a_fortnight(settings):
    """A write that reached the data without marking the summary stale (here an intervention
    category renamed around the services, as the admin or a SQL fix may) is seen within
    HEAL_DAYS, on the project's own day of the fortnight."""
    settings.FOLJSAM_TODAY = "2012-06-01"  # the project is over: nothing falls due any more
    project, *_ = world()
    e = person(project, exit="completed", exited_on=D(2011, 1, 1))
    follow_up(e, 90, OS.EMPLOYED_FULL_TIME)
    every_template(project)
    summary = summaries.refresh(project)
    until = summary.valid_until
    assert D(2012, 6, 1) < until <= D(2012, 6, 1) + dt.timedelta(days=summaries.HEAL_DAYS)
    assert until == summaries.heal_date(project.pk, D(2012, 6, 1))
    # Projects with neighbouring ids fall on different days: the nights share the work.
    days = {summaries.heal_date(pk, D(2012, 6, 1)) for pk in range(summaries.HEAL_DAYS)}
    assert len(days) == summaries.HEAL_DAYS
    ProjectSummary.objects.filter(project=project).update(dashboard={"hours": "old"})
    settings.FOLJSAM_TODAY = (until - dt.timedelta(days=1)).isoformat()
    call_command("refresh_goal_summaries", stdout=io.StringIO())
    assert ProjectSummary.objects.get(project=project).dashboard == {"hours": "old"}
    settings.FOLJSAM_TODAY = until.isoformat()
    call_command("refresh_goal_summaries", stdout=io.StringIO())
    assert ProjectSummary.objects.get(project=project).dashboard != {"hours": "old"}
