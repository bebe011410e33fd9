"""Every read of a person traceable, with its purpose (issue 12, item 3; docs/audit.md):
the purpose question outside one's own caseload, lists that log each person they show, and
membership changes audited whoever makes them (the Django admin included)."""

import datetime as dt

import pytest
from django.db import DatabaseError
from django.urls import reverse

from core import audit
from core.models import LogEntry, Membership, Purpose, Role
from core.policy import in_own_caseload
from enrolments.models import FollowUp

from .factories import EnrolmentFactory, UserFactory
from .test_participant_page import make_world, url

pytestmark = pytest.mark.django_db

QUESTION = "Why are you opening this record?"


@pytest.fixture
def world(settings):
    return make_world(settings)


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager.user)
    return client


def views_of(world):
    return LogEntry.objects.about_person(world.person).filter(action="view")


def test_own_caseload_opens_without_a_question_and_says_so(client, world, english):
    client.force_login(world.case_worker.user)
    response = client.get(url("participant", world, world.enrolment.pk))
    assert "Leyla Ahmadi" in response.text and QUESTION not in response.text
    assert in_own_caseload(world.case_worker, world.enrolment)
    assert not in_own_caseload(world.manager, world.enrolment)
    assert [e.purpose for e in views_of(world)] == [Purpose.OWN_CASELOAD]


