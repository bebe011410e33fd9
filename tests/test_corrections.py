"""Corrections with history (issue 11): a person's own fields, an enrolment's details and exit, a
recorded follow-up, an attendance recording and the order of the plan's steps can be corrected
after saving. Each asks for a reason, is kept as history (who, when, old → new, why; identity
numbers never in clear), is shown on the participant page, makes the goal figures stale, and is
refused — nothing saved — when someone else changed the record meanwhile."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from core.models import LogEntry, Role
from core.signals import counted_data_changed
from enrolments import services
from enrolments.models import FollowUp, OutcomeStatus, Status, StatusChange
from goals import services as goal_services
from goals.snapshots import lock_snapshot
from interventions import services as intervention_services
from interventions.models import AttendanceRecord, Participation
from participants.corrections import value_of, values_of, version_token
from participants.models import Correction, Participant
from participants.services import compared_fields, correct_participant
from plans.services import reorder_steps, save_plan_version, step_order_token_values

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

TODAY = dt.date(2010, 1, 15)
IDENTITY = demo_identity_number(dt.date(1985, 3, 9), 982)
NEW_IDENTITY = demo_identity_number(dt.date(1986, 4, 10), 983)


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()
    org_a = OrganisationFactory(name="Malmö stad")
    org_b = OrganisationFactory(name="Arbetsförmedlingen Malmö")
    employer = OrganisationFactory(name="Bygg AB", kind="employer")
    other_employer = OrganisationFactory(name="Städ AB", kind="employer")
    project = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90])
    case_worker = MembershipFactory(
        project=project,
        organisation=org_a,
        role=Role.CASE_WORKER,
        user__username="amira",
        user__first_name="Amira",
        user__last_name="Haddad",
    )
    uncovered = MembershipFactory(project=project, organisation=org_b, role=Role.CASE_WORKER)
    manager = MembershipFactory(project=project, organisation=project.owner, role=Role.MANAGER)
    provider = MembershipFactory(project=project, organisation=employer, role=Role.PROVIDER)
    other_provider = MembershipFactory(
        project=project, organisation=other_employer, role=Role.PROVIDER
    )
    evaluator = MembershipFactory(project=project, role=Role.EVALUATOR)
    person = ParticipantFactory(given_name="Leyla", family_name="Ahmadi", identity=IDENTITY)
    ConsentFactory(participant=person, project=project, organisations=[org_a])
    enrolment = EnrolmentFactory(participant=person, project=project, case_worker=case_worker.user)
    intervention = InterventionFactory(project=project, provider=employer, name="Praktik bygg")
    participation = ParticipationFactory(enrolment=enrolment, intervention=intervention)
    return SimpleNamespace(
        project=project,
        org_a=org_a,
        case_worker=case_worker,
        uncovered=uncovered,
        manager=manager,
        provider=provider,
        other_provider=other_provider,
        evaluator=evaluator,
        person=person,
        enrolment=enrolment,
        intervention=intervention,
        participation=participation,
    )


def url(name, world, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=[world.project.pk, *args])


def login(client, membership):
    client.force_login(membership.user)
    return client


def exit_and_follow_up(world, *, status=OutcomeStatus.JOB_SEEKING):
    """Exit the enrolment on 2009-09-01 and record its day-90 follow-up (reached)."""
    services.exit_enrolment(
        enrolment=world.enrolment,
        by=world.case_worker.user,
        exited_on=dt.date(2009, 9, 1),
        exit_reason="completed",
        exit_status=OutcomeStatus.JOB_SEEKING,
        exit_income_source="social_assistance",
    )
    follow_up = FollowUp.objects.get(enrolment=world.enrolment, day=90)
    services.record_follow_up(
        follow_up=follow_up,
        by=world.case_worker.user,
        reached=True,
        status=status,
        income_source="social_assistance",
        source="participant",
        recorded_on=dt.date(2009, 12, 1),
    )
    follow_up.refresh_from_db()
    world.enrolment.refresh_from_db()
    return follow_up


def person_form_data(world, **changes):
    person = Participant.objects.get(pk=world.person.pk)
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "gender": person.gender,
        "region_of_birth": person.region_of_birth,
        "arrival_year": person.arrival_year or "",
        "education_level": person.education_level,
        "interpreter_language": person.interpreter_language,
        "disability": "unknown",
        "identity_number": "",
        "reason": "Fel kön registrerat vid inskrivningen",
        "original": version_token(values_of(person, compared_fields(person))),
    }
    data.update(changes)
    return data


def errors_of(response, field):
    form = response.context["form"]
    return form.errors.get(field, [])


# --- the person ------------------------------------------------------------------------------


def test_a_case_worker_corrects_the_gender_and_the_history_shows_it(client, world):
    login(client, world.case_worker)
    form_page = client.get(url("enrolments:correct_person", world, world.enrolment.pk))
    assert form_page.status_code == 200
    # The form shows the current values.
    assert form_page.context["form"]["gender"].value() == "woman"
    response = client.post(
        url("enrolments:correct_person", world, world.enrolment.pk),
        person_form_data(world, gender="man"),
    )
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert world.person.gender == "man"
    correction = Correction.objects.get()
    assert correction.kind == Correction.Kind.PERSON
    assert correction.changes == [{"field": "gender", "old": "woman", "new": "man"}]
    assert correction.reason == "Fel kön registrerat vid inskrivningen"
    assert correction.by == world.case_worker.user
    assert timezone.localdate(correction.at) == TODAY  # the product's clock
    assert correction.project == world.project
    # The audit log names the field, never its values.
    entry = LogEntry.objects.filter(action="change", object_type="participants.Participant").get()
    assert entry.fields == ["gender"] and entry.reason == "correction"
    page = client.get(url("enrolments:participant", world, world.enrolment.pk)).content.decode()
    section = page[page.index('id="corrections"') :]
    assert "Gender" in section and "Woman" in section and "Man" in section
    assert "Fel kön registrerat vid inskrivningen" in section
    assert "Amira Haddad" in section


def test_a_correction_without_a_reason_is_refused_on_the_reason_field(client, world):
    login(client, world.case_worker)
    response = client.post(
        url("enrolments:correct_person", world, world.enrolment.pk),
        person_form_data(world, gender="man", reason="   "),
    )
    assert response.status_code == 200
    assert errors_of(response, "reason") == ["Say why the record is corrected."]
    # The summary at the top links to the field, once, and says nothing else.
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S).group(0)
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["id_reason"]
    assert re.search(r"<p>", summary) is None
    assert "?:" not in summary
    world.person.refresh_from_db()
    assert world.person.gender == "woman"
    assert not Correction.objects.exists()
    # And the service refuses it too, naming the field.
    person = world.person
    with pytest.raises(ValidationError) as refused:
        correct_participant(
            participant=person,
            project=world.project,
            by=world.case_worker.user,
            values={"gender": "man"},
            reason="",
            expected=values_of(person, compared_fields(person)),
        )
    assert "reason" in refused.value.message_dict


def test_invalid_values_are_named_and_nothing_is_saved(client, world, english):
    login(client, world.case_worker)
    response = client.post(
        url("enrolments:correct_person", world, world.enrolment.pk),
        person_form_data(world, given_name="", arrival_year="1970", gender="man"),
    )
    assert response.status_code == 200
    assert errors_of(response, "given_name")
    assert errors_of(response, "arrival_year") == [
        "The year of arrival cannot be before the birth year."
    ]
    world.person.refresh_from_db()
    assert (world.person.gender, world.person.given_name) == ("woman", "Leyla")
    assert not Correction.objects.exists()


def test_a_concurrent_edit_is_refused_naming_what_changed(client, world):
    login(client, world.case_worker)
    token = person_form_data(world)["original"]
    # A colleague corrects the family name after the form was opened.
    correct_participant(
        participant=world.person,
        project=world.project,
        by=world.manager.user,
        values={"family_name": "Ahmadi Karimi"},
        reason="Namnbyte",
        expected=values_of(world.person, compared_fields(world.person)),
    )
    data = person_form_data(world, gender="man", family_name="Ahmadi", original=token)
    response = client.post(url("enrolments:correct_person", world, world.enrolment.pk), data)
    assert response.status_code == 200
    message = " ".join(response.context["form"].non_field_errors())
    assert "Someone else changed this record" in message
    assert "Family name is now “Ahmadi Karimi”" in message
    world.person.refresh_from_db()
    assert (world.person.gender, world.person.family_name) == ("woman", "Ahmadi Karimi")
    assert Correction.objects.count() == 1  # only the colleague's
    # The form now carries the new values: saving again is a deliberate choice, and works.
    fresh = response.context["form"].data["original"]
    again = client.post(
        url("enrolments:correct_person", world, world.enrolment.pk),
        {**data, "family_name": "Ahmadi Karimi", "original": fresh},
    )
    assert again.status_code == 302
    world.person.refresh_from_db()
    assert world.person.gender == "man"


def test_a_tampered_token_is_refused(client, world):
    login(client, world.case_worker)
    data = person_form_data(world, gender="man", original="not-a-token")
    response = client.post(url("enrolments:correct_person", world, world.enrolment.pk), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    world.person.refresh_from_db()
    assert world.person.gender == "woman"


def test_an_identity_number_is_never_in_the_history_in_clear(client, world):
    give_purpose(login(client, world.manager), world.enrolment)
    response = client.post(
        url("enrolments:correct_person", world, world.enrolment.pk),
        person_form_data(world, identity_number=NEW_IDENTITY, reason="Siffror omkastade"),
    )
    assert response.status_code == 302
    person = Participant.objects.get(pk=world.person.pk)
    assert person.identity_number().digits == NEW_IDENTITY
    assert person.birth_year == 1986
    assert Participant.objects.with_identity_number(NEW_IDENTITY).get() == person
    correction = Correction.objects.get()
    assert {"field": "identity_number", "masked": True} in correction.changes
    assert {"field": "birth_year", "old": "1985", "new": "1986"} in correction.changes
    stored = str(correction.changes) + correction.reason
    for number in (IDENTITY, NEW_IDENTITY):
        for fragment in (number, number[2:], number[-4:]):
            assert fragment not in stored
    page = client.get(url("enrolments:participant", world, world.enrolment.pk)).content.decode()
    section = page[page.index('id="corrections"') :]
    assert "changed (not shown)" in section
    for number in (IDENTITY, NEW_IDENTITY):
        assert number[-4:] not in section
    logged = " ".join(f"{e.fields} {e.reason}" for e in LogEntry.objects.filter(action="change"))
    assert NEW_IDENTITY[-4:] not in logged and IDENTITY[-4:] not in logged


def test_a_number_of_another_person_is_refused_logged_and_not_shown_back(client, world):
    """The refusal tells the user the number is registered: like the intake's look-up it is
    logged as a read of that other person, and the number is not written back into the page."""
    other = ParticipantFactory(identity=NEW_IDENTITY)
    give_purpose(login(client, world.manager), world.enrolment)
    response = client.post(
        url("enrolments:correct_person", world, world.enrolment.pk),
        person_form_data(world, identity_number=NEW_IDENTITY),
    )
    assert response.status_code == 200
    assert errors_of(response, "identity_number")
    assert Participant.objects.get(pk=world.person.pk).identity_number().digits == IDENTITY
    assert LogEntry.objects.filter(
        action="view",
        object_type="participants.Participant",
        object_id=str(other.pk),
        reason="correction: number registered",
    ).exists()
    page = response.content.decode()
    assert NEW_IDENTITY not in page and NEW_IDENTITY[-4:] not in page


def test_a_refused_new_number_is_not_shown_back(client, world):
    give_purpose(login(client, world.manager), world.enrolment)
    response = client.post(
        url("enrolments:correct_person", world, world.enrolment.pk),
        person_form_data(world, identity_number=NEW_IDENTITY, reason=""),
    )
    assert response.status_code == 200
    assert errors_of(response, "reason")
    assert NEW_IDENTITY[-4:] not in response.content.decode()


def test_an_anonymous_persons_birth_year_is_corrected(world):
    person = AnonymousParticipantFactory(birth_year=1990)
    enrolment = EnrolmentFactory(participant=person, project=world.project)
    correct_participant(
        participant=person,
        project=world.project,
        by=world.case_worker.user,
        values={"birth_year": 1991},
        reason="Skrivfel",
        expected=values_of(person, compared_fields(person)),
    )
    person.refresh_from_db()
    assert person.birth_year == 1991
    assert Correction.objects.get().changes == [
        {"field": "birth_year", "old": "1990", "new": "1991"}
    ]
    assert enrolment.participant_id == person.pk


# --- who may correct ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["provider", "evaluator", "uncovered"])
@pytest.mark.parametrize(
    "name", ["enrolments:correct_person", "enrolments:correct_enrolment", "enrolments:correct_exit"]
)
def test_only_those_who_may_see_and_correct_the_person_reach_the_forms(client, world, who, name):
    login(client, getattr(world, who))
    assert client.get(url(name, world, world.enrolment.pk)).status_code == 404
    response = client.post(url(name, world, world.enrolment.pk), person_form_data(world))
    assert response.status_code == 404
    assert not Correction.objects.exists()


def test_the_correct_links_follow_the_policy(client, world):
    page = login(client, world.case_worker).get(
        url("enrolments:participant", world, world.enrolment.pk)
    )
    assert url("enrolments:correct_person", world, world.enrolment.pk) in page.content.decode()
    manager_page = give_purpose(login(client, world.manager), world.enrolment).get(
        url("enrolments:participant", world, world.enrolment.pk)
    )
    assert "correct/person/" in manager_page.content.decode()


# --- the enrolment and the exit ---------------------------------------------------------------


def test_the_enrolment_baseline_is_corrected_and_the_start_follows_the_rules(world):
    enrolment = world.enrolment
    expected = values_of(enrolment, services.ENROLMENT_CORRECTABLE)
    services.correct_enrolment(
        enrolment=enrolment,
        by=world.case_worker.user,
        values={
            "labour_market_status": "long_term_unemployed",
            "months_without_work": 14,
            "started_on": dt.date(2009, 2, 20),
        },
        reason="Uppgifter från AF",
        expected=expected,
    )
    enrolment.refresh_from_db()
    assert enrolment.labour_market_status == "long_term_unemployed"
    assert enrolment.started_on == dt.date(2009, 2, 20)
    fields = {c["field"] for c in Correction.objects.get().changes}
    assert fields == {"labour_market_status", "months_without_work", "started_on"}
    # A start after the first placement (2009-03-01) is refused on the field.
    with pytest.raises(ValidationError) as refused:
        services.correct_enrolment(
            enrolment=enrolment,
            by=world.case_worker.user,
            values={"started_on": dt.date(2009, 4, 1)},
            reason="Fel",
            expected=values_of(enrolment, services.ENROLMENT_CORRECTABLE),
        )
    assert "started_on" in refused.value.message_dict
    enrolment.refresh_from_db()
    assert enrolment.started_on == dt.date(2009, 2, 20)
    assert Correction.objects.count() == 1


def test_the_enrolment_form_shows_the_saved_values_and_saves_a_correction(client, world):
    login(client, world.case_worker)
    target = url("enrolments:correct_enrolment", world, world.enrolment.pk)
    form = client.get(target).context["form"]
    assert form["referred_on"].value() == dt.date(2009, 2, 1)
    assert form["case_worker"].value() == world.case_worker.user.pk
    data = {
        "referred_on": "2009-01-20",
        "referred_by": "",
        "started_on": "2009-02-15",
        "labour_market_status": "unemployed",
        "months_without_work": "7",
        "income_source": "",
        "swedish_level": "",
        "case_worker": world.case_worker.user.pk,
        "reason": "",
        "original": form["original"].value(),
    }
    refused = client.post(target, data)
    assert refused.status_code == 200 and errors_of(refused, "reason")
    assert client.post(target, {**data, "reason": "Remissen kom tidigare"}).status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.referred_on == dt.date(2009, 1, 20)
    assert world.enrolment.months_without_work == 7
    changes = {c["field"] for c in Correction.objects.get().changes}
    assert changes == {"referred_on", "labour_market_status", "months_without_work"}


def test_the_exit_is_corrected_and_open_follow_ups_move(client, world, english):
    services.exit_enrolment(
        enrolment=world.enrolment,
        by=world.case_worker.user,
        exited_on=dt.date(2009, 9, 1),
        exit_reason="completed",
        exit_status=OutcomeStatus.JOB_SEEKING,
        exit_income_source="social_assistance",
    )
    world.enrolment.refresh_from_db()
    login(client, world.case_worker)
    form = client.get(url("enrolments:correct_exit", world, world.enrolment.pk))
    token = form.context["form"]["original"].value()
    base = {
        "exited_on": "2009-09-15",
        "exit_reason": "completed",
        "exit_status": OutcomeStatus.EMPLOYED_PART_TIME,
        "exit_income_source": "salary",
        "reason": "Slutdatum enligt beslut",
        "original": token,
    }
    # An exit before the start is named on the field; nothing is saved.
    bad = client.post(
        url("enrolments:correct_exit", world, world.enrolment.pk),
        {**base, "exited_on": "2009-01-01"},
    )
    assert bad.status_code == 200 and errors_of(bad, "exited_on")
    assert FollowUp.objects.get(enrolment=world.enrolment).due_on == dt.date(2009, 11, 30)
    good = client.post(url("enrolments:correct_exit", world, world.enrolment.pk), base)
    assert good.status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.exited_on == dt.date(2009, 9, 15)
    assert world.enrolment.exit_status == OutcomeStatus.EMPLOYED_PART_TIME
    assert FollowUp.objects.get(enrolment=world.enrolment).due_on == dt.date(2009, 12, 14)
    assert StatusChange.objects.get(
        enrolment=world.enrolment, to_status=Status.EXITED
    ).changed_on == dt.date(2009, 9, 15)
    correction = Correction.objects.get()
    assert correction.kind == Correction.Kind.EXIT
    assert {c["field"] for c in correction.changes} == {
        "exited_on",
        "exit_status",
        "exit_income_source",
    }


def test_a_corrected_exit_moves_the_placements_that_ended_at_the_exit(world):
    intervention_services.record_hours(
        by=world.provider.user,
        participation=world.participation,
        held_on=dt.date(2009, 8, 20),
        hours=3,
    )
    services.exit_enrolment(
        enrolment=world.enrolment,
        by=world.case_worker.user,
        exited_on=dt.date(2009, 9, 1),
        exit_reason="completed",
        exit_status=OutcomeStatus.JOB_SEEKING,
        exit_income_source="social_assistance",
    )
    world.participation.refresh_from_db()
    assert world.participation.completion == Participation.Completion.ENDED
    assert world.participation.ended_on == dt.date(2009, 9, 1)
    world.enrolment.refresh_from_db()

    def correct(on):
        services.correct_exit(
            enrolment=world.enrolment,
            by=world.case_worker.user,
            values={"exited_on": on},
            reason="Rätt slutdatum",
            expected=values_of(world.enrolment, services.EXIT_CORRECTABLE),
        )
        world.enrolment.refresh_from_db()

    # Before the attendance recorded on 2009-08-20: refused, naming the date.
    with pytest.raises(ValidationError) as refused:
        correct(dt.date(2009, 8, 15))
    assert "2009-08-20" in refused.value.message_dict["exited_on"][0]
    # Outside the project's period (2009-01-01 – 2011-12-31): refused.
    world.project.starts_on = dt.date(2009, 8, 25)
    world.project.save()
    with pytest.raises(ValidationError) as outside:
        correct(dt.date(2009, 8, 24))
    assert "exited_on" in outside.value.message_dict
    correct(dt.date(2009, 8, 28))
    world.participation.refresh_from_db()
    assert world.participation.ended_on == dt.date(2009, 8, 28)
    assert world.participation.attended_hours == 3


# --- follow-ups ------------------------------------------------------------------------------


def test_a_recorded_follow_up_is_corrected(client, world):
    follow_up = exit_and_follow_up(world)
    login(client, world.case_worker)
    page = client.get(url("enrolments:participant", world, world.enrolment.pk)).content.decode()
    correct_url = url("enrolments:correct_follow_up", world, world.enrolment.pk, follow_up.pk)
    assert correct_url in page
    form = client.get(correct_url)
    assert form.context["form"]["status"].value() == OutcomeStatus.JOB_SEEKING
    response = client.post(
        correct_url,
        {
            "reached": "yes",
            "status": OutcomeStatus.EMPLOYED_FULL_TIME,
            "income_source": "salary",
            "source": "employer",
            "recorded_on": "2009-12-01",
            "reason": "Arbetsgivaren bekräftade anställningen",
            "original": form.context["form"]["original"].value(),
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == OutcomeStatus.EMPLOYED_FULL_TIME
    changes = {c["field"]: (c["old"], c["new"]) for c in Correction.objects.get().changes}
    assert changes["status"] == (OutcomeStatus.JOB_SEEKING, OutcomeStatus.EMPLOYED_FULL_TIME)
    assert Correction.objects.get().title() == "Follow-up at day 90"
    # A reached follow-up without a status is named on the field, nothing saved.
    with pytest.raises(ValidationError) as refused:
        services.correct_follow_up(
            follow_up=follow_up,
            by=world.case_worker.user,
            values={"reached": True, "status": "", "source": "employer"},
            reason="x",
            expected=values_of(follow_up, services.FOLLOW_UP_CORRECTABLE),
        )
    assert "status" in refused.value.message_dict


def test_a_correction_in_a_locked_snapshots_period_shows_the_difference(client, world, english):
    follow_up = exit_and_follow_up(world)
    manager = world.manager.user
    goal_services.create_goal(
        project=world.project,
        key="work-at-90",
        title="I arbete efter 90 dagar",
        title_en="In work after 90 days",
        template="follow_up_share",
        parameters={"target": 0.5},
        by=manager,
    )
    snapshot = lock_snapshot(
        project=world.project,
        label="2009",
        period_start=dt.date(2009, 1, 1),
        period_end=dt.date(2009, 12, 31),
        by=manager,
    )
    services.correct_follow_up(
        follow_up=follow_up,
        by=world.case_worker.user,
        values={"status": OutcomeStatus.EMPLOYED_FULL_TIME, "source": "employer"},
        reason="Anställd enligt arbetsgivaren",
        expected=values_of(follow_up, services.FOLLOW_UP_CORRECTABLE),
    )
    login(client, world.manager)
    with translation.override("en"):
        detail = reverse(
            "goal_snapshots:detail",
            kwargs={"project_id": world.project.pk, "snapshot_id": snapshot.pk},
        )
    html = client.get(detail).content.decode()
    section = re.search(r'id="goal-work-at-90".*?</section>', html, re.S).group(0)
    assert "0 / 1" in section  # locked
    assert "1 / 1" in section  # today, after the correction
    assert "+1 / 0" in section


# --- attendance --------------------------------------------------------------------------------


def test_attendance_corrections_keep_the_attended_hours_consistent(client, world):
    participation = world.participation
    intervention_services.record_hours(
        by=world.provider.user, participation=participation, held_on=dt.date(2009, 3, 2), hours=3
    )
    session = intervention_services.record_group_session(
        by=world.provider.user,
        intervention=world.intervention,
        held_on=dt.date(2009, 3, 3),
        length_hours=Decimal(2),
        rows=[(participation, Decimal(2))],
    )
    participation.refresh_from_db()
    assert participation.attended_hours == 5
    single = AttendanceRecord.objects.get(session__isnull=True)
    in_session = AttendanceRecord.objects.get(session=session)
    login(client, world.provider)
    listing = client.get(url("interventions:participation_records", world, participation.pk))
    assert listing.status_code == 200
    correct_single = url("interventions:correct_attendance", world, participation.pk, single.pk)
    assert correct_single in listing.content.decode()
    form = client.get(correct_single)
    token = form.context["form"]["original"].value()
    # More than the session's length is refused on the field.
    correct_session = url(
        "interventions:correct_attendance", world, participation.pk, in_session.pk
    )
    session_token = client.get(correct_session).context["form"]["original"].value()
    too_long = client.post(
        correct_session, {"hours": "3", "reason": "Fel", "original": session_token}
    )
    assert too_long.status_code == 200 and errors_of(too_long, "hours")
    # Correct the single recording from 3 to 1 hours.
    response = client.post(correct_single, {"hours": "1", "reason": "Gick hem", "original": token})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.attended_hours == 3
    # Remove the session's row.
    response = client.post(
        correct_session, {"remove": "on", "reason": "Var inte där", "original": session_token}
    )
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.attended_hours == 1
    assert not AttendanceRecord.objects.filter(pk=in_session.pk).exists()
    assert participation.attended_hours == sum(
        r.hours for r in AttendanceRecord.objects.filter(participation=participation)
    )
    corrections = list(Correction.objects.order_by("at", "pk"))
    assert [c.kind for c in corrections] == [Correction.Kind.ATTENDANCE] * 2
    assert corrections[0].changes == [{"field": "hours", "old": "3", "new": "1"}]
    assert corrections[1].removed and corrections[1].changes[0]["old"] == "2"
    assert corrections[1].by == world.provider.user


def test_another_provider_cannot_correct_attendance(client, world):
    intervention_services.record_hours(
        by=world.provider.user,
        participation=world.participation,
        held_on=dt.date(2009, 3, 2),
        hours=3,
    )
    record = AttendanceRecord.objects.get()
    login(client, world.other_provider)
    target = url("interventions:correct_attendance", world, world.participation.pk, record.pk)
    assert client.get(target).status_code == 404
    assert client.post(target, {"hours": "0", "reason": "x"}).status_code == 404
    # A case worker has no attendance capability at all.
    login(client, world.case_worker)
    assert client.get(target).status_code == 403
    assert Participation.objects.get().attended_hours == 3


# --- the plan's steps -------------------------------------------------------------------------


def test_the_order_of_the_plans_steps_is_corrected_with_history(client, world):
    plan = save_plan_version(
        enrolment=world.enrolment,
        goals="Arbete inom bygg",
        steps=[
            {"description": "SFI kurs C", "responsible_organisation": world.org_a},
            {"description": "Praktik", "responsible_organisation": world.org_a},
            {"description": "Körkort", "responsible_organisation": world.org_a},
        ],
        by=world.case_worker.user,
    )
    steps = list(plan.steps.order_by("order"))
    login(client, world.case_worker)
    target = url("plans:plan_steps_order", world, world.enrolment.pk)
    form = client.get(target).context["form"]
    data = {
        f"position_{steps[0].pk}": "2",
        f"position_{steps[1].pk}": "1",
        f"position_{steps[2].pk}": "3",
        "reason": "Praktiken börjar först",
        "original": form["original"].value(),
    }
    shared = client.post(target, {**data, f"position_{steps[2].pk}": "2"})
    assert shared.status_code == 200 and shared.context["form"].non_field_errors()
    assert client.post(target, data).status_code == 302
    assert [s.description for s in plan.steps.order_by("order")] == [
        "Praktik",
        "SFI kurs C",
        "Körkort",
    ]
    correction = Correction.objects.get()
    assert correction.kind == Correction.Kind.PLAN_STEPS
    assert {(c["subject"], c["old"], c["new"]) for c in correction.changes} == {
        ("SFI kurs C", "1", "2"),
        ("Praktik", "2", "1"),
    }
    # A second save with the old token is refused: the order changed meanwhile.
    with pytest.raises(ValidationError):
        reorder_steps(
            plan=plan,
            by=world.case_worker.user,
            order=[s.pk for s in steps],
            reason="Tillbaka",
            expected={"steps": ",".join(str(s.pk) for s in steps)},
        )
    assert step_order_token_values(plan)["steps"] == ",".join(
        str(pk) for pk in (steps[1].pk, steps[0].pk, steps[2].pk)
    )


# --- the figures go stale ---------------------------------------------------------------------


def test_every_counted_correction_sends_counted_data_changed(world):
    calls = []

    def receiver(sender, **kwargs):
        kwargs.pop("signal", None)
        calls.append((sender.__name__, kwargs))

    counted_data_changed.connect(receiver, dispatch_uid="test-corrections")
    try:
        person = world.person
        correct_participant(
            participant=person,
            project=world.project,
            by=world.case_worker.user,
            values={"gender": "man"},
            reason="Fel kön",
            expected=values_of(person, compared_fields(person)),
        )
        # The person's enrolments are named too: the goals' fact rows of those alone are rebuilt.
        assert calls[-1] == (
            "Participant",
            {"project_ids": [world.project.pk], "enrolment_ids": [world.enrolment.pk]},
        )
        intervention_services.record_hours(
            by=world.provider.user,
            participation=world.participation,
            held_on=dt.date(2009, 3, 2),
            hours=3,
        )
        record = AttendanceRecord.objects.get()
        calls.clear()
        intervention_services.correct_attendance(
            by=world.provider.user,
            record=record,
            hours=Decimal(2),
            reason="Fel timmar",
            expected=values_of(record, ("held_on", "hours")),
        )
        assert ("Participation", {"enrolment_ids": [world.enrolment.pk]}) in calls
        follow_up = exit_and_follow_up(world)
        calls.clear()
        services.correct_follow_up(
            follow_up=follow_up,
            by=world.case_worker.user,
            values={"reached": False},
            reason="Svarade inte, fel registrerat",
            expected=values_of(follow_up, services.FOLLOW_UP_CORRECTABLE),
        )
        assert calls == [
            (
                "Enrolment",
                {"project_ids": [world.project.pk], "enrolment_ids": [world.enrolment.pk]},
            )
        ]
    finally:
        counted_data_changed.disconnect(dispatch_uid="test-corrections")


def test_a_correction_makes_the_summary_stale(world):
    from goals.models import ProjectSummary
    from goals.summaries import refresh

    refresh(world.project)
    before = ProjectSummary.objects.get(project=world.project).data_version
    person = world.person
    correct_participant(
        participant=person,
        project=world.project,
        by=world.case_worker.user,
        values={"gender": "man"},
        reason="Fel kön",
        expected=values_of(person, compared_fields(person)),
    )
    assert ProjectSummary.objects.get(project=world.project).data_version > before


def test_value_of_never_gives_the_number(world):
    fingerprint = value_of(world.person, "identity_number")
    assert IDENTITY not in fingerprint and IDENTITY[-4:] not in fingerprint
