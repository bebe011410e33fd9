"""The participant page: who may open it, what it shows (timeline, masked identity number,
other projects), the status change and contact notes, with htmx fragments and the audit log.

The `world` fixture and the helpers here are shared with test_caselist.py and
test_exit_followups.py."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, Role
from enrolments.models import ContactNote, Enrolment, FollowUp, Status, StatusChange
from enrolments.services import add_note, change_status
from plans.models import ActionPlan, Assessment, AssessmentItem

from .factories import (
    AnonymousParticipantFactory,
    ConsentFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    ParticipationFactory,
    ProjectFactory,
    demo_identity_number,
)

pytestmark = pytest.mark.django_db

IDENTITY = demo_identity_number(dt.date(1985, 3, 9), 982)


@pytest.fixture
def world(settings):
    return make_world(settings)


def make_world(settings):
    """A project with a covered case worker (organisation A), a case worker of organisation B
    whom the consent does not cover, a manager, the aggregate and provider roles, and an
    outsider (a manager of another project). One identified participant, enrolled and active,
    with the covered case worker responsible."""
    settings.FOLJSAM_TODAY = "2010-01-01"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
    org_a = OrganisationFactory(name="Malmö stad")
    org_b = OrganisationFactory(name="Arbetsförmedlingen Malmö")
    project = ProjectFactory(title="Framtid i Fokus")
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
    provider = MembershipFactory(project=project, role=Role.PROVIDER)
    evaluator = MembershipFactory(project=project, role=Role.EVALUATOR)
    steering = MembershipFactory(project=project, role=Role.STEERING)
    outsider = MembershipFactory(role=Role.MANAGER)
    person = ParticipantFactory(given_name="Leyla", family_name="Ahmadi", identity=IDENTITY)
    ConsentFactory(participant=person, project=project, organisations=[org_a])
    enrolment = EnrolmentFactory(participant=person, project=project, case_worker=case_worker.user)
    return SimpleNamespace(
        project=project,
        org_a=org_a,
        org_b=org_b,
        case_worker=case_worker,
        uncovered=uncovered,
        manager=manager,
        provider=provider,
        evaluator=evaluator,
        steering=steering,
        outsider=outsider,
        person=person,
        enrolment=enrolment,
    )


def url(name, world, *args):
    """The Swedish (unprefixed) address; en() makes the English one."""
    return reverse(f"enrolments:{name}", args=[world.project.pk, *args])


def en(path):
    return "/en" + path


def login(client, membership):
    client.force_login(membership.user)
    return client


def with_purpose(client, world, enrolment_pk, purpose="follow_up"):
    """Answer the question asked before a person outside one's own caseload is shown."""
    client.post(url("read_purpose", world, enrolment_pk), {"purpose": purpose})
    return client


def exit_enrolment(enrolment, on=dt.date(2009, 9, 1), by=None):
    return change_status(
        enrolment=enrolment,
        new_status=Status.EXITED,
        by=by,
        on=on,
        exit_reason="completed",
        exit_status="employed_full_time",
        exit_income_source="salary",
    )


def page_text(response) -> str:
    return response.content.decode()


# --- Who may open it ---------------------------------------------------------------------


def test_the_covered_case_worker_opens_the_page_and_the_read_is_logged(client, world):
    response = login(client, world.case_worker).get(url("participant", world, world.enrolment.pk))
    assert response.status_code == 200
    content = page_text(response)
    assert "Leyla Ahmadi" in content
    assert "<h1>Leyla Ahmadi</h1>" in content
    entry = LogEntry.objects.get(action="view", object_type="participants.Participant")
    assert entry.user == world.case_worker.user
    assert entry.object_id == str(world.person.pk)
    assert entry.reason == f"enrolment {world.enrolment.pk}"


