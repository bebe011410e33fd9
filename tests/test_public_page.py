"""The public project page (reports/publishing.py, reports/views_public.py, docs/public-page.md):
published by the manager, read by anyone without login in Swedish and English and as JSON;
unpublished is a 404 like a project that does not exist; figures only from the stored summary
with the project's disclosure plan applied."""

import datetime as dt
import json
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from core.models import LogEntry, ProjectPartner, ProjectSection, Role
from goals.models import ProjectSummary
from reports import publishing

from .factories import MembershipFactory, OrganisationFactory, ProjectFactory
from .test_goal_engine import goal, person

pytestmark = pytest.mark.django_db
D = dt.date
THRESHOLD = 5


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = "2010-06-30"
    settings.SUPPRESSION_THRESHOLD = THRESHOLD


def public_url(project, language="sv", name="public:project"):
    with translation.override(language):
        return reverse(name, kwargs={"project_id": project.pk})


def json_url(project):
    return public_url(project, name="public:project_json")


def make_project(women=8, men=7, **kwargs):
    project = ProjectFactory(
        title="Jobb för alla", title_en="Jobs for All", starts_on=D(2009, 1, 1), **kwargs
    )
    ProjectSection.objects.create(
        project=project, key="summary", language="sv", body="Projektet ska ge jobb.", order=0
    )
    ProjectSection.objects.create(
        project=project, key="summary", language="en", body="The project gives jobs.", order=0
    )
    ProjectSection.objects.create(
        project=project, key="purpose", language="sv", body="Syftet är arbete.", order=2
    )
    ProjectPartner.objects.create(
        project=project,
        organisation=OrganisationFactory(name="Arbetsförmedlingen Malmö"),
        is_co_financier=True,
    )
    goal(project, "gender_split", "women", population="all", target=0.4, target_high=0.6)
    for _ in range(women):
        person(project, gender="woman")
    for _ in range(men):
        person(project, gender="man")
    return project


def manager_of(project):
    return MembershipFactory(project=project, role=Role.MANAGER).user


def same_page(response, url) -> str:
    """The body with its own URL and the (masked, per-response) CSRF token taken out."""
    body = response.content.decode().replace(url, "URL")
    return re.sub(r'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"', "TOKEN", body)


# --- who gets what ----------------------------------------------------------------------------


def test_unpublished_is_a_404_exactly_like_a_project_that_does_not_exist(client):
    project = make_project()
    missing = project.pk + 1000
    for name in ("public:project", "public:project_json"):
        url, other = public_url(project, name=name), reverse(name, kwargs={"project_id": missing})
        unpublished, nowhere = client.get(url), client.get(other)
        assert unpublished.status_code == nowhere.status_code == 404
        assert same_page(unpublished, url) == same_page(nowhere, other)
    # A member of the project gets the same: the public page is not a member's page.
    client.force_login(manager_of(project))
    assert client.get(public_url(project)).status_code == 404
    assert project.title not in client.get(reverse("public:index")).content.decode()


def test_an_anonymous_visitor_reads_the_published_page_in_both_languages(client):
    project = make_project()
    publishing.publish(project, by=manager_of(project))
    sv = client.get(public_url(project, "sv"))
    en = client.get(public_url(project, "en"))
    assert sv.status_code == en.status_code == 200
    sv_html, en_html = sv.content.decode(), en.content.decode()
    assert '<html lang="sv">' in sv_html and '<html lang="en">' in en_html
    assert "<h1" in sv_html and "Jobb för alla</h1>" in sv_html
    assert "Jobs for All</h1>" in en_html
    # The Swedish title beside the English one, marked as Swedish.
    assert '<p class="lead" lang="sv">Jobb för alla</p>' in en_html
    assert "Projektet ska ge jobb." in sv_html and "The project gives jobs." in en_html
    assert "Arbetsförmedlingen Malmö" in sv_html
    # No login prompt, no member's menu, a language link and the JSON link.
    for html in (sv_html, en_html):
        assert reverse("accounts:login") not in html
        assert 'name="password"' not in html
        assert "project-nav" not in html
        assert json_url(project) in html
    assert f'href="{public_url(project, "en")}" lang="en" hreflang="en"' in sv_html
    # The index lists it, and every page's footer leads to the index (the login page too).
    assert public_url(project) in client.get(reverse("public:index")).content.decode()
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert f'<a href="{reverse("public:index")}">' in login_page


