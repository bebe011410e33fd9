"""The demo as a newcomer meets it: every printed login works, sees its projects, and the
manager gets 404 on a project they are not a member of."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.models import Membership, Project
from demo.seeds import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    settings.DEMO_MODE = True


def test_every_printed_login_works_and_sees_only_its_projects(page, login, axe, demo):
    assert {d.username for d in DEMO_LOGINS} == {
        "caseworker",
        "provider",
        "manager",
        "evaluator",
        "steering",
        "dpo",
        "admin",
    }
    for demo_login in DEMO_LOGINS:
        login(demo_login.username, DEMO_PASSWORD)
        # Each demo user continues in the language they chose (one of them English).
        expect(page.get_by_role("heading", name=re.compile("Mina projekt|My projects")))
        expect(page.get_by_text(re.compile("^(Demodata|Demo data)$"))).to_be_visible()
        titles = set(
            Membership.objects.filter(user__username=demo_login.username).values_list(
                "project__title", flat=True
            )
        )
        shown = set(page.locator("main table tbody tr td:first-child a").all_inner_texts())
        assert shown == titles
        page.get_by_role("button", name=re.compile("Logga ut|Log out")).click()
    axe(page, "demo-login")


def test_manager_opens_a_project_and_gets_404_on_another(page, login, axe, demo):
    login("manager", DEMO_PASSWORD)
    mine = Project.objects.get(title__startswith="Framtid i Fokus - ett Tvillingprojekt")
    page.get_by_role("link", name=mine.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(mine.title)
    expect(page.get_by_text("4 797 459 kr")).to_be_visible()
    axe(page, "demo-project-page")
    other = Project.objects.get(title="Framtid i Fokus – Göteborg (Bergsjön/Kortedala)")
    assert page.goto(f"/projects/{other.pk}/").status == 404
    assert page.goto(f"/en/projects/{other.pk}/").status == 404


def test_admin_reaches_the_administration_but_no_participant_data(page, login, demo):
    login("admin", DEMO_PASSWORD)
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("link", name="Organisationer", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Deltagare", exact=True)).to_have_count(0)
