"""An exit ends the person's placements (issue 11): ongoing participations end at the exit date
("ended at exit", the hours kept) in the exit's transaction — through the exit form, the service
and the spreadsheet import; the exited person leaves the group sessions after the exit; the
participant page offers "Re-enrol" instead of placing or changing the status, and the place and
status pages refuse an exited enrolment with a message."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.models import LogEntry, Role
from enrolments.models import Enrolment, Status
from enrolments.services import exit_enrolment, record_status_change
from interventions import services as intervention_services
from interventions.models import AttendanceRecord, AttendanceSession, Participation

from .factories import (
    InterventionFactory,
    MembershipFactory,
    ParticipationFactory,
)
from .purposes import give_purpose
from .test_participant_page import en, login, make_world, page_text
from .test_participant_page import url as participant_page_url

pytestmark = pytest.mark.django_db

C = Participation.Completion
EXIT = {"exited_on": "2009-12-01", "exit_reason": "completed",
        "exit_status": "employed_full_time", "exit_income_source": "salary"}  # fmt: skip


@pytest.fixture
def world(settings):
    """test_participant_page's world (today 2010-01-01), the participant placed in two group
    interventions of the provider's organisation (ongoing, hours attended), one placement
    completed earlier, and one planned to start after the exit date."""
    world = make_world(settings)
    provider_org = world.provider.organisation
    world.group = InterventionFactory(
        project=world.project, name="Svenska i vardagen", provider=provider_org
    )
    world.cafe = InterventionFactory(project=world.project, name="Språkcafé", provider=provider_org)
    world.old = InterventionFactory(project=world.project, name="Studiebesök")
    world.later = InterventionFactory(project=world.project, name="Praktik vår")
    world.ongoing = ParticipationFactory(
        intervention=world.group,
        enrolment=world.enrolment,
        started_on=dt.date(2009, 3, 1),
        attended_hours=Decimal("12.5"),
    )
    world.ongoing_cafe = ParticipationFactory(
        intervention=world.cafe,
        enrolment=world.enrolment,
        started_on=dt.date(2009, 4, 1),
        attended_hours=Decimal("3"),
    )
    world.completed = ParticipationFactory(
        intervention=world.old,
        enrolment=world.enrolment,
        started_on=dt.date(2009, 3, 1),
        ended_on=dt.date(2009, 5, 1),
        completion=C.COMPLETED,
        attended_hours=Decimal("8"),
    )
    world.planned = ParticipationFactory(
        intervention=world.later,
        enrolment=world.enrolment,
        started_on=dt.date(2009, 12, 20),
        attended_hours=Decimal("0"),
    )
    # A second participant in the same group, who stays.
    other = make_other(world)
    world.other = ParticipationFactory(
        intervention=world.group, enrolment=other, started_on=dt.date(2009, 3, 1)
    )
    return world


def make_other(world):
    from .factories import ConsentFactory, EnrolmentFactory, ParticipantFactory

    person = ParticipantFactory(given_name="Omar", family_name="Berg")
    ConsentFactory(participant=person, project=world.project, organisations=[world.org_a])
    return EnrolmentFactory(participant=person, project=world.project)


def exit_now(world, on=dt.date(2009, 12, 1)):
    return exit_enrolment(
        enrolment=world.enrolment,
        by=world.case_worker.user,
        exited_on=on,
        exit_reason="completed",
        exit_status="employed_full_time",
        exit_income_source="salary",
    )


def sv_reverse(name, **kwargs):
    """The unprefixed (Swedish) path, whatever language a previous request left active."""
    with translation.override("sv"):
        return reverse(name, kwargs=kwargs)


def url(name, world, *args):
    with translation.override("sv"):
        return participant_page_url(name, world, *args)


def reload(participation):
    return Participation.objects.get(pk=participation.pk)


# --- the exit ends the placements ------------------------------------------------------------


def test_the_exit_form_ends_every_ongoing_placement_at_the_exit_date_with_hours_kept(client, world):
    response = login(client, world.case_worker).post(url("exit", world, world.enrolment.pk), EXIT)
    assert response.status_code == 302
    for participation, hours in ((world.ongoing, "12.5"), (world.ongoing_cafe, "3")):
        ended = reload(participation)
        assert ended.completion == C.ENDED
        assert ended.ended_on == dt.date(2009, 12, 1)
        assert ended.attended_hours == Decimal(hours)
    # A placement completed before stays as it was.
    completed = reload(world.completed)
    assert (completed.completion, completed.ended_on) == (C.COMPLETED, dt.date(2009, 5, 1))
    # One planned to start after the exit ends on its start date (never before it).
    planned = reload(world.planned)
    assert (planned.completion, planned.ended_on) == (C.ENDED, dt.date(2009, 12, 20))
    # The other participant of the group is untouched.
    assert reload(world.other).completion == C.ONGOING
    # Each ended placement is in the audit log, naming fields only.
    entries = LogEntry.objects.filter(object_type="interventions.Participation", action="change")
    assert {e.object_id for e in entries} == {
        str(p.pk) for p in (world.ongoing, world.ongoing_cafe, world.planned)
    }
    assert all(e.fields == ["completion", "ended_on"] for e in entries)


def test_the_ended_placement_reads_ended_at_exit_on_the_participant_page(client, world):
    exit_now(world)
    content = page_text(
        login(client, world.case_worker).get(en(url("participant", world, world.enrolment.pk)))
    )
    assert "Ended at exit" in content and "ended 2009-12-01" in content


def test_an_exit_refused_by_the_period_rule_ends_nothing(world):
    with pytest.raises(ValidationError) as refused:
        exit_now(world, on=dt.date(2008, 12, 1))
    assert "exited_on" in refused.value.message_dict
    assert reload(world.ongoing).completion == C.ONGOING
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.ACTIVE


def test_an_exit_before_recorded_attendance_is_refused_and_ends_nothing(world, english):
    """Hours recorded after the exit date would belong to a placement that ended before them:
    the first exit is refused as its correction is, naming the recording's date."""
    intervention_services.record_hours(
        by=world.provider.user,
        participation=world.ongoing,
        held_on=dt.date(2009, 12, 10),
        hours=Decimal("2"),
    )
    with pytest.raises(ValidationError) as refused:
        exit_now(world, on=dt.date(2009, 12, 5))
    assert "2009-12-10" in refused.value.message_dict["exited_on"][0]
    assert reload(world.ongoing).completion == C.ONGOING
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.ACTIVE
    exit_now(world, on=dt.date(2009, 12, 10))  # on the day of the recording: fine
    assert reload(world.ongoing).ended_on == dt.date(2009, 12, 10)


