"""The database refuses broken invariants even when code bypasses forms."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.models import LogEntry
from enrolments.models import FollowUp, Status
from interventions.models import Participation
from plans.models import AssessmentItem
from surveys.models import SurveyAnswer
from surveys.services import template_question

from .factories import (
    EnrolmentFactory,
    ParticipantFactory,
    ParticipationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_exit_before_start_is_refused_by_the_database():
    refused(
        lambda: EnrolmentFactory(
            started_on=dt.date(2009, 3, 1),
            exited_on=dt.date(2009, 2, 1),
            status=Status.EXITED,
            exit_status="job_seeking",
        )
    )


def test_start_before_referral_is_refused_by_the_database():
    refused(
        lambda: EnrolmentFactory(referred_on=dt.date(2009, 3, 1), started_on=dt.date(2009, 2, 1))
    )


def test_negative_hours_are_refused_by_the_database():
    refused(lambda: ParticipationFactory(attended_hours=Decimal("-1")))
    refused(lambda: ParticipationFactory(planned_hours=Decimal("-0.5")))
    assert Participation.objects.count() == 0


def test_only_one_open_enrolment_per_participant_and_project():
    enrolment = EnrolmentFactory()
    refused(lambda: EnrolmentFactory(participant=enrolment.participant, project=enrolment.project))
    # A closed enrolment does not block a new one, and another project is fine.
    EnrolmentFactory(participant=enrolment.participant, project=ProjectFactory())
    enrolment.status = Status.WITHDRAWN
    enrolment.save()
    EnrolmentFactory(participant=enrolment.participant, project=enrolment.project)


def test_exited_enrolment_needs_exit_date_and_status():
    refused(lambda: EnrolmentFactory(status=Status.EXITED))


def test_active_enrolment_needs_a_start():
    refused(lambda: EnrolmentFactory(status=Status.ACTIVE, started_on=None))


def test_project_period_must_not_end_before_it_starts():
    refused(lambda: ProjectFactory(starts_on=dt.date(2010, 1, 1), ends_on=dt.date(2009, 1, 1)))


def test_ratings_and_answers_stay_on_their_scales():
    enrolment = EnrolmentFactory()
    refused(
        lambda: SurveyAnswer.objects.create(
            enrolment=enrolment,
            occasion="exit",
            question=template_question(enrolment.project, "network"),
            value=6,
            answered_on=dt.date(2009, 5, 1),
        )
    )
    from plans.models import Assessment

    assessment = Assessment.objects.create(enrolment=enrolment, assessed_on=dt.date(2009, 3, 1))
    refused(lambda: AssessmentItem.objects.create(assessment=assessment, domain="health", rating=0))


def test_follow_up_must_be_recorded_consistently():
    enrolment = EnrolmentFactory(
        status=Status.EXITED, exited_on=dt.date(2009, 6, 1), exit_status="job_seeking"
    )
    # Reached but without a status: refused. Not reached (non-response): fine.
    refused(
        lambda: FollowUp.objects.create(
            enrolment=enrolment,
            day=90,
            due_on=dt.date(2009, 8, 30),
            reached=True,
            recorded_on=dt.date(2009, 9, 1),
        )
    )
    FollowUp.objects.create(
        enrolment=enrolment,
        day=90,
        due_on=dt.date(2009, 8, 30),
        reached=False,
        recorded_on=dt.date(2009, 9, 1),
    )


def test_anonymous_participant_cannot_carry_a_name_or_number():
    refused(lambda: ParticipantFactory(is_anonymous=True, given_name="Sara", identity=None))


def test_audit_log_is_append_only():
    entry = LogEntry.objects.create(action="view", object_type="participants.Participant")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        LogEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        LogEntry.objects.update(action="change")
    assert LogEntry.objects.get().action == "view"
