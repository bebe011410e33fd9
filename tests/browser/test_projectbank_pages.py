"""An administrator pastes a project-bank page, reads the preview and creates the project; axe
on the paste page, the preview and the result, in Swedish and under /en/. Elements are found
by id or css: Swedish labels are English until the translator has run."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.models import Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SEEDS = Path("/work/shared/seeds")


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def administrator(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def test_paste_preview_create_in_swedish(page, login, axe, administrator):
    login("admin")
    page.goto("/projects/")
    page.click("a[href='/projects/import/']")
    expect(page.locator("h1")).to_be_visible()
    axe(page, "projectbank-paste-sv")

    page.fill("#id_text", seed("001"))
    page.click("form.projectbank-paste button[type=submit]")
    expect(page.locator("#fields-heading")).to_be_visible()
    expect(page.locator("table.projectbank-fields")).to_contain_text("Mats Johansson")
    expect(page.locator("table.projectbank-fields")).to_contain_text("4\u00a0797\u00a0459\u00a0kr")
    axe(page, "projectbank-preview-sv")
    assert Project.objects.count() == 0

    page.click(".create-card button[type=submit]")
    expect(page.locator("h1")).to_have_text(
        "Framtid i Fokus - ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg"
    )
    axe(page, "projectbank-created-sv")
    assert Project.objects.count() == 1


def test_paste_and_preview_with_missing_fields_in_english(page, login, axe, administrator):
    login("admin", prefix="/en")
    page.goto("/en/projects/import/")
    expect(page.locator("h1")).to_have_text("Import from the project bank")
    axe(page, "projectbank-paste-en")

    page.fill("#id_text", seed("002"))
    page.click("form.projectbank-paste button[type=submit]")
    expect(page.locator("table.projectbank-fields")).to_contain_text("not found in the text")
    expect(page.locator("#id_owner_name")).to_be_visible()
    axe(page, "projectbank-preview-en")

    # Create without the owner, phase and period: the form says what is missing.
    page.click(".create-card button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page, "projectbank-preview-errors-en")
    assert Project.objects.count() == 0
    page.fill("#id_owner_name", "Malmö stad, stadskontoret")
    page.select_option("#id_phase", "implementation")
    page.fill("#id_starts_on", "2010-01-01")
    page.fill("#id_ends_on", "2015-12-31")
    page.click(".create-card button[type=submit]")
    expect(page.locator("h1")).to_have_text("Områdesprogram för ett socialt hållbart Malmö")
    assert Project.objects.get().sections.count() == 4