def test_the_placements_end_in_the_exits_transaction(world, monkeypatch):
    """If ending the placements fails, the exit is not saved either (one transaction)."""

    def broken(**kwargs):
        raise RuntimeError("the placements could not be ended")

    monkeypatch.setattr(intervention_services, "end_placements_at_exit", broken)
    with pytest.raises(RuntimeError):
        exit_now(world)
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.ACTIVE
    assert not world.enrolment.follow_ups.exists()


def test_an_import_row_that_exits_ends_the_placements(world, settings):
    from .test_import import import_bytes, to_csv
    from .test_participant_page import IDENTITY

    manager = world.manager.user
    # The existing (identified) participant, exited by the file.

    row = {
        "Personnummer": IDENTITY,
        "Förnamn": "Leyla",
        "Efternamn": "Ahmadi",
        "Kön": "Kvinna",
        "Födelseregion": "Sverige",
        "Utbildningsnivå": "upper_secondary",
        "Samtycke datum": "2009-02-01",
        "Anvisningsdatum": "2009-02-01",
        "Startdatum": "2009-02-15",
        "Avslutsdatum": "2009-11-15",
        "Avslutsorsak": "completed",
        "Status vid avslut": "employed_full_time",
        "Försörjning vid avslut": "salary",
    }
    _upload, result = import_bytes(world.project, manager, to_csv([row]))
    assert result["updated_enrolments"] == 1
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.status == Status.EXITED and enrolment.exited_on == dt.date(2009, 11, 15)
    ended = reload(world.ongoing)
    assert (ended.completion, ended.ended_on) == (C.ENDED, dt.date(2009, 11, 15))
    assert ended.attended_hours == Decimal("12.5")


