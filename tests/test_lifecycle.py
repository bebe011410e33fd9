import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.models import LogEntry
from enrolments.models import ALLOWED_TRANSITIONS, Enrolment, Status, can_transition
from enrolments.services import change_status

from .factories import EnrolmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_status_has_a_rule_and_closed_ones_lead_nowhere():
    assert set(ALLOWED_TRANSITIONS) == set(Status.values)
    for closed in (Status.FOLLOWED_UP, Status.DECLINED, Status.WITHDRAWN):
        assert not ALLOWED_TRANSITIONS[closed]
    assert can_transition(Status.ACTIVE, Status.PAUSED)
    assert can_transition(Status.PAUSED, Status.ACTIVE)
    assert not can_transition(Status.REFERRED, Status.EXITED)


def test_exit_creates_follow_ups_on_the_projects_days_and_is_logged():
    enrolment = EnrolmentFactory(project__follow_up_days=[90, 180])
    by = UserFactory()
    change_status(
        enrolment=enrolment,
        new_status=Status.EXITED,
        by=by,
        on=dt.date(2009, 6, 1),
        exit_reason="completed",
        exit_status="employed_full_time",
        exit_income_source="salary",
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Status.EXITED
    assert sorted(enrolment.follow_ups.values_list("day", "due_on")) == [
        (90, dt.date(2009, 8, 30)),
        (180, dt.date(2009, 11, 28)),
    ]
    entry = LogEntry.objects.get(action="change", object_id=str(enrolment.pk))
    assert entry.user == by and "exited_on" in entry.fields


def test_a_change_the_lifecycle_does_not_allow_is_refused_with_the_reason():
    enrolment = EnrolmentFactory(status=Status.REFERRED, started_on=None)
    with pytest.raises(ValidationError) as error:
        change_status(enrolment=enrolment, new_status=Status.EXITED, by=None)
    assert "Referred" in str(error.value) or "Anvisad" in str(error.value)
    assert Enrolment.objects.get(pk=enrolment.pk).status == Status.REFERRED


def test_exit_before_start_saves_nothing():
    enrolment = EnrolmentFactory(started_on=dt.date(2009, 3, 1))
    with pytest.raises(ValidationError) as error:
        change_status(
            enrolment=enrolment,
            new_status=Status.EXITED,
            by=None,
            on=dt.date(2009, 2, 1),
            exit_reason="completed",
            exit_status="studies",
            exit_income_source="study_allowance",
        )
    assert "exited_on" in error.value.message_dict
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE and enrolment.exited_on is None
    assert not enrolment.follow_ups.exists()


def test_starting_a_referred_enrolment_sets_the_start_date():
    enrolment = EnrolmentFactory(
        status=Status.REFERRED, started_on=None, referred_on=dt.date(2009, 1, 10)
    )
    change_status(enrolment=enrolment, new_status=Status.ACTIVE, by=None, on=dt.date(2009, 1, 20))
    enrolment.refresh_from_db()
    assert enrolment.started_on == dt.date(2009, 1, 20)
