"""Dates inside the project's period (issue 11): every form and service that takes a date of the
case work refuses one outside Project.starts_on–ends_on with a message naming the field and the
period (core/periods.py, the one rule); follow-ups may fall in the follow-up time after the end;
the import names the row and column; a manager extends the period with a reason, kept as
history, and cannot shorten it below what is recorded. A hypothesis test throws random dates at
every service and checks that nothing outside the period is ever stored."""

import datetime as dt
import html
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.models import LogEntry, ProjectPeriodChange, Role
from core.periods import follow_up_until, period_error
from enrolments import registration
from enrolments import services as enrolment_services
from enrolments.models import ContactNote, Enrolment, FollowUp, Status, StatusChange
from interventions import services as intervention_services
from interventions.models import AttendanceRecord, AttendanceSession, Participation

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
)

pytestmark = pytest.mark.django_db

START, END = dt.date(2008, 7, 1), dt.date(2010, 6, 30)


def period_message(language, field, start="2008-07-01", end="2010-06-30"):
    with translation.override(language):
        return gettext("%(field)s must be within the project's period %(start)s–%(end)s.") % {
            "field": field,
            "start": start,
            "end": end,
        }


def make_world(settings, today="2010-06-30"):
    """The issue's project: 2008-07-01 – 2010-06-30, follow-ups at day 90 and 180."""
    settings.FOLJSAM_TODAY = today
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    owner = OrganisationFactory(name="Malmö stad")
    project = ProjectFactory(title="Framtid i Fokus", owner=owner, starts_on=START, ends_on=END)
    manager = MembershipFactory(project=project, organisation=owner, role=Role.MANAGER)
    case_worker = MembershipFactory(project=project, organisation=owner, role=Role.CASE_WORKER)
    provider = MembershipFactory(project=project, role=Role.PROVIDER)
    person = ParticipantFactory(given_name="Leyla", family_name="Ahmadi")
    ConsentFactory(participant=person, project=project, organisations=[owner])
    enrolment = EnrolmentFactory(
        participant=person,
        project=project,
        case_worker=case_worker.user,
        referred_on=dt.date(2009, 2, 1),
        started_on=dt.date(2009, 2, 15),
    )
    intervention = InterventionFactory(project=project, provider=provider.organisation)
    participation = ParticipationFactory(
        intervention=intervention, enrolment=enrolment, started_on=dt.date(2009, 3, 1)
    )
    return SimpleNamespace(
        project=project,
        owner=owner,
        manager=manager,
        case_worker=case_worker,
        provider=provider,
        person=person,
        enrolment=enrolment,
        intervention=intervention,
        participation=participation,
    )


@pytest.fixture
def world(settings):
    return make_world(settings)


def exit_on(world, on):
    return enrolment_services.exit_enrolment(
        enrolment=world.enrolment,
        by=world.case_worker.user,
        exited_on=on,
        exit_reason="completed",
        exit_status="employed_full_time",
        exit_income_source="salary",
    )


# --- the rule ---------------------------------------------------------------------------------


def test_the_rule_accepts_the_period_and_its_ends_and_names_the_field_and_period(world):
    project = world.project
    for inside in (START, END, dt.date(2009, 6, 1)):
        assert period_error(project, inside, "Startdatum") is None
    assert period_error(project, None, "Startdatum") is None
    with translation.override("en"):
        message = period_error(project, END + dt.timedelta(days=1), "Start date")
    assert message == "Start date must be within the project's period 2008-07-01–2010-06-30."
    assert period_error(project, START - dt.timedelta(days=1), "X") is not None


def test_follow_ups_may_fall_up_to_the_longest_follow_up_day_after_the_end(world):
    project = world.project
    assert follow_up_until(project) == END + dt.timedelta(days=180)
    assert period_error(project, END + dt.timedelta(days=180), "X", follow_up=True) is None
    with translation.override("en"):
        late = period_error(project, END + dt.timedelta(days=181), "Recorded on", follow_up=True)
    assert "Recorded on" in late and "2008-07-01–2010-06-30" in late and "2010-12-27" in late
    assert period_error(project, START - dt.timedelta(days=1), "X", follow_up=True) is not None
    project.follow_up_days = [90, 365]
    assert follow_up_until(project) == END + dt.timedelta(days=365)