def test_text_only_in_swedish_is_marked_as_swedish_on_the_english_page(client):
    project = make_project()
    ProjectSection.objects.filter(project=project, language="en").delete()
    publishing.publish(project, by=manager_of(project))
    html = client.get(public_url(project, "en")).content.decode()
    assert "only available in Swedish" in html
    assert re.search(r'<div lang="sv">\s*<p>Projektet ska ge jobb.</p>', html)


def test_the_json_is_the_same_page(client):
    project = make_project()
    publishing.publish(project, by=manager_of(project))
    response = client.get(json_url(project))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]  # withdrawn means gone at once
    data = response.json()
    assert data["title"] == {"sv": "Jobb för alla", "en": "Jobs for All"}
    assert data["url"] == {"sv": public_url(project, "sv"), "en": public_url(project, "en")}
    assert [s["body"] for s in data["sections"]["sv"]] == [
        "Projektet ska ge jobb.",
        "Syftet är arbete.",
    ]
    assert data["sections"]["sv"][0]["heading"] == "Sammanfattning"
    assert data["sections"]["en"][0]["heading"] == "Summary"
    assert data["co_financiers"] == ["Arbetsförmedlingen Malmö"]
    results = data["results"]
    assert results["threshold"] == THRESHOLD
    assert results["flow"]["referred"]["total"] == 15
    assert results["flow"]["referred"]["by_gender"]["woman"] == {"n": 8, "hidden": None}
    (women,) = results["goals"]
    assert (women["numerator"], women["denominator"]) == (8, 15)
    assert women["title"] == {"sv": "Mål gender_split", "en": "Goal gender_split"}
    # One language on request; an unknown one is a 404.
    only_en = client.get(json_url(project) + "?language=en").json()
    assert set(only_en["sections"]) == {"en"} and set(only_en["url"]) == {"en"}
    assert client.get(json_url(project) + "?language=de").status_code == 404
    # The HTML shows the same figures.
    html = client.get(public_url(project, "en")).content.decode()
    assert '<span class="nowrap">8 / 15</span>' in html


def test_small_figures_are_hidden_with_the_reason_as_on_the_dashboard(client):
    project = make_project(women=3, men=7)
    publishing.publish(project, by=manager_of(project))
    data = client.get(json_url(project)).json()["results"]
    referred = data["flow"]["referred"]
    assert referred["by_gender"]["woman"] == {"n": None, "hidden": "small"}
    assert referred["total"] == 10
    # 10 − 7 would give the 3 women away: the men are hidden too.
    assert referred["by_gender"]["man"]["n"] is None
    (women,) = data["goals"]
    assert women["numerator"] is None and women["status"] == "suppressed"
    assert data["hidden_reasons"]["small"] == {"sv": "färre än 5", "en": "fewer than 5"}
    html = client.get(public_url(project, "en")).content.decode()
    flow = html.split('id="public-flow-caption"')[1].split("</table>")[0]
    assert "fewer than 5" in flow
    assert not re.search(r'<td class="number">[1-4]</td>', flow)


def test_a_project_raising_its_threshold_hides_more(client):
    project = make_project(women=8, men=7, disclosure_threshold=10)
    publishing.publish(project, by=manager_of(project))
    data = client.get(json_url(project)).json()["results"]
    assert data["threshold"] == 10
    assert data["flow"]["referred"]["by_gender"]["woman"]["n"] is None


# --- the stored figures, never recounted for a visitor -----------------------------------------


def test_the_public_page_shows_the_stored_figures_with_their_date_and_never_recounts(client):
    project = make_project()
    publishing.publish(project, by=manager_of(project))
    assert client.get(json_url(project)).json()["results"]["current"] is True
    computed = ProjectSummary.objects.get(project=project).computed_at
    for _ in range(5):
        person(project, gender="woman")
    ProjectSummary.objects.filter(project=project).update(data_version=999)  # stale
    # A queue that does not run the refresh at once (the immediate one would recount).
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        data = client.get(json_url(project)).json()["results"]
        html = client.get(public_url(project, "en")).content.decode()
    assert data["current"] is False
    assert data["flow"]["referred"]["total"] == 15  # the stored figure, not 20
    assert ProjectSummary.objects.get(project=project).computed_at == computed
    assert "Newer records are being counted" in html