def test_the_manager_opens_the_page(client, world):
    response = login(client, world.manager).get(url("participant", world, world.enrolment.pk))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("uncovered", 404),
        ("outsider", 404),
        ("provider", 404),
        ("evaluator", 404),
        ("steering", 404),
    ],
)
@pytest.mark.parametrize("name", ["participant", "change_status", "exit", "add_note"])
def test_who_may_not_open_the_participants_pages(client, world, who, status, name):
    response = login(client, getattr(world, who)).get(url(name, world, world.enrolment.pk))
    assert response.status_code == status
    assert "Leyla" not in page_text(response)
    assert not LogEntry.objects.filter(action="view").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("uncovered", 404),
        ("outsider", 404),
        ("provider", 404),
        ("evaluator", 404),
        ("steering", 404),
    ],
)
def test_who_may_not_post_to_the_participants_pages(client, world, who, status):
    client = login(client, getattr(world, who))
    posts = [
        ("participant", {"show_identity_number": "1"}),
        ("change_status", {"status": "paused", "on": "2009-12-01"}),
        ("add_note", {"happened_on": "2009-12-01", "kind": "meeting", "visibility": "project",
                      "text": "Hemligt"}),
        ("exit", {"exited_on": "2009-12-01", "exit_reason": "completed",
                  "exit_status": "studies", "exit_income_source": "study_allowance"}),
    ]  # fmt: skip
    logged = LogEntry.objects.exclude(action="login").count()  # the data set's memberships
    for name, data in posts:
        assert client.post(url(name, world, world.enrolment.pk), data).status_code == status
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.status == Status.ACTIVE
    assert not ContactNote.objects.exists()
    assert LogEntry.objects.exclude(action="login").count() == logged


@pytest.mark.parametrize("name", ["participant", "change_status", "exit", "add_note"])
def test_the_covered_case_worker_opens_every_page_of_the_participant(client, world, name):
    response = login(client, world.case_worker).get(url(name, world, world.enrolment.pk))
    assert response.status_code == 200
    assert "Leyla Ahmadi" in page_text(response)


def test_a_withdrawn_consent_closes_the_page_at_once(client, world):
    world.person.consents.update(withdrawn_on=dt.date(2009, 12, 1))
    response = login(client, world.case_worker).get(url("participant", world, world.enrolment.pk))
    assert response.status_code == 404


def test_an_enrolment_of_another_project_is_404_even_with_the_right_id(client, world):
    foreign = EnrolmentFactory()
    response = login(client, world.manager).get(url("participant", world, foreign.pk))
    assert response.status_code == 404


# --- The header and the identity number ----------------------------------------------------


def test_the_identity_number_is_masked_until_asked_for(client, world):
    client = login(client, world.case_worker)
    content = page_text(client.get(url("participant", world, world.enrolment.pk)))
    assert f"{IDENTITY[:8]}-••••" in content
    assert IDENTITY[8:] not in content.replace(IDENTITY[:8], "")
    assert "1985" in content  # birth year
    assert "Show the number" in content or "Visa numret" in content


def test_showing_the_number_is_a_post_logged_as_its_own_read(client, world):
    client = login(client, world.case_worker)
    response = client.post(
        url("participant", world, world.enrolment.pk), {"show_identity_number": "1"}
    )
    assert response.status_code == 200
    assert f"{IDENTITY[:8]}-{IDENTITY[8:]}" in page_text(response)
    shown = LogEntry.objects.get(reason="identity number shown")
    assert shown.action == "view" and shown.user == world.case_worker.user
    assert shown.object_id == str(world.person.pk) and shown.fields == ["identity_number"]
    assert IDENTITY not in str(list(LogEntry.objects.values()))


def test_showing_the_number_by_htmx_returns_the_fragment_only(client, world):
    client = login(client, world.case_worker)
    response = client.post(
        url("participant", world, world.enrolment.pk),
        {"show_identity_number": "1"},
        HTTP_HX_REQUEST="true",
    )
    content = page_text(response)
    assert "<html" not in content and 'id="identity-number"' in content
    assert f"{IDENTITY[:8]}-{IDENTITY[8:]}" in content
    assert 'role="status"' in content