# --- the bug: an enrolment in 2015 in a project that ended in 2010 -----------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_enrolment_starting_after_the_project_ended_is_refused(client, settings, language):
    world = make_world(settings, today="2015-06-22")
    client.force_login(world.case_worker.user)
    with translation.override(language):
        path = reverse("participants:register_anonymous", kwargs={"project_id": world.project.pk})
    before = Enrolment.objects.count()
    response = client.post(
        path,
        {
            "gender": "man",
            "birth_year": "1990",
            "region_of_birth": "outside_europe",
            "education_level": "primary",
            "referred_on": "2015-06-22",
            "started_on": "2015-06-22",
            "case_worker": world.case_worker.user.pk,
        },
    )
    assert response.status_code == 200
    assert Enrolment.objects.count() == before
    with translation.override(language):
        referred = str(Enrolment._meta.get_field("referred_on").verbose_name).capitalize()
    content = response.content.decode()
    assert period_message(language, referred) in html.unescape(content)


def test_the_intake_service_refuses_a_start_outside_the_period(settings):
    world = make_world(settings, today="2011-01-01")
    data = {
        "referred_on": dt.date(2010, 6, 1),
        "started_on": dt.date(2010, 7, 1),
        "case_worker": world.case_worker.user,
    }
    with pytest.raises(ValidationError) as refused:
        registration.register_anonymous(
            project=world.project,
            by=world.case_worker.user,
            person_data={"gender": "man", "birth_year": 1990},
            enrolment_data=data,
        )
    assert set(refused.value.message_dict) == {"started_on"}
    assert "2008-07-01" in refused.value.message_dict["started_on"][0]


# --- each form names the field ----------------------------------------------------------------


def participant_url(world, name, *args):
    with translation.override("en"):
        return reverse(f"enrolments:{name}", args=[world.project.pk, world.enrolment.pk, *args])