# --- group sessions after the exit -----------------------------------------------------------


def group_session_url(world, prefix=""):
    path = sv_reverse(
        "interventions:group_session", project_id=world.project.pk, intervention_id=world.group.pk
    )
    return (f"/{prefix}" + path) if prefix else path


def test_the_exited_person_is_not_in_the_group_session_form(client, world):
    login(client, world.provider)
    before = page_text(client.get(group_session_url(world, "en")))
    assert f"hours_{world.ongoing.pk}" in before
    exit_now(world)
    after = page_text(client.get(group_session_url(world, "en")))
    assert f"hours_{world.ongoing.pk}" not in after
    assert f"hours_{world.other.pk}" in after


def test_a_session_after_the_exit_sent_from_a_stale_form_records_only_those_still_placed(
    client, world
):
    """The form was opened before the exit (both rows shown); it is sent after it."""
    login(client, world.provider)
    exit_now(world)
    response = client.post(
        group_session_url(world, "en"),
        {
            "held_on": "2009-12-15",
            "length_hours": "3",
            "row_ids": f"{world.ongoing.pk},{world.other.pk}",
            f"hours_{world.ongoing.pk}": "3",
            f"hours_{world.other.pk}": "2",
        },
    )
    assert response.status_code == 302
    session = AttendanceSession.objects.get(intervention=world.group, held_on=dt.date(2009, 12, 15))
    assert list(session.records.values_list("participation_id", flat=True)) == [world.other.pk]
    assert reload(world.ongoing).attended_hours == Decimal("12.5")


def test_the_service_refuses_an_ended_participation_in_a_later_session_even_as_absent(world):
    exit_now(world)
    ended = reload(world.ongoing)
    with pytest.raises(ValidationError) as refused:
        intervention_services.record_group_session(
            by=world.provider.user,
            intervention=world.group,
            held_on=dt.date(2009, 12, 15),
            length_hours=Decimal(3),
            rows=[(ended, Decimal(0)), (world.other, Decimal(2))],
        )
    assert intervention_services.row_key(ended) in refused.value.message_dict
    assert not AttendanceRecord.objects.filter(held_on=dt.date(2009, 12, 15)).exists()


# --- the participant page after the exit -----------------------------------------------------


def actions(content: str) -> str:
    start = content.index('id="actions-heading"')
    return content[start : content.index("</section>", start)]


def test_the_participant_page_offers_re_enrol_instead_of_placing_or_changing_status(client, world):
    login(client, world.case_worker)
    page = en(url("participant", world, world.enrolment.pk))
    before = actions(page_text(client.get(page)))
    assert "Place in an intervention" in before and "Change the status" in before
    exit_now(world)
    after = actions(page_text(client.get(page)))
    assert "Place in an intervention" not in after
    assert "Change the status" not in after
    reenrol = f'href="/en/projects/{world.project.pk}/participants/enrol/{world.person.pk}/"'
    assert reenrol in after and "Re-enrol" in after


def test_re_enrol_leads_to_a_new_enrolment_of_the_same_person(client, world):
    exit_now(world)
    login(client, world.case_worker)
    path = "/en" + sv_reverse(
        "participants:enrol_existing", project_id=world.project.pk, participant_id=world.person.pk
    )
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "organisations": [world.org_a.pk],
            "purposes": ["registration"],
            "given_on": "2009-12-20",
            "given_by": "participant",
            "method": "paper",
            "referred_on": "2009-12-20",
            "case_worker": world.case_worker.user.pk,
        },
    )
    assert response.status_code == 302, page_text(response)
    new = Enrolment.objects.filter(participant=world.person).exclude(pk=world.enrolment.pk).get()
    assert new.status == Status.REFERRED and new.referred_on == dt.date(2009, 12, 20)
    # The old page now links to the open enrolment instead of offering to re-enrol again.
    old_actions = actions(page_text(client.get(en(url("participant", world, world.enrolment.pk)))))
    assert "Re-enrol" not in old_actions
    assert url("participant", world, new.pk) in old_actions


