"""Project settings (core/views_settings.py): a manager keeps the staff, partners and
co-financiers, areas and target groups of their own project, without the Django admin.

Each kind is added, changed and removed through the pages, with an audit entry per write (field
names, no values); other roles get 403, another project 404 — also with another project's ids
in a crafted POST; the last manager cannot leave or be demoted; bad input (an unknown user, a
duplicate, an invalid organisation number, a target group in use) shows the error at its field
and saves nothing. Pages are requested in English (/en/)."""

import datetime as dt
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from core.models import (
    Area,
    LogEntry,
    Membership,
    Municipality,
    Organisation,
    ProjectPartner,
    Role,
    TargetGroup,
)
from goals.models import ProjectSummary

from .factories import (
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


def url(name, project, *args):
    with translation.override("en"):
        return reverse(f"project_settings:{name}", args=[project.pk, *args])


@pytest.fixture
def world(settings):
    settings.FOLJSAM_TODAY = "2010-01-01"
    owner = OrganisationFactory(name="Malmö stad")
    agency = OrganisationFactory(name="Arbetsförmedlingen", kind="employment_service")
    project = ProjectFactory(title="Framtid i Fokus", owner=owner)
    ProjectPartner.objects.create(project=project, organisation=agency, is_partner=True)
    manager = MembershipFactory(
        project=project, user__username="manager", organisation=owner, role=Role.MANAGER
    )
    other = ProjectFactory(title="Annat projekt")
    other_manager = MembershipFactory(
        project=other, user__username="othermanager", organisation=other.owner, role=Role.MANAGER
    )
    return {
        "project": project,
        "owner": owner,
        "agency": agency,
        "manager": manager,
        "other": other,
        "other_manager": other_manager,
        "malmo": Municipality.objects.get(name="Malmö"),
    }


@pytest.fixture
def client(client, world):
    client.force_login(world["manager"].user)
    return client


def log_of(action, object_type):
    return LogEntry.objects.filter(action=action, object_type=object_type)


def error_at(response, field_id: str) -> str:
    """The text of the error list tied to the field (templates/includes/field.html)."""
    match = re.search(
        rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', response.text, re.S
    )
    assert match, f"no error at {field_id}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.PROVIDER, Role.EVALUATOR, Role.STEERING])
def test_other_roles_get_403(client, world, role):
    member = MembershipFactory(project=world["project"], organisation=world["owner"], role=role)
    client.force_login(member.user)
    for name in ("index", "staff", "staff_add", "partners", "areas", "target_groups"):
        assert client.get(url(name, world["project"])).status_code == 403, name
    response = client.post(
        url("staff_add", world["project"]),
        {"user": member.user.username, "organisation": world["owner"].pk, "role": "manager"},
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=member.pk).role == role


def test_the_menu_and_the_overview_link_only_for_the_manager(client, world):
    with translation.override("en"):
        detail = reverse("core:project_detail", args=[world["project"].pk])
    settings_url = url("index", world["project"])
    assert client.get(detail).text.count(f'href="{settings_url}"') == 2  # menu and overview
    case_worker = MembershipFactory(
        project=world["project"], organisation=world["owner"], role=Role.CASE_WORKER
    )
    client.force_login(case_worker.user)
    assert settings_url not in client.get(detail).text


def test_another_projects_settings_and_objects_are_404(client, world):
    other = world["other"]
    assert client.get(url("staff", other)).status_code == 404
    # The other project's membership, partner, area and target group through my project's URLs.
    area = Area.objects.create(name="Hjällbo", municipality=world["malmo"])
    other.areas.add(area)
    group = TargetGroup.objects.create(project=other, code="unga", name="Unga")
    partner = ProjectPartner.objects.create(
        project=other, organisation=world["owner"], is_co_financier=True
    )
    mine = world["project"]
    for name, pk in (
        ("staff_edit", world["other_manager"].pk),
        ("staff_remove", world["other_manager"].pk),
        ("partner_edit", partner.pk),
        ("partner_remove", partner.pk),
        ("area_edit", area.pk),
        ("area_remove", area.pk),
        ("target_group_edit", group.pk),
        ("target_group_remove", group.pk),
    ):
        assert client.get(url(name, mine, pk)).status_code == 404, name
        assert client.post(url(name, mine, pk), {"role": "steering"}).status_code == 404, name
    assert Membership.objects.get(pk=world["other_manager"].pk).role == Role.MANAGER
    assert ProjectPartner.objects.filter(pk=partner.pk).exists()
    assert other.areas.filter(pk=area.pk).exists()
    assert TargetGroup.objects.filter(pk=group.pk).exists()


def test_a_crafted_post_with_another_projects_ids_adds_nothing_there(client, world):
    other = world["other"]
    newcomer = UserFactory(username="newcomer")
    before = Membership.objects.count()
    # Posting to the other project's page: not a member there.
    response = client.post(
        url("staff_add", other),
        {"user": "newcomer", "organisation": other.owner_id, "role": "case_worker"},
    )
    assert response.status_code == 404
    # Posting to my page with the other project's owner as organisation: not one of mine.
    response = client.post(
        url("staff_add", world["project"]),
        {"user": "newcomer", "organisation": other.owner_id, "role": "case_worker"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in error_at(response, "id_organisation")
    assert Membership.objects.count() == before
    assert not Membership.objects.filter(user=newcomer).exists()


# --- staff ----------------------------------------------------------------------------------------


def test_manager_adds_an_existing_user_by_email_changes_and_ends_the_membership(client, world):
    project = world["project"]
    person = UserFactory(username="sara", email="sara@example.se", first_name="Sara")
    response = client.post(
        url("staff_add", project),
        {"user": "SARA@example.se", "organisation": world["agency"].pk, "role": "case_worker"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(project=project, user=person)
    assert (membership.organisation, membership.role) == (world["agency"], Role.CASE_WORKER)
    created = log_of("create", "core.Membership").get(object_id=str(membership.pk))
    assert created.user == world["manager"].user
    assert created.object_id == str(membership.pk) and created.project == project
    assert sorted(created.fields) == ["organisation", "role", "user"]
    assert "sara" not in str(created.fields)

    page = client.get(url("staff", project)).text
    assert "Sara" in page and "Case worker" in page

    response = client.post(
        url("staff_edit", project, membership.pk),
        {"organisation": world["owner"].pk, "role": "provider"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.organisation, membership.role) == (world["owner"], Role.PROVIDER)
    changed = log_of("change", "core.Membership").get(object_id=str(membership.pk))
    assert changed.fields == ["organisation", "role"]

    assert client.get(url("staff_remove", project, membership.pk)).status_code == 200
    response = client.post(url("staff_remove", project, membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert log_of("delete", "core.Membership").get().object_id == str(membership.pk)
    assert log_of("delete", "core.Membership").get().user == world["manager"].user
    assert User.objects.filter(pk=person.pk).exists()  # the account stays


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.STEERING])
def test_aggregate_only_roles_can_be_added(client, world, role):
    person = UserFactory(username="reader")
    response = client.post(
        url("staff_add", world["project"]),
        {"user": "reader", "organisation": world["agency"].pk, "role": role.value},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=person, project=world["project"]).role == role


def test_unknown_user_and_duplicate_membership_are_field_errors(client, world):
    project = world["project"]
    before = (Membership.objects.count(), LogEntry.objects.count())
    response = client.post(
        url("staff_add", project),
        {"user": "nobody", "organisation": world["owner"].pk, "role": "case_worker"},
    )
    assert response.status_code == 200
    assert "No user has this user name or e-mail address" in error_at(response, "id_user")
    response = client.post(
        url("staff_add", project),
        {"user": "manager", "organisation": world["agency"].pk, "role": "case_worker"},
    )
    assert "already a member of this project, as project manager" in error_at(response, "id_user")
    # Empty: every required field named.
    response = client.post(url("staff_add", project), {})
    for field in ("id_user", "id_organisation", "id_role"):
        assert "This field is required" in error_at(response, field)
    assert (Membership.objects.count(), LogEntry.objects.count()) == before
    assert Membership.objects.get(pk=world["manager"].pk).role == Role.MANAGER


def test_swedish_errors_on_the_swedish_page(client, world):
    with translation.override("sv"):
        target = reverse("project_settings:staff_add", args=[world["project"].pk])
    response = client.post(target, {"user": "", "organisation": "", "role": ""})
    assert "Du måste fylla i det här fältet" in error_at(response, "id_user")


def test_manager_creates_a_new_user_who_sets_a_password_with_the_link(client, world):
    project = world["project"]
    response = client.post(
        url("staff_new_user", project),
        {
            "username": "leyla",
            "first_name": "Leyla",
            "last_name": "Berg",
            "email": "leyla@example.se",
            "organisation": world["agency"].pk,
            "role": "case_worker",
        },
    )
    assert response.status_code == 200
    user = User.objects.get(username="leyla")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, project=project).role == Role.CASE_WORKER
    assert log_of("create", "accounts.User").get().fields == [
        "email",
        "first_name",
        "last_name",
        "username",
    ]
    link = re.search(r'id="password-link" value="([^"]+)"', response.text).group(1)
    path = re.sub(r"^https?://[^/]+", "", link)

    visitor = type(client)()
    page = visitor.get(path, follow=True)
    assert page.status_code == 200 and "leyla" in page.text
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    done = visitor.post(
        form_url, {"new_password1": "Vår-Sommar-2010!", "new_password2": "Vår-Sommar-2010!"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Vår-Sommar-2010!")
    # The link works once.
    again = type(client)().get(path, follow=True)
    assert 'name="new_password1"' not in again.text


def test_a_new_password_link_only_for_an_unused_account_of_this_project_alone(client, world):
    project = world["project"]
    client.post(
        url("staff_new_user", project),
        {
            "username": "fresh",
            "first_name": "Frida",
            "last_name": "Ny",
            "email": "fresh@example.se",
            "organisation": world["owner"].pk,
            "role": "case_worker",
        },
    )
    fresh = User.objects.get(username="fresh")
    membership = Membership.objects.get(user=fresh, project=project)
    assert "New password link" in client.get(url("staff", project)).text
    response = client.post(url("staff_password_link", project, membership.pk))
    assert response.status_code == 200
    assert 'id="password-link"' in response.text
    entry = log_of("change", "accounts.User").get()
    assert (entry.object_id, entry.reason) == (str(fresh.pk), "password link")

    # Also a member of another project: only an administrator may reset it.
    MembershipFactory(project=world["other"], user=fresh, organisation=world["other"].owner)
    response = client.post(url("staff_password_link", project, membership.pk))
    assert 'id="password-link"' not in response.text
    assert "administrator can reset the password" in response.text
    # An account in use (the manager's own): never.
    response = client.post(url("staff_password_link", project, world["manager"].pk))
    assert 'id="password-link"' not in response.text
    assert log_of("change", "accounts.User").count() == 1


def test_a_new_users_bad_input_saves_nothing(client, world):
    UserFactory(username="taken", email="taken@example.se")
    before = (User.objects.count(), Membership.objects.count(), LogEntry.objects.count())
    response = client.post(
        url("staff_new_user", world["project"]),
        {
            "username": "TAKEN",
            "first_name": "A",
            "last_name": "B",
            "email": "taken@example.se",
            "organisation": world["agency"].pk,
            "role": "case_worker",
        },
    )
    assert response.status_code == 200
    assert "is taken" in error_at(response, "id_username")
    assert "exists already" in error_at(response, "id_email")
    response = client.post(
        url("staff_new_user", world["project"]),
        {"username": "bad name!", "email": "not-an-address", "role": "x"},
    )
    assert error_at(response, "id_username")
    assert "valid email" in error_at(response, "id_email")
    assert "This field is required" in error_at(response, "id_first_name")
    assert "Select a valid choice" in error_at(response, "id_role")
    assert (User.objects.count(), Membership.objects.count(), LogEntry.objects.count()) == before


def test_the_last_manager_can_neither_leave_nor_be_demoted(client, world):
    project, me = world["project"], world["manager"]
    audited = LogEntry.objects.filter(object_type="core.Membership").count()
    page = client.get(url("staff_remove", project, me.pk))
    assert "only project manager" in page.text
    assert "End the membership" not in page.text  # no button
    response = client.post(url("staff_remove", project, me.pk))
    assert response.status_code == 200
    assert "last project manager" in response.text
    response = client.post(
        url("staff_edit", project, me.pk), {"organisation": world["owner"].pk, "role": "steering"}
    )
    assert response.status_code == 200
    assert "last project manager" in response.text
    me.refresh_from_db()
    assert me.role == Role.MANAGER
    assert LogEntry.objects.filter(object_type="core.Membership").count() == audited

    # With a second manager, I may step down — and then the settings are closed to me.
    MembershipFactory(project=project, organisation=world["agency"], role=Role.MANAGER)
    response = client.post(
        url("staff_edit", project, me.pk), {"organisation": world["owner"].pk, "role": "steering"}
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.role == Role.STEERING
    assert client.get(url("staff", project)).status_code == 403


def test_a_manager_who_is_not_the_last_may_leave(client, world):
    project, me = world["project"], world["manager"]
    MembershipFactory(project=project, organisation=world["agency"], role=Role.MANAGER)
    response = client.post(url("staff_remove", project, me.pk))
    assert response.status_code == 302
    assert response["Location"] == "/en/projects/"
    assert not Membership.objects.filter(pk=me.pk).exists()


# --- partners -------------------------------------------------------------------------------------


def test_manager_adds_changes_and_removes_partners(client, world):
    project = world["project"]
    employer = OrganisationFactory(name="Bygg AB", kind=Organisation.Kind.EMPLOYER)
    response = client.post(
        url("partner_add", project),
        {"organisation": employer.pk, "is_co_financier": "on", "amount": "150000"},
    )
    assert response.status_code == 302
    partner = ProjectPartner.objects.get(project=project, organisation=employer)
    assert partner.is_co_financier and not partner.is_partner and partner.amount == 150000
    assert log_of("create", "core.ProjectPartner").get().object_id == str(partner.pk)

    # A new organisation, with its organisation number written without the hyphen.
    response = client.post(
        url("partner_add", project),
        {
            "new-name": "Föreningen Vägen",
            "new-kind": "civil_society",
            "new-organisation_number": "8020016179",
            "is_partner": "on",
            "confirmed_on": "2009-12-01",
        },
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Föreningen Vägen")
    assert created.organisation_number == "802001-6179"
    assert ProjectPartner.objects.get(organisation=created).confirmed_on == dt.date(2009, 12, 1)
    assert log_of("create", "core.Organisation").get().object_id == str(created.pk)

    response = client.post(
        url("partner_edit", project, partner.pk),
        {"is_partner": "on", "is_co_financier": "on", "amount": "200000"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.is_partner and partner.amount == 200000
    assert log_of("change", "core.ProjectPartner").get().fields == ["amount", "is_partner"]

    assert client.get(url("partner_remove", project, partner.pk)).status_code == 200
    assert client.post(url("partner_remove", project, partner.pk)).status_code == 302
    assert not ProjectPartner.objects.filter(pk=partner.pk).exists()
    assert Organisation.objects.filter(pk=employer.pk).exists()
    assert log_of("delete", "core.ProjectPartner").count() == 1


def test_partner_writes_make_the_goal_figures_stale(client, world):
    project = world["project"]
    summary = ProjectSummary.objects.create(project=project, data_version=0)
    before = ProjectSummary.objects.get(pk=summary.pk).data_version
    employer = OrganisationFactory(name="Bygg AB", kind=Organisation.Kind.EMPLOYER)
    client.post(url("partner_add", project), {"organisation": employer.pk, "is_partner": "on"})
    assert ProjectSummary.objects.get(pk=summary.pk).data_version > before


def test_partner_bad_input_saves_nothing(client, world):
    project = world["project"]
    before = (Organisation.objects.count(), ProjectPartner.objects.count())
    # An organisation number with a wrong check digit.
    response = client.post(
        url("partner_add", project),
        {
            "new-name": "Felaktiga AB",
            "new-kind": "employer",
            "new-organisation_number": "556016-0681",
            "is_partner": "on",
        },
    )
    assert response.status_code == 200
    assert "check digit" in error_at(response, "id_new-organisation_number")
    # Neither partner nor co-financier; a negative amount; a confirmation in the future.
    employer = OrganisationFactory(name="Bygg AB", kind=Organisation.Kind.EMPLOYER)
    before = (Organisation.objects.count(), ProjectPartner.objects.count())
    response = client.post(
        url("partner_add", project),
        {"organisation": employer.pk, "amount": "-5", "confirmed_on": "2011-01-01"},
    )
    assert "Tick partner, co-financier or both" in error_at(response, "id_is_partner")
    assert error_at(response, "id_amount")
    assert "later than today" in error_at(response, "id_confirmed_on")
    # An organisation already a partner is not in the list.
    response = client.post(
        url("partner_add", project), {"organisation": world["agency"].pk, "is_partner": "on"}
    )
    assert "Select a valid choice" in error_at(response, "id_organisation")
    # Both an existing and a new organisation; neither.
    response = client.post(
        url("partner_add", project),
        {"organisation": employer.pk, "new-name": "Ny", "new-kind": "other", "is_partner": "on"},
    )
    assert "not both" in error_at(response, "id_organisation")
    response = client.post(url("partner_add", project), {"is_partner": "on"})
    assert "enter a new one" in error_at(response, "id_organisation")
    # A new organisation whose name exists already.
    response = client.post(
        url("partner_add", project),
        {"new-name": "bygg ab", "new-kind": "employer", "is_partner": "on"},
    )
    assert "exists already" in error_at(response, "id_new-name")
    assert (Organisation.objects.count(), ProjectPartner.objects.count()) == before


def test_a_partner_whose_staff_work_in_the_project_is_not_removed(client, world):
    project = world["project"]
    MembershipFactory(project=project, organisation=world["agency"], role=Role.CASE_WORKER)
    partner = ProjectPartner.objects.get(project=project, organisation=world["agency"])
    assert (
        "1 member of the staff works for"
        in client.get(url("partner_remove", project, partner.pk)).text
    )
    response = client.post(url("partner_remove", project, partner.pk))
    assert response.status_code == 200
    assert "works for Arbetsförmedlingen" in response.text
    assert ProjectPartner.objects.filter(pk=partner.pk).exists()


# --- areas ----------------------------------------------------------------------------------------


def test_manager_adds_changes_and_removes_areas(client, world):
    project = world["project"]
    response = client.post(
        url("area_add", project),
        {"municipality": world["malmo"].pk, "name": "Herrgården", "district": "Rosengård"},
    )
    assert response.status_code == 302
    area = project.areas.get(name="Herrgården")
    assert log_of("create", "core.Area").get().object_id == str(area.pk)
    assert log_of("change", "core.Project").get().fields == ["areas"]

    response = client.post(
        url("area_edit", project, area.pk),
        {"municipality": world["malmo"].pk, "name": "Herrgården", "district": "Öster"},
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.district == "Öster"
    assert log_of("change", "core.Area").get().fields == ["district"]

    assert client.post(url("area_remove", project, area.pk)).status_code == 302
    assert not project.areas.filter(pk=area.pk).exists()
    assert Area.objects.filter(pk=area.pk).exists()  # the place stays for other projects


def test_an_existing_area_is_reused_and_a_shared_one_not_changed(client, world):
    project, other = world["project"], world["other"]
    shared = Area.objects.create(name="Hjällbo", municipality=world["malmo"])
    other.areas.add(shared)
    response = client.post(
        url("area_add", project), {"municipality": world["malmo"].pk, "name": "hjällbo"}
    )
    assert response.status_code == 302
    assert list(project.areas.all()) == [shared]
    assert Area.objects.filter(name__iexact="hjällbo").count() == 1
    # Again: already in the project.
    response = client.post(
        url("area_add", project), {"municipality": world["malmo"].pk, "name": "Hjällbo"}
    )
    assert "already one of the project's areas" in error_at(response, "id_name")
    # Shared with another project: not changed here.
    response = client.post(
        url("area_edit", project, shared.pk),
        {"municipality": world["malmo"].pk, "name": "Hjällbo C"},
    )
    assert response.status_code == 200
    assert "Other projects have this area too" in response.text
    shared.refresh_from_db()
    assert shared.name == "Hjällbo"


def test_an_area_with_enrolments_is_not_removed(client, world):
    project = world["project"]
    area = Area.objects.create(name="Herrgården", municipality=world["malmo"])
    project.areas.add(area)
    EnrolmentFactory(project=project, area=area)
    response = client.post(url("area_remove", project, area.pk))
    assert response.status_code == 200
    assert "1 enrolment in this project is in Herrgården" in response.text
    assert project.areas.filter(pk=area.pk).exists()


# --- target groups --------------------------------------------------------------------------------


def test_manager_adds_changes_and_removes_target_groups(client, world):
    project = world["project"]
    response = client.post(
        url("target_group_add", project),
        {"code": "unga-vuxna", "name": "Unga vuxna", "name_en": "Young adults"},
    )
    assert response.status_code == 302
    group = project.target_groups.get(code="unga-vuxna")
    assert log_of("create", "core.TargetGroup").get().object_id == str(group.pk)

    response = client.post(
        url("target_group_edit", project, group.pk),
        {"name": "Unga vuxna 18–24", "name_en": "Young adults", "code": "changed"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.code) == ("Unga vuxna 18–24", "unga-vuxna")
    assert log_of("change", "core.TargetGroup").get().fields == ["name"]

    assert client.post(url("target_group_remove", project, group.pk)).status_code == 302
    assert not TargetGroup.objects.filter(pk=group.pk).exists()
    assert log_of("delete", "core.TargetGroup").count() == 1


def test_target_group_bad_input_and_one_in_use(client, world):
    project = world["project"]
    group = TargetGroup.objects.create(project=project, code="unga", name="Unga")
    response = client.post(url("target_group_add", project), {"code": "unga", "name": "Igen"})
    assert "has the code unga" in error_at(response, "id_code")
    response = client.post(url("target_group_add", project), {"code": "med mellanslag"})
    assert error_at(response, "id_code") and error_at(response, "id_name")
    assert project.target_groups.count() == 1

    enrolment = EnrolmentFactory(project=project)
    enrolment.target_groups.add(group)
    response = client.post(url("target_group_remove", project, group.pk))
    assert response.status_code == 200
    assert "1 enrolment is registered in the target group Unga" in response.text
    assert TargetGroup.objects.filter(pk=group.pk).exists()
    assert not log_of("delete", "core.TargetGroup").exists()


def test_the_settings_page_leads_to_the_project_period(client, world):
    """The period is a project setting too: the manager finds it where the others are."""
    with translation.override("en"):
        period_url = reverse("core:project_period", args=[world["project"].pk])
    page = client.get(url("index", world["project"])).text
    assert f'href="{period_url}"' in page
    assert client.get(period_url).status_code == 200


def test_a_manager_cannot_take_over_an_account_the_project_did_not_create(client, world):
    """An administrator made without a password (createsuperuser --noinput), or any unused
    account made elsewhere, is never the manager's to give a password: it cannot be added as a
    member, and a membership an administrator gave it gets no password link."""
    project = world["project"]
    root = User.objects.create_superuser("root", "root@example.se", None)
    response = client.post(
        url("staff_add", project),
        {"user": "root", "organisation": world["owner"].pk, "role": "evaluator"},
    )
    assert "an administrator's account" in error_at(response, "id_user")
    assert not Membership.objects.filter(user=root).exists()

    unused = UserFactory(username="unused")
    unused.set_unusable_password()
    unused.save()
    for account in (root, unused):
        membership = MembershipFactory(
            project=project, user=account, organisation=world["owner"], role=Role.EVALUATOR
        )
        response = client.post(url("staff_password_link", project, membership.pk))
        assert 'id="password-link"' not in response.text
    assert not log_of("change", "accounts.User").exists()
    root.refresh_from_db()
    assert not root.has_usable_password()
