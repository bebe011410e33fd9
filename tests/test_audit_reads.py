"""Every read of a person traceable, with its purpose (issue 12, item 3; docs/audit.md):
the purpose question outside one's own caseload, lists that log each person they show, and
membership changes audited whoever makes them (the Django admin included)."""

import datetime as dt

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

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


# --- the data protection officer's search ----------------------------------------------------


@pytest.fixture
def dpo(client, world):
    from .factories import MembershipFactory

    officer = MembershipFactory(
        project=world.project, organisation=world.org_a, role=Role.DATA_PROTECTION
    )
    client.force_login(officer.user)
    return client


def search_url(world):
    return reverse("core:audit_search", args=[world.project.pk])


def test_the_officer_finds_every_read_of_a_person_with_its_purpose(client, world, english):
    client.force_login(world.case_worker.user)
    client.get(url("case_list", world))
    client.get(url("participant", world, world.enrolment.pk))
    client.force_login(world.manager.user)
    client.post(url("read_purpose", world, world.enrolment.pk), {"purpose": "review"})
    client.get(url("participant", world, world.enrolment.pk))
    from .factories import MembershipFactory

    officer = MembershipFactory(
        project=world.project, organisation=world.org_a, role=Role.DATA_PROTECTION
    )
    client.force_login(officer.user)
    # The menu leads there; the officer sees no person's record.
    assert (
        search_url(world)
        in client.get(reverse("core:project_detail", args=[world.project.pk])).text
    )
    assert client.get(url("participant", world, world.enrolment.pk)).status_code == 404

    response = client.get(search_url(world), {"person": world.person.pk})
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert {(e.user_label, e.reason, e.purpose) for e in rows if e.action == "view"} == {
        ("amira", "case list", ""),
        ("amira", f"enrolment {world.enrolment.pk}", Purpose.OWN_CASELOAD),
        (world.manager.user.username, f"enrolment {world.enrolment.pk}", Purpose.REVIEW),
    }
    assert "quality control or review" in response.text and "Leyla" not in response.text
    # The search is itself in the log, naming whom it was about.
    searched = LogEntry.objects.get(reason="audit search")
    assert (searched.user, searched.person_id) == (officer.user, world.person.pk)


def test_the_officer_searches_by_identity_number_without_it_in_a_url(dpo, world):
    from .test_participant_page import IDENTITY

    response = dpo.post(search_url(world), {"identity_number": IDENTITY})
    assert response.status_code == 302
    assert response["Location"] == f"{search_url(world)}?person={world.person.pk}"
    assert IDENTITY not in str(list(LogEntry.objects.values()))


def test_by_user_and_period_paginated(dpo, world, settings):
    for day in (1, 2, 3):
        settings.FOLJSAM_TODAY = f"2010-01-0{day}"
        for _ in range(30):
            audit.log_action(
                by=world.case_worker.user, action="view", obj=world.person, project=world.project
            )
    response = dpo.get(
        search_url(world), {"user": "AMIRA", "since": "2010-01-02", "until": "2010-01-03"}
    )
    page = response.context["page"]
    assert page.paginator.count == 60 and len(page.object_list) == 50
    assert {timezone.localdate(e.at) for e in page.paginator.object_list} == {
        dt.date(2010, 1, 2),
        dt.date(2010, 1, 3),
    }
    assert "page=2" in response.text


def test_only_the_officer_and_superusers_search(client, world):
    for member in (world.manager, world.case_worker, world.steering):
        client.force_login(member.user)
        assert client.get(search_url(world)).status_code == 403
        assert client.get(reverse("core:audit_search_all")).status_code == 403
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(reverse("core:audit_search_all"), {"person": world.person.pk})
    assert response.status_code == 200


def test_the_officers_look_ups_are_counted_like_everyone_elses(dpo, world, settings):
    from .test_participant_page import IDENTITY

    settings.IDENTITY_LOOKUP_LIMIT = 1
    dpo.post(search_url(world), {"identity_number": IDENTITY})
    # Written another way: not the same form sent twice (inputs.middleware.DoubleSubmitMiddleware).
    again = f"{IDENTITY[:8]}-{IDENTITY[8:]}"
    response = dpo.post(search_url(world), {"identity_number": again}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(search_url(world), 302)]
    assert LogEntry.objects.filter(reason__startswith="identity lookup refused").exists()