def test_no_figures_yet(client):
    project = make_project()
    project.public_since = dt.datetime(2010, 1, 1, tzinfo=dt.UTC)
    project.save()
    ProjectSummary.objects.filter(project=project).delete()
    assert client.get(json_url(project)).json()["results"] is None
    html = client.get(public_url(project, "en")).content.decode()
    assert "No results have been computed for the project yet." in html
    assert not ProjectSummary.objects.filter(project=project).exists()


# --- the manager's page ----------------------------------------------------------------------


def test_the_manager_previews_publishes_and_withdraws_audited(client):
    project = make_project()
    manager = manager_of(project)
    client.force_login(manager)
    manage = reverse("publish:manage", kwargs={"project_id": project.pk})
    page = client.get(manage.replace("/projects/", "/en/projects/", 1)).content.decode()
    # The menu entry, the preview (the public page's own content) and the publish button.
    assert f'href="/en/projects/{project.pk}/public-page/"' in page
    assert "Preview: what the public sees" in page
    assert "Jobs for All</h2>" in page  # one heading level down, under the page's h1
    assert '<span class="nowrap">8 / 15</span>' in page
    assert 'value="publish"' in page
    anonymous = Client()
    assert anonymous.get(public_url(project)).status_code == 404

    assert client.post(manage, {"action": "publish"}).status_code == 302
    project.refresh_from_db()
    assert project.public_since is not None and project.public_by == manager
    assert anonymous.get(public_url(project)).status_code == 200
    entry = LogEntry.objects.filter(project=project, action="change").latest("pk")
    assert entry.reason == "public page published" and entry.user_id == manager.pk
    page = client.get(manage).content.decode()
    assert public_url(project) in page and 'value="withdraw"' in page

    client.post(manage, {"action": "withdraw"})
    project.refresh_from_db()
    assert project.public_since is None
    assert anonymous.get(public_url(project)).status_code == 404
    assert anonymous.get(json_url(project)).status_code == 404
    entry = LogEntry.objects.filter(project=project, action="change").latest("pk")
    assert entry.reason == "public page withdrawn"


def test_publishing_leaves_the_figures_fresh(client):
    """Publishing changes nothing a goal counts: the stored summary stays in step."""
    project = make_project()
    publishing.publish(project, by=manager_of(project))
    assert client.get(json_url(project)).json()["results"]["current"] is True


@pytest.mark.parametrize("role", [Role.STEERING, Role.EVALUATOR, Role.CASE_WORKER])
def test_only_the_manager_publishes(client, role):
    project = make_project()
    member = MembershipFactory(project=project, role=role).user
    client.force_login(member)
    manage = reverse("publish:manage", kwargs={"project_id": project.pk})
    assert client.get(manage).status_code == 403
    assert client.post(manage, {"action": "publish"}).status_code == 403
    project.refresh_from_db()
    assert project.public_since is None
    detail = client.get(reverse("core:project_detail", kwargs={"project_id": project.pk}))
    assert manage not in detail.content.decode()


def test_json_is_valid_json_with_quotes_and_long_titles(client):
    project = make_project()
    longest = type(project)._meta.get_field("title").max_length  # a title as long as it can be
    project.title = ('Projektet "Nya vägar" ' + "x" * longest)[:longest]
    project.save()
    ProjectSection.objects.create(
        project=project, key="goals", language="sv", body="هدف المشروع · Ujeedada mashruuca"
    )
    publishing.publish(project, by=manager_of(project))
    raw = client.get(json_url(project)).content.decode()
    data = json.loads(raw)
    assert data["title"]["sv"].startswith('Projektet "Nya vägar"')
    assert "هدف المشروع" in raw  # not escaped
    assert client.get(public_url(project)).status_code == 200