def test_the_exit_form_refuses_an_exit_after_the_period(client, settings):
    world = make_world(settings, today="2010-09-01")
    client.force_login(world.case_worker.user)
    response = client.post(
        participant_url(world, "exit"),
        {
            "exited_on": "2010-07-15",
            "exit_reason": "completed",
            "exit_status": "employed_full_time",
            "exit_income_source": "salary",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["exited_on"] == [period_message("en", "Exit date")]
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.status == Status.ACTIVE and not enrolment.follow_ups.exists()
    assert Participation.objects.get(pk=world.participation.pk).completion == "ongoing"


def test_the_status_form_refuses_a_date_after_the_period(client, settings):
    world = make_world(settings, today="2010-09-01")
    client.force_login(world.case_worker.user)
    response = client.post(
        participant_url(world, "change_status"), {"status": "paused", "on": "2010-07-02"}
    )
    assert response.status_code == 200
    assert period_message("en", "Date") in html.unescape(response.content.decode())
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.ACTIVE


def test_notes_are_dated_within_the_period_or_after_the_exit_in_the_follow_up_time(settings):
    world = make_world(settings, today="2011-03-01")

    def note(on):
        return enrolment_services.add_note(
            enrolment=Enrolment.objects.get(pk=world.enrolment.pk),
            by=world.case_worker.user,
            organisation=world.owner,
            happened_on=on,
            kind="phone",
            text="Samtal",
            visibility="project",
        )

    with pytest.raises(ValidationError) as refused:
        note(dt.date(2010, 8, 1))  # after the period, and the person has not exited
    assert "happened_on" in refused.value.message_dict
    exit_on(world, dt.date(2010, 6, 1))
    note(dt.date(2010, 8, 1))  # the follow-up call after the exit: allowed
    with pytest.raises(ValidationError):
        note(dt.date(2011, 1, 1))  # beyond the follow-up time (2010-12-27)
    assert ContactNote.objects.count() == 1


def test_a_follow_up_after_the_end_is_recorded_within_the_follow_up_time(settings):
    world = make_world(settings, today="2011-03-01")
    exit_on(world, dt.date(2010, 6, 20))
    day_90, day_180 = FollowUp.objects.filter(enrolment=world.enrolment).order_by("day")
    enrolment_services.record_follow_up(
        follow_up=day_90,
        by=world.case_worker.user,
        reached=True,
        status="employed_full_time",
        source="participant",
        recorded_on=dt.date(2010, 9, 20),
    )
    # Day 180 is due 2010-12-17; the follow-up time ends 2010-12-27.
    with pytest.raises(ValidationError) as refused:
        enrolment_services.record_follow_up(
            follow_up=day_180,
            by=world.case_worker.user,
            reached=False,
            recorded_on=dt.date(2011, 1, 10),
        )
    assert "recorded_on" in refused.value.message_dict
    enrolment_services.record_follow_up(
        follow_up=day_180,
        by=world.case_worker.user,
        reached=False,
        recorded_on=dt.date(2010, 12, 20),
    )
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.status == Status.FOLLOWED_UP


def test_placements_and_attendance_refuse_dates_after_the_period(settings):
    world = make_world(settings, today="2010-09-01")
    other = InterventionFactory(project=world.project, provider=world.provider.organisation)
    with pytest.raises(ValidationError) as refused:
        intervention_services.place_participant(
            by=world.case_worker.user,
            enrolment=world.enrolment,
            intervention=other,
            started_on=dt.date(2010, 7, 1),
        )
    assert "started_on" in refused.value.message_dict
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            intervention_services.record_hours(
                by=world.provider.user,
                participation=world.participation,
                held_on=dt.date(2010, 7, 5),
                hours=Decimal(3),
            )
    assert refused.value.message_dict["held_on"] == [period_message("en", "Date")]
    with pytest.raises(ValidationError) as refused:
        intervention_services.record_hours(
            by=world.provider.user,
            participation=world.participation,
            completion="completed",
            ended_on=dt.date(2010, 7, 5),
        )
    assert "ended_on" in refused.value.message_dict
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            intervention_services.record_group_session(
                by=world.provider.user,
                intervention=world.intervention,
                held_on=dt.date(2010, 7, 5),
                length_hours=Decimal(3),
                rows=[(world.participation, Decimal(3))],
            )
    assert refused.value.message_dict["held_on"] == [period_message("en", "Session date")]
    assert not AttendanceRecord.objects.exists() and not AttendanceSession.objects.exists()
    assert Participation.objects.count() == 1


def test_the_group_session_form_names_the_date_and_the_period(client, settings):
    world = make_world(settings, today="2010-09-01")
    client.force_login(world.provider.user)
    with translation.override("en"):
        path = reverse(
            "interventions:group_session",
            kwargs={"project_id": world.project.pk, "intervention_id": world.intervention.pk},
        )
    response = client.post(
        path,
        {
            "held_on": "2010-07-05",
            "length_hours": "3",
            "row_ids": str(world.participation.pk),
            f"hours_{world.participation.pk}": "3",
        },
    )
    assert response.status_code == 200
    assert period_message("en", "Session date") in html.unescape(response.content.decode())


# --- the import ---------------------------------------------------------------------------------


def test_import_rows_outside_the_period_are_named_by_row_and_column(settings):
    from imports.validation import check

    from .test_import import person_row, to_csv

    world = make_world(settings, today="2011-01-01")
    rows = [
        person_row(1, **{"Målgrupper": "", "Område": ""}),
        person_row(2, **{"Målgrupper": "", "Område": "", "Startdatum": "2010-07-01"}),
        person_row(3, **{"Målgrupper": "", "Område": "", "Anvisningsdatum": "2008-06-01"}),
    ]
    plan = check(to_csv(rows), filename="f.csv", project=world.project, user=world.manager.user)
    errors = {(row, column): message for row, column, message in plan.errors()}
    assert set(errors) == {(3, "Startdatum"), (4, "Anvisningsdatum")}, errors
    assert "2008-07-01" in errors[(3, "Startdatum")]
    assert "Startdatum" in errors[(3, "Startdatum")]


# --- the manager extends the period ---------------------------------------------------------


def period_path(world, language="en"):
    with translation.override(language):
        return reverse("core:project_period", kwargs={"project_id": world.project.pk})


def test_only_the_manager_opens_the_period_page_linked_from_the_project_page(client, world):
    with translation.override("en"):
        project_page = reverse("core:project_detail", args=[world.project.pk])
    client.force_login(world.manager.user)
    assert period_path(world) in client.get(project_page).content.decode()
    assert client.get(period_path(world)).status_code == 200
    for member in (world.case_worker, world.provider):
        client.force_login(member.user)
        assert period_path(world) not in client.get(project_page).content.decode()
        assert client.get(period_path(world)).status_code == 403


def test_the_manager_extends_the_period_with_a_reason_kept_as_history(client, world):
    client.force_login(world.manager.user)
    response = client.post(
        period_path(world),
        {"starts_on": "2008-07-01", "ends_on": "2011-06-30", "reason": "ESF extended us."},
    )
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.ends_on == dt.date(2011, 6, 30)
    change = ProjectPeriodChange.objects.get()
    assert (change.old_ends_on, change.new_ends_on) == (END, dt.date(2011, 6, 30))
    assert change.changed_by == world.manager.user and change.reason == "ESF extended us."
    assert timezone.localdate(change.changed_at) == dt.date(2010, 6, 30)  # the product's clock
    entry = LogEntry.objects.get(object_type="core.Project", action="change")
    assert entry.fields == ["ends_on", "starts_on"]
    page = client.get(response["Location"]).content.decode()
    assert "ESF extended us." in page and "2008-07-01–2011-06-30" in page
    # A start after the old end is now accepted.
    registration.create_enrolment(
        project=world.project,
        participant=AnonymousParticipantFactory(),
        by=world.manager.user,
        enrolment_data={
            "referred_on": dt.date(2010, 6, 30),
            "case_worker": world.case_worker.user,
        },
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"starts_on": "2008-07-01", "ends_on": "2011-06-30", "reason": "  "}, "reason"),
        ({"starts_on": "2008-07-01", "ends_on": "2008-06-30", "reason": "x"}, "ends_on"),
        ({"starts_on": "2008-07-01", "ends_on": "2010-06-30", "reason": "x"}, "ends_on"),
        ({"starts_on": "", "ends_on": "2011-06-30", "reason": "x"}, "starts_on"),
    ],
)
def test_a_bad_period_change_names_the_field_and_saves_nothing(client, world, data, field):
    client.force_login(world.manager.user)
    response = client.post(period_path(world), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    world.project.refresh_from_db()
    assert (world.project.starts_on, world.project.ends_on) == (START, END)
    assert not ProjectPeriodChange.objects.exists()


def test_shortening_below_recorded_dates_is_refused_naming_how_many(client, world):
    """Recorded before 2009-03-01: the enrolment (referral 2009-02-01, start 2009-02-15) and a
    placement (2009-02-20)."""
    ParticipationFactory(
        intervention=InterventionFactory(project=world.project),
        enrolment=world.enrolment,
        started_on=dt.date(2009, 2, 20),
    )
    client.force_login(world.manager.user)
    response = client.post(
        period_path(world),
        {"starts_on": "2009-03-01", "ends_on": "2010-06-30", "reason": "Wrong start."},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["starts_on"]
    assert errors[0] == (
        "2 recorded dates fall outside 2009-03-01–2010-06-30 (enrolments: 1, placements: 1): "
        "the period cannot be shortened below the dates already recorded."
    )
    world.project.refresh_from_db()
    assert world.project.starts_on == START and not ProjectPeriodChange.objects.exists()


def test_shortening_is_allowed_when_nothing_falls_outside(world):
    from core.periods import change_period

    change_period(
        project=world.project,
        by=world.manager.user,
        starts_on=dt.date(2009, 1, 1),
        ends_on=dt.date(2010, 6, 30),
        reason="The start was entered wrong.",
    )
    world.project.refresh_from_db()
    assert world.project.starts_on == dt.date(2009, 1, 1)


def test_a_follow_up_after_the_end_does_not_block_shortening_while_within_the_new_follow_up_time(
    settings,
):
    from core.periods import change_period, records_outside

    world = make_world(settings, today="2010-12-31")
    exit_on(world, dt.date(2010, 5, 1))
    day_90 = FollowUp.objects.filter(enrolment=world.enrolment).order_by("day").first()
    enrolment_services.record_follow_up(
        follow_up=day_90,
        by=world.case_worker.user,
        reached=False,
        recorded_on=dt.date(2010, 7, 30),
    )
    assert records_outside(world.project, START, dt.date(2010, 5, 31)) == []
    change_period(
        project=world.project,
        by=world.manager.user,
        starts_on=START,
        ends_on=dt.date(2010, 5, 31),
        reason="Closed a month early.",
    )
    # The follow-up (2010-07-30) lies outside a period ending 2010-01-30 and its follow-up time
    # (until 2010-07-29).
    with translation.override("en"):
        outside = dict(records_outside(world.project, START, dt.date(2010, 1, 30)))
    assert outside["follow-ups"] == 1


# --- a property: no service ever stores a date outside the period ------------------------------

dates = st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2011, 6, 30))