def test_an_anonymous_participant_is_shown_as_a_statistical_record(client, world):
    person = AnonymousParticipantFactory(birth_year=1992)
    enrolment = EnrolmentFactory(participant=person, project=world.project)
    client = with_purpose(login(client, world.uncovered), world, enrolment.pk)
    response = client.get(url("participant", world, enrolment.pk))
    assert response.status_code == 200  # anonymous records belong to the project team
    content = page_text(response)
    assert f"Anonymous participant {person.pk}" in content or f"Anonym deltagare {person.pk}" in (
        content
    )
    assert "1992" in content
    assert "identity-number" not in content
    # Showing a number that does not exist does nothing and logs nothing extra.
    response = login(client, world.uncovered).post(
        url("participant", world, enrolment.pk), {"show_identity_number": "1"}
    )
    assert response.status_code == 302
    assert not LogEntry.objects.filter(reason="identity number shown").exists()


# --- The timeline ------------------------------------------------------------------------


def _fill_timeline(world):
    enrolment = world.enrolment
    change_status(
        enrolment=enrolment, new_status=Status.PAUSED, by=world.manager.user, on=dt.date(2009, 4, 1)
    )
    change_status(
        enrolment=enrolment,
        new_status=Status.ACTIVE,
        by=world.manager.user,
        on=dt.date(2009, 4, 20),
    )
    assessment = Assessment.objects.create(
        enrolment=enrolment, assessed_on=dt.date(2009, 3, 1), assessed_by=world.case_worker.user
    )
    AssessmentItem.objects.create(assessment=assessment, domain="language", rating=2)
    AssessmentItem.objects.create(assessment=assessment, domain="health", rating=4)
    ActionPlan.objects.create(enrolment=enrolment, version=1, goals="Arbete inom vården")
    ParticipationFactory(
        enrolment=enrolment,
        intervention__project=world.project,
        intervention__name="Praktik på Ica",
        planned_hours=40,
        attended_hours=32,
    )
    add_note(
        enrolment=enrolment,
        by=world.case_worker.user,
        organisation=world.org_a,
        happened_on=dt.date(2009, 5, 1),
        kind="meeting",
        text="Pratade om praktiken.",
        visibility="project",
    )
    add_note(
        enrolment=enrolment,
        by=world.case_worker.user,
        organisation=world.org_a,
        happened_on=dt.date(2009, 5, 2),
        kind="phone",
        text="Egen organisations anteckning.",
        visibility="organisation",
    )
    add_note(
        enrolment=enrolment,
        by=world.manager.user,
        organisation=world.project.owner,
        happened_on=dt.date(2009, 5, 3),
        kind="meeting",
        text="Projektägarens interna anteckning.",
        visibility="organisation",
    )
    exit_enrolment(enrolment, on=dt.date(2009, 9, 1), by=world.case_worker.user)


def test_the_timeline_shows_everything_newest_first(client, world):
    _fill_timeline(world)
    response = login(client, world.case_worker).get(
        en(url("participant", world, world.enrolment.pk))
    )
    content = page_text(response)
    content = content[content.index('<ol id="timeline"') :]
    content = content[: content.index("</ol>")]
    order = [
        "Follow-up at day 180 due",  # 2010-02-28
        "Follow-up at day 90 due",  # 2009-11-30
        "Exited",  # 2009-09-01
        "Egen organisations anteckning.",  # 2009-05-02
        "Pratade om praktiken.",  # 2009-05-01
        "Status changed to “Active”",  # 2009-04-20, resumed
        "Status changed to “Paused”",  # 2009-04-01
        "Placed in Praktik på Ica",  # 2009-03-01
        "Needs assessment",  # 2009-03-01
        "Started",  # 2009-02-15
        "Referred",  # 2009-02-01
    ]
    positions = [content.index(text) for text in order]
    assert positions == sorted(positions)
    assert "2 domains" in content
    assert "32 of 40 planned hours attended" in content
    assert "Action plan, version 1" in content
    assert "overdue" in content  # day 90 fell due 2009-11-30, before the test clock
    assert "Record the follow-up at day 90" in content