def test_re_enrol_is_not_offered_to_a_role_that_may_not_enrol(client, world):
    """A manager may; a provider never sees the actions at all (covered by the roles test)."""
    exit_now(world)
    give_purpose(login(client, world.manager), world.enrolment)
    content = page_text(client.get(en(url("participant", world, world.enrolment.pk))))
    assert "Re-enrol" in actions(content)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_place_page_refuses_an_exited_enrolment_with_a_message(client, world, language):
    exit_now(world)
    login(client, world.case_worker)
    path = sv_reverse(
        "interventions:place", project_id=world.project.pk, enrolment_id=world.enrolment.pk
    )
    if language == "en":
        path = "/en" + path
    with translation.override(language):
        expected = gettext(
            "%(name)s exited on %(date)s: an exited participant cannot be placed in an "
            "intervention. Re-enrol them in the project to place them again."
        ) % {"name": "Leyla Ahmadi", "date": "2009-12-01"}
    shown = client.get(path)
    assert shown.status_code == 200 and expected in page_text(shown)
    assert 'name="intervention"' not in page_text(shown)
    before = Participation.objects.count()
    sent = client.post(
        path, {"intervention": world.cafe.pk, "started_on": "2009-12-15", "planned_hours": "5"}
    )
    assert sent.status_code == 200 and expected in page_text(sent)
    assert Participation.objects.count() == before


def test_the_placement_service_refuses_an_exited_enrolment(world):
    exit_now(world)
    with pytest.raises(ValidationError):
        intervention_services.place_participant(
            by=world.case_worker.user,
            enrolment=Enrolment.objects.get(pk=world.enrolment.pk),
            intervention=world.cafe,
            started_on=dt.date(2009, 12, 15),
        )


def test_the_status_page_refuses_a_change_of_an_exited_enrolment(client, world):
    exit_now(world)
    login(client, world.case_worker)
    response = client.post(
        en(url("change_status", world, world.enrolment.pk)),
        {"status": "active", "on": "2009-12-15"},
    )
    assert response.status_code == 200
    content = page_text(response)
    assert "This participant exited on 2009-12-01" in content
    assert "re-enrol them in the project" in content
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.EXITED


def test_the_status_service_refuses_an_exited_enrolment(world):
    exit_now(world)
    for status in (Status.ACTIVE, Status.PAUSED, Status.WITHDRAWN):
        with pytest.raises(ValidationError) as refused:
            record_status_change(
                enrolment=world.enrolment,
                new_status=status,
                by=world.case_worker.user,
                on=dt.date(2009, 12, 15),
            )
        assert "status" in refused.value.message_dict


def test_a_provider_does_not_get_the_participant_page(client, world):
    """The provider records attendance only: the page (and its actions) stays closed."""
    MembershipFactory(project=world.project, role=Role.PROVIDER)
    exit_now(world)
    response = login(client, world.provider).get(url("participant", world, world.enrolment.pk))
    assert response.status_code == 404


# --- "ended at exit" is the exit's to set --------------------------------------------------------


def test_an_ended_placement_cannot_become_ongoing_again_after_the_exit(world):
    exit_now(world)
    with pytest.raises(ValidationError) as refused:
        intervention_services.record_hours(
            by=world.provider.user, participation=reload(world.ongoing), completion="ongoing"
        )
    assert "completion" in refused.value.message_dict
    assert reload(world.ongoing).completion == C.ENDED
    # Correcting it to completed (with its end date) is still possible.
    intervention_services.record_hours(
        by=world.provider.user,
        participation=reload(world.ongoing),
        completion="completed",
        ended_on=dt.date(2009, 12, 1),
    )
    assert reload(world.ongoing).completion == C.COMPLETED


def test_ended_at_exit_is_not_a_choice_for_an_ongoing_placement(world):
    from interventions.forms import RecordHoursForm

    with pytest.raises(ValidationError) as refused:
        intervention_services.record_hours(
            by=world.provider.user,
            participation=world.ongoing,
            completion="ended",
            ended_on=dt.date(2009, 12, 1),
        )
    assert "completion" in refused.value.message_dict
    choices = dict(RecordHoursForm(participation=world.ongoing).fields["completion"].choices)
    assert "ended" not in choices and "completed" in choices
    exit_now(world)
    choices = dict(
        RecordHoursForm(participation=reload(world.ongoing)).fields["completion"].choices
    )
    assert "ended" in choices