def stored_dates_outside(project) -> list:
    """Every date of the project's case work outside the period (follow-ups: the follow-up
    time), read straight from the tables."""
    end, until = project.ends_on, follow_up_until(project)
    found = []

    def check(label, values, last=end):
        found.extend((label, v) for v in values if v is not None and not (START <= v <= last))

    enrolments = Enrolment.objects.filter(project=project)
    for field in ("referred_on", "started_on", "exited_on"):
        check(field, enrolments.values_list(field, flat=True))
    changes = StatusChange.objects.filter(enrolment__project=project)
    check(
        "status", changes.exclude(to_status=Status.FOLLOWED_UP).values_list("changed_on", flat=True)
    )
    check(
        "followed up",
        changes.filter(to_status=Status.FOLLOWED_UP).values_list("changed_on", flat=True),
        until,
    )
    check(
        "follow-up",
        FollowUp.objects.filter(enrolment__project=project).values_list("recorded_on", flat=True),
        until,
    )
    check(
        "note",
        ContactNote.objects.filter(enrolment__project=project).values_list(
            "happened_on", flat=True
        ),
        until,
    )
    participations = Participation.objects.filter(intervention__project=project)
    for field in ("started_on", "ended_on"):
        check(field, participations.values_list(field, flat=True))
    check(
        "session",
        AttendanceSession.objects.filter(intervention__project=project).values_list(
            "held_on", flat=True
        ),
    )
    check(
        "record",
        AttendanceRecord.objects.filter(participation__intervention__project=project).values_list(
            "held_on", flat=True
        ),
    )
    return found