def test_another_organisations_own_notes_are_not_shown(client, world):
    _fill_timeline(world)
    content = page_text(
        login(client, world.case_worker).get(url("participant", world, world.enrolment.pk))
    )
    assert "Projektägarens interna anteckning." not in content
    assert "Egen organisations anteckning." in content
    client = with_purpose(login(client, world.manager), world, world.enrolment.pk)
    content = page_text(client.get(url("participant", world, world.enrolment.pk)))
    assert "Projektägarens interna anteckning." in content
    assert "Egen organisations anteckning." not in content  # organisation A's own note
    assert "Pratade om praktiken." in content  # a project-team note


def test_the_page_runs_a_bounded_number_of_queries(client, world):
    client = login(client, world.case_worker)
    page = url("participant", world, world.enrolment.pk)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured)

    _fill_timeline(world)
    few = queries()
    for day in range(40):
        add_note(
            enrolment=world.enrolment,
            by=world.case_worker.user,
            organisation=world.org_a,
            happened_on=dt.date(2009, 6, 1) + dt.timedelta(days=day),
            kind="meeting",
            text=f"Anteckning {day}",
            visibility="project",
        )
        ParticipationFactory(enrolment=world.enrolment, intervention__project=world.project)
    assert queries() == few


# --- Other projects ----------------------------------------------------------------------


def test_other_projects_show_only_where_consent_covers_my_organisation(client, world):
    covered_project = ProjectFactory(title="Jobb för alla")
    ConsentFactory(participant=world.person, project=covered_project, organisations=[world.org_a])
    EnrolmentFactory(participant=world.person, project=covered_project)
    hidden_project = ProjectFactory(title="Hemligt projekt")
    ConsentFactory(participant=world.person, project=hidden_project, organisations=[world.org_b])
    EnrolmentFactory(participant=world.person, project=hidden_project)
    # Covered, but not for information exchange between the agencies.
    no_exchange = ProjectFactory(title="Utan utbyte")
    ConsentFactory(
        participant=world.person,
        project=no_exchange,
        organisations=[world.org_a],
        purposes=["registration"],
    )
    EnrolmentFactory(participant=world.person, project=no_exchange)
    content = page_text(
        login(client, world.case_worker).get(url("participant", world, world.enrolment.pk))
    )
    assert "Jobb för alla" in content
    # Of a project whose consent does not cover the user's organisation, nothing — not even
    # that it exists (no look-up oracle, docs/privacy-lookup.md).
    assert "Hemligt projekt" not in content
    assert "Also registered" not in content and "annat projekt" not in content
    assert "Utan utbyte" not in content


def test_an_earlier_enrolment_in_the_same_project_is_linked(client, world):
    exit_enrolment(world.enrolment, on=dt.date(2009, 6, 1))
    again = EnrolmentFactory(
        participant=world.person, project=world.project, referred_on=dt.date(2009, 10, 1),
        started_on=dt.date(2009, 10, 5),
        case_worker=world.case_worker.user,
    )  # fmt: skip
    content = page_text(login(client, world.case_worker).get(url("participant", world, again.pk)))
    assert url("participant", world, world.enrolment.pk) in content
    assert "2009-06-01" in content


# --- Status change -------------------------------------------------------------------------


def test_the_status_form_offers_only_the_allowed_next_statuses(client, world):
    content = page_text(
        login(client, world.case_worker).get(url("participant", world, world.enrolment.pk))
    )
    form = content[content.index('id="status-block"') :]
    form = form[: form.index("</form>")]
    assert 'value="paused"' in form and 'value="withdrawn"' in form
    assert 'value="exited"' not in form and 'value="referred"' not in form
    assert reverse("enrolments:exit", args=[world.project.pk, world.enrolment.pk]) in content


