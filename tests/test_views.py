"""Login, the project list and the project page for a member, another organisation and an
outsider; language selection."""

import pytest
from django.urls import reverse

from core.decorators import project_view
from core.models import LogEntry, Role

from .factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    membership = MembershipFactory(role=Role.MANAGER, project__title="Framtid i Fokus")
    client.force_login(membership.user)
    return membership


def test_login_page_renders_in_swedish_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()


def test_login_with_the_right_password_lands_on_the_project_list_and_is_logged(client):
    user = UserFactory(username="amira")
    response = client.post(reverse("accounts:login"), {"username": "amira", "password": "demo"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:project_list")
    assert LogEntry.objects.filter(user=user, action="login").exists()


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="amira")
    response = client.post(reverse("accounts:login"), {"username": "amira", "password": "nej"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_user_who_chose_english_continues_in_english_after_login(client):
    UserFactory(username="eva", language="en")
    response = client.post(reverse("accounts:login"), {"username": "eva", "password": "demo"})
    assert response["Location"] == "/en/projects/"


def test_anonymous_visitor_is_sent_to_login(client):
    project = ProjectFactory()
    for url in (reverse("core:project_list"), reverse("core:project_detail", args=[project.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_project_list_shows_only_projects_with_a_membership(client, member):
    other = ProjectFactory(title="Jobb för alla (Förprojektering)")
    response = client.get(reverse("core:project_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Framtid i Fokus" in content
    assert other.title not in content


def test_member_opens_the_project_page(client, member):
    response = client.get(reverse("core:project_detail", args=[member.project_id]))
    assert response.status_code == 200
    assert "Framtid i Fokus" in response.content.decode()


def test_member_of_another_organisation_in_the_same_project_opens_it_too(client, member):
    colleague = MembershipFactory(project=member.project, role=Role.CASE_WORKER)
    client.force_login(colleague.user)
    assert client.get(reverse("core:project_detail", args=[member.project_id])).status_code == 200


def test_outsider_gets_404_for_a_project_they_are_not_a_member_of(client, member):
    outsider = MembershipFactory(role=Role.MANAGER)  # manager, but of another project
    client.force_login(outsider.user)
    assert client.get(reverse("core:project_detail", args=[member.project_id])).status_code == 404
    assert client.get(reverse("core:project_detail", args=[999999])).status_code == 404


def test_missing_capability_is_403(rf, member):
    @project_view("goals.change")
    def change_goals(request):
        raise AssertionError("must not run")

    steering = MembershipFactory(project=member.project, role=Role.STEERING)
    request = rf.get("/")
    request.user = steering.user
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        change_goals(request, project_id=member.project_id)


def test_english_pages_under_en_prefix(client, member):
    response = client.get("/en" + reverse("core:project_detail", args=[member.project_id]))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Project facts" in content


def test_swedish_page_is_translated(client, member):
    content = client.get(reverse("core:project_detail", args=[member.project_id])).content.decode()
    assert "Projektfakta" in content
    assert "Project facts" not in content


def test_language_switch_keeps_the_page_and_remembers_the_choice(client, member):
    page = reverse("core:project_detail", args=[member.project_id])
    response = client.post(reverse("accounts:language"), {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == "/en" + page
    member.user.refresh_from_db()
    assert member.user.language == "en"


def test_language_switch_refuses_foreign_redirects(client, member):
    response = client.post(
        reverse("accounts:language"), {"language": "sv", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_demo_banner_only_in_demo_mode(client, member, settings):
    url = reverse("core:project_list")
    settings.DEMO_MODE = False
    assert "demo-banner" not in client.get(url).content.decode()
    settings.DEMO_MODE = True
    assert "demo-banner" in client.get(url).content.decode()


def test_logging_in_on_the_english_page_continues_in_english_and_remembers_it(client):
    user = UserFactory(username="eva", language="sv")
    response = client.post("/en/accounts/login/", {"username": "eva", "password": "demo"})
    assert response["Location"] == "/en/projects/"
    user.refresh_from_db()
    assert user.language == "en"


def test_demo_banner_shows_the_demo_clock(client, member, settings):
    settings.DEMO_MODE = True
    settings.FOLJSAM_TODAY = "2015-06-22"
    assert "2015-06-22" in client.get(reverse("core:project_list")).content.decode()