def attempt(call):
    try:
        with transaction.atomic():
            call()
    except ValidationError:
        pass


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    referred=dates,
    started=dates,
    placed=dates,
    held=dates,
    ended=dates,
    note=dates,
    exited=dates,
    recorded=st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2011, 6, 30)),
)
def test_no_service_stores_a_date_outside_the_period(
    settings, referred, started, placed, held, ended, note, exited, recorded
):
    settings.FOLJSAM_TODAY = "2011-06-30"
    with transaction.atomic():
        world = make_world(settings, today="2011-06-30")
        user = world.case_worker.user
        project = world.project
        holder = {}

        def enrol():
            holder["enrolment"] = registration.create_enrolment(
                project=project,
                participant=AnonymousParticipantFactory(),
                by=user,
                enrolment_data={
                    "referred_on": referred,
                    "started_on": started,
                    "case_worker": user,
                },
            )

        attempt(enrol)
        enrolment = holder.get("enrolment") or world.enrolment
        if enrolment.status == Status.REFERRED:
            attempt(
                lambda: enrolment_services.record_status_change(
                    enrolment=enrolment, new_status=Status.ACTIVE, by=user, on=started
                )
            )
            enrolment.refresh_from_db()
        other = InterventionFactory(project=project, provider=world.provider.organisation)
        attempt(
            lambda: intervention_services.place_participant(
                by=user, enrolment=enrolment, intervention=other, started_on=placed
            )
        )
        attempt(
            lambda: intervention_services.record_hours(
                by=user, participation=world.participation, held_on=held, hours=Decimal(2)
            )
        )
        attempt(
            lambda: intervention_services.record_group_session(
                by=user,
                intervention=world.intervention,
                held_on=held,
                length_hours=Decimal(2),
                rows=[(Participation.objects.get(pk=world.participation.pk), Decimal(1))],
            )
        )
        attempt(
            lambda: intervention_services.record_hours(
                by=user,
                participation=Participation.objects.get(pk=world.participation.pk),
                completion="completed",
                ended_on=ended,
            )
        )
        attempt(
            lambda: enrolment_services.add_note(
                enrolment=enrolment,
                by=user,
                organisation=world.owner,
                happened_on=note,
                kind="phone",
                text="Samtal",
                visibility="project",
            )
        )
        attempt(
            lambda: enrolment_services.exit_enrolment(
                enrolment=enrolment,
                by=user,
                exited_on=exited,
                exit_reason="completed",
                exit_status="studies",
                exit_income_source="none",
            )
        )
        for follow_up in FollowUp.objects.filter(enrolment=enrolment):
            attempt(
                lambda follow_up=follow_up: enrolment_services.record_follow_up(
                    follow_up=follow_up, by=user, reached=False, recorded_on=recorded
                )
            )
        attempt(
            lambda: enrolment_services.add_note(
                enrolment=Enrolment.objects.get(pk=enrolment.pk),
                by=user,
                organisation=world.owner,
                happened_on=recorded,
                kind="phone",
                text="Uppföljning",
                visibility="project",
            )
        )
        assert stored_dates_outside(project) == []
        transaction.set_rollback(True)