def test_changing_the_status_without_javascript_redirects_back_with_a_message(client, world):
    client = login(client, world.case_worker)
    response = client.post(
        url("change_status", world, world.enrolment.pk), {"status": "paused", "on": "2009-12-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("participant", world, world.enrolment.pk)
    enrolment = Enrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.status == Status.PAUSED
    change = StatusChange.objects.get(enrolment=enrolment)
    assert change.changed_on == dt.date(2009, 12, 1) and change.changed_by == world.case_worker.user
    entry = LogEntry.objects.get(action="change", object_type="enrolments.Enrolment")
    assert entry.fields == ["status"]
    followed = client.get(response["Location"])
    assert "Pausad" in page_text(followed) or "Paused" in page_text(followed)


def test_changing_the_status_by_htmx_returns_the_status_block_and_the_timeline(client, world):
    client = login(client, world.case_worker)
    response = client.post(
        url("change_status", world, world.enrolment.pk),
        {"status": "paused", "on": "2009-12-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = page_text(response)
    assert "<html" not in content
    assert 'id="status-message" role="status" hx-swap-oob="innerHTML"' in content
    assert 'id="timeline" class="timeline" hx-swap-oob="true"' in content
    assert 'value="active"' in content  # the paused enrolment may now resume
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.PAUSED


@pytest.mark.parametrize(("prefix", "expected"), [("", "kan inte bli"), ("en", "cannot become")])
def test_a_transition_the_lifecycle_refuses_is_named_next_to_the_field(
    client, world, prefix, expected
):
    """A stale form (the enrolment was paused in another tab) asks for "paused" again."""
    change_status(
        enrolment=world.enrolment, new_status=Status.PAUSED, by=None, on=dt.date(2009, 11, 1)
    )
    client = login(client, world.case_worker)
    path = url("change_status", world, world.enrolment.pk)
    response = client.post(en(path) if prefix else path, {"status": "paused", "on": "2009-12-01"})
    assert response.status_code == 200
    content = page_text(response)
    language = "en" if prefix else "sv"
    assert f'<html lang="{language}">' in content
    with translation.override(language):
        from django.utils.translation import gettext

        message = gettext("An enrolment that is “%(current)s” cannot become “%(new)s”.")
    assert message.split("%(")[0].strip() in content
    assert 'id="id_status_error"' in content
    assert StatusChange.objects.count() == 1
    if prefix:  # the English text; the Swedish one arrives with the translator's message file
        assert expected in content


def test_the_status_date_may_not_be_in_the_future_or_before_the_start(client, world):
    client = login(client, world.case_worker)
    path = url("change_status", world, world.enrolment.pk)
    for day in ("2010-01-02", "2009-02-10"):
        response = client.post(en(path), {"status": "paused", "on": day})
        assert response.status_code == 200
        assert 'id="id_on_error"' in page_text(response)
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.ACTIVE
    assert not StatusChange.objects.exists()


def test_exit_and_followed_up_are_not_status_form_choices(client, world):
    client = login(client, world.case_worker)
    path = url("change_status", world, world.enrolment.pk)
    response = client.post(en(path), {"status": "exited", "on": "2009-12-01"})
    assert "exit form" in page_text(response)
    response = client.post(en(path), {"status": "nonsense", "on": "2009-12-01"})
    assert 'id="id_status_error"' in page_text(response)
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == Status.ACTIVE
    assert not FollowUp.objects.exists()


def test_a_refused_status_change_by_htmx_keeps_the_fragment_with_the_error(client, world):
    response = login(client, world.case_worker).post(
        en(url("change_status", world, world.enrolment.pk)),
        {"status": "paused", "on": "2010-05-01"},
        HTTP_HX_REQUEST="true",
    )
    content = page_text(response)
    assert response.status_code == 200 and "<html" not in content
    assert 'id="id_on_error"' in content and "future" in content
    assert 'hx-swap-oob="true"' not in content  # the timeline is unchanged


# --- Contact notes -----------------------------------------------------------------------


NOTE = {"happened_on": "2009-12-15", "kind": "meeting", "visibility": "project",
        "text": "Leyla berättade om sin nya praktikplats."}  # fmt: skip


def test_a_note_without_javascript_is_saved_and_we_return_to_the_timeline(client, world):
    client = login(client, world.case_worker)
    response = client.post(url("add_note", world, world.enrolment.pk), NOTE)
    assert response.status_code == 302
    assert response["Location"] == url("participant", world, world.enrolment.pk) + "#timeline"
    note = ContactNote.objects.get()
    assert note.author == world.case_worker.user and note.author_organisation == world.org_a
    assert note.happened_on == dt.date(2009, 12, 15)
    entry = LogEntry.objects.get(action="create", object_type="enrolments.ContactNote")
    assert entry.fields == ["happened_on", "kind", "text", "visibility"]
    everything = str(list(LogEntry.objects.values()))
    assert "praktikplats" not in everything and "Leyla" not in everything
    assert "Ahmadi" not in everything
    assert NOTE["text"] in page_text(client.get(response["Location"]))


def test_a_note_by_htmx_appears_in_the_timeline_without_a_reload(client, world):
    response = login(client, world.case_worker).post(
        url("add_note", world, world.enrolment.pk), NOTE, HTTP_HX_REQUEST="true"
    )
    content = page_text(response)
    assert response.status_code == 200 and "<html" not in content
    assert 'id="timeline" class="timeline" hx-swap-oob="true"' in content
    assert NOTE["text"] in content
    assert 'id="note-message" role="status" hx-swap-oob="innerHTML"' in content
    assert ContactNote.objects.count() == 1


@pytest.mark.parametrize("prefix", ["", "en"])
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"happened_on": "2010-01-05"}, "happened_on"),  # in the future
        ({"happened_on": "2008-12-01"}, "happened_on"),  # before the referral
        ({"happened_on": "not a date"}, "happened_on"),
        ({"kind": "gossip"}, "kind"),
        ({"text": "   "}, "text"),
        ({"visibility": "everyone"}, "visibility"),
    ],
)
def test_a_bad_note_names_the_field_and_saves_nothing(client, world, prefix, change, field):
    path = url("add_note", world, world.enrolment.pk)
    response = login(client, world.case_worker).post(
        en(path) if prefix else path, {**NOTE, **change}
    )
    assert response.status_code == 200
    content = page_text(response)
    assert f'<html lang="{"en" if prefix else "sv"}">' in content
    assert f'id="id_{field}_error"' in content
    assert not ContactNote.objects.exists()
    assert not LogEntry.objects.filter(
        action="create", object_type="enrolments.ContactNote"
    ).exists()