def test_outside_ones_caseload_the_purpose_is_asked_first_and_kept(manager, world, english):
    page = url("participant", world, world.enrolment.pk)
    response = manager.get(page)
    assert response.status_code == 200
    assert QUESTION in response.text
    assert "Leyla" not in response.text and "Ahmadi" not in response.text  # nothing shown yet
    assert not views_of(world).exists()

    response = manager.post(
        url("read_purpose", world, world.enrolment.pk),
        {"purpose": "partner_planning", "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    response = manager.get(page)
    assert "Leyla Ahmadi" in response.text
    entry = views_of(world).get()
    assert (entry.purpose, entry.purpose_text, entry.reason) == (
        Purpose.PARTNER_PLANNING,
        "",
        f"enrolment {world.enrolment.pk}",
    )
    # Asked once per person: the next page about them is shown at once, with the same purpose.
    response = manager.get(url("change_status", world, world.enrolment.pk))
    assert QUESTION not in response.text
    assert set(views_of(world).values_list("purpose", flat=True)) == {Purpose.PARTNER_PLANNING}
    # Another person outside the caseload is asked about anew.
    other = EnrolmentFactory(project=world.project)
    assert QUESTION in manager.get(url("participant", world, other.pk)).text


def test_the_purpose_is_asked_again_after_the_working_day(manager, world, settings):
    page = url("participant", world, world.enrolment.pk)
    manager.post(url("read_purpose", world, world.enrolment.pk), {"purpose": "review"})
    assert "Leyla Ahmadi" in manager.get(page).text
    settings.FOLJSAM_TODAY = "2010-01-02"  # a day later: more than 8 hours
    response = manager.get(page)
    assert "Leyla" not in response.text


def test_other_needs_words_and_keeps_them(manager, world, english):
    target = url("read_purpose", world, world.enrolment.pk)
    response = manager.post(target, {"purpose": "other", "text": "  "})
    assert response.status_code == 200
    assert "Describe the purpose when you choose Other." in response.text
    assert 'id="id_text_error"' in response.text
    manager.post(target, {"purpose": "other", "text": "Begäran från IVO"})
    manager.get(url("participant", world, world.enrolment.pk))
    entry = views_of(world).get()
    assert (entry.purpose, entry.purpose_text) == (Purpose.OTHER, "Begäran från IVO")


def test_an_invented_purpose_or_a_foreign_next_is_refused(manager, world):
    target = url("read_purpose", world, world.enrolment.pk)
    assert manager.post(target, {"purpose": "own_caseload"}).status_code == 200  # not a choice
    response = manager.post(target, {"purpose": "review", "next": "https://evil.example/"})
    assert response["Location"] == url("participant", world, world.enrolment.pk)


def test_the_question_can_be_turned_off(manager, world, settings):
    settings.PURPOSE_PROMPT = False
    assert "Leyla Ahmadi" in manager.get(url("participant", world, world.enrolment.pk)).text
    assert views_of(world).get().purpose == ""


def test_an_htmx_request_without_a_purpose_reloads_the_page(manager, world):
    response = manager.get(
        url("participant", world, world.enrolment.pk), headers={"HX-Request": "true"}
    )
    assert response["HX-Refresh"] == "true"
    assert "Leyla" not in response.text


def test_a_page_whose_read_cannot_be_logged_shows_nothing(client, world, monkeypatch):
    """Fail closed: no audit entry, no personal data (the error page instead)."""
    client.force_login(world.case_worker.user)
    client.raise_request_exception = False

    def broken(entries):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(audit, "append", broken)
    response = client.get(url("participant", world, world.enrolment.pk))
    assert response.status_code == 500
    assert "Leyla" not in response.text


# --- lists ---------------------------------------------------------------------------------------


def test_the_worklist_logs_each_person_it_shows(client, world):
    FollowUp.objects.create(enrolment=world.enrolment, day=90, due_on=dt.date(2010, 1, 20))
    client.force_login(world.case_worker.user)
    response = client.get(reverse("enrolments:follow_up_worklist", args=[world.project.pk]))
    assert "Ahmadi" in response.text
    entry = views_of(world).get()
    assert entry.reason == "follow-up worklist" and entry.user == world.case_worker.user


def test_who_has_read_a_person_is_one_query(client, world):
    client.force_login(world.case_worker.user)
    client.get(url("case_list", world))
    client.get(url("participant", world, world.enrolment.pk))
    readers = LogEntry.objects.about_person(world.person).filter(action="view")
    assert sorted(readers.values_list("reason", flat=True)) == [
        "case list",
        f"enrolment {world.enrolment.pk}",
    ]


# --- memberships ------------------------------------------------------------------------------


def test_an_administrator_granting_themself_reading_and_leaving_is_all_in_the_log(
    client, world, settings
):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:core_membership_add"),
        {
            "user": admin.pk,
            "organisation": world.org_a.pk,
            "project": world.project.pk,
            "role": Role.MANAGER,
        },
    )
    assert response.status_code == 302, response.text[:2000]
    membership = Membership.objects.get(user=admin)
    client.post(url("read_purpose", world, world.enrolment.pk), {"purpose": "review"})
    assert "Leyla Ahmadi" in client.get(url("participant", world, world.enrolment.pk)).text
    response = client.post(
        reverse("admin:core_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    mine = LogEntry.objects.filter(user=admin).in_chain_order()
    assert [(e.action, e.object_type) for e in mine if e.action != "login"] == [
        ("create", "core.Membership"),
        ("view", "participants.Participant"),
        ("delete", "core.Membership"),
    ]
    granted = mine.get(action="create")
    assert granted.reason == f"user {admin.pk}, role manager"
    assert granted.project_id == world.project.pk


def test_a_role_change_in_the_admin_names_the_field(client, world):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    membership = world.uncovered
    client.post(
        reverse("admin:core_membership_change", args=[membership.pk]),
        {
            "user": membership.user_id,
            "organisation": membership.organisation_id,
            "project": membership.project_id,
            "role": Role.MANAGER,
        },
    )
    entry = LogEntry.objects.get(action="change", object_type="core.Membership")
    assert (entry.user, entry.fields, entry.object_id) == (
        admin,
        ["role"],
        str(membership.pk),
    )


def test_making_someone_an_administrator_is_logged(world):
    user = world.case_worker.user
    with audit.acting_as(UserFactory(username="root", is_superuser=True)):
        user.is_superuser = True
        user.save()
    entry = LogEntry.objects.get(action="change", object_type="accounts.User")
    assert entry.fields == ["is_superuser"] and entry.user_label == "root"