def test_a_required_field_is_named_in_swedish_and_english(client, world):
    path = url("add_note", world, world.enrolment.pk)
    client = login(client, world.case_worker)
    swedish = page_text(client.post(path, {**NOTE, "kind": ""}))
    english = page_text(client.post(en(path), {**NOTE, "kind": ""}))
    for language, content in (("sv", swedish), ("en", english)):
        with translation.override(language):
            from django.utils.translation import gettext

            assert gettext("This field is required.") in content
    assert "This field is required." not in swedish


def test_a_future_note_date_is_explained_in_the_users_language(client, world):
    path = url("add_note", world, world.enrolment.pk)
    client = login(client, world.case_worker)
    for prefix, language in (("", "sv"), ("en", "en")):
        content = page_text(
            client.post(en(path) if prefix else path, {**NOTE, "happened_on": "2010-01-05"})
        )
        with translation.override(language):
            from django.utils.translation import gettext

            assert gettext("A note is written about something that has happened.") in content


def test_the_page_lists_consents_with_a_withdraw_link_for_case_workers(client, world):
    content = page_text(
        login(client, world.case_worker).get(url("participant", world, world.enrolment.pk))
    )
    consent = world.enrolment.participant.consents.get(project=world.project)
    assert f"/participants/consents/{consent.pk}/withdraw/" in content


def test_an_active_consent_reads_aktivt_in_swedish(client, world):
    content = page_text(
        login(client, world.case_worker).get(url("participant", world, world.enrolment.pk))
    )
    assert "Aktivt" in content
