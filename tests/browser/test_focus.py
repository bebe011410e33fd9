"""Where keyboard focus goes (issue 11, item 9; docs/accessibility.md):

- after a failed form submit (a full page: the exit, a registration, the case list's search, the
  log-in), focus is on the error summary at the top of the form, and each of its links points
  at a field that exists — and following one focuses it;
- after an htmx save, focus is on what was updated: the new status, the saved note's message,
  the row of hours; after an htmx save with errors, on the error summary in the swapped part.

static/js/foljsam.js does it; without JavaScript the summary is still at the top of the form."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.models import Organisation, Role
from tests.factories import (
    InterventionFactory,
    MembershipFactory,
    ParticipationFactory,
)
from tests.test_participant_page import make_world

pytestmark = pytest.mark.django_db(transaction=True)

# The active element, described for the assertion messages and the checks.
ACTIVE = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id, classes: el.className || '',
          text: (el.innerText || '').slice(0, 120)};
}"""


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def summary_links_point_at_fields(page) -> list[str]:
    """The error summary's link targets; fails on a link to an id the page does not have."""
    hrefs = page.eval_on_selector_all(
        "main .error-summary a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs, "the error summary links to no field"
    for href in hrefs:
        assert href.startswith("#") and len(href) > 1, href
        assert page.evaluate("id => !!document.getElementById(id)", href[1:]), (
            f"the error summary links to {href}, which is not on the page"
        )
    return hrefs


@pytest.fixture
def world(settings):
    return make_world(settings)


def test_a_failed_form_puts_focus_on_its_error_summary(page, login, axe, world):
    project, enrolment = world.project.pk, world.enrolment.pk
    login("amira", prefix="/en")

    # The exit form: an exit before the start.
    page.goto(f"/en/projects/{project}/enrolments/{enrolment}/exit/")
    page.locator("#id_exited_on").fill("2000-01-01")
    page.locator("form.narrow-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main .error-summary")).to_be_visible()
    focused = active(page)
    assert "error-summary" in focused["classes"], focused
    assert "Please correct the following" in focused["text"]
    hrefs = summary_links_point_at_fields(page)
    assert "#id_exited_on" in hrefs
    # Following a link puts focus on the field.
    page.locator('main .error-summary a[href="#id_exited_on"]').click()
    expect(page.locator("#id_exited_on")).to_be_focused()
    axe(page, "focus-exit-errors-en")

    # The registration form: several forms in one summary, a checkbox group among them.
    page.goto(f"/en/projects/{project}/participants/register/anonymous/")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    focused = active(page)
    assert "error-summary" in focused["classes"], focused
    summary_links_point_at_fields(page)

    # The case list's name search, one letter: the summary in the search form.
    page.goto(f"/en/projects/{project}/enrolments/")
    page.locator("#id_q").fill("b")
    page.locator("#id_q").press("Enter")
    page.wait_for_load_state()
    focused = active(page)
    assert "error-summary" in focused["classes"], focused
    assert summary_links_point_at_fields(page) == ["#id_q"]

    # The log-in page's summary, too.
    page.locator('form[action$="/accounts/logout/"] button').click()
    page.goto("/en/accounts/login/")
    page.locator("#id_username").fill("amira")
    page.locator("#id_password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "error-summary" in active(page)["classes"]


def test_after_an_htmx_save_focus_is_on_what_was_updated(page, login, axe, world):
    project, enrolment = world.project.pk, world.enrolment.pk
    login("amira", prefix="/en")
    page.goto(f"/en/projects/{project}/enrolments/{enrolment}/")
    url = page.url

    # A status change, by keyboard: focus on the new current status.
    page.locator("#status-block #id_status").select_option("paused")
    page.locator("#status-block #id_on").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#status-block .current-status strong")).to_have_text("Paused")
    expect(page.locator("#status-block .current-status")).to_be_focused()
    assert page.url == url  # htmx, not a page load

    # A contact note without its text: focus on the summary in the swapped form.
    page.locator("#id_kind").select_option("phone")
    page.locator("#note-form-block button[type=submit]").click()
    expect(page.locator("#note-form-block .error-summary")).to_be_focused()
    summary_links_point_at_fields(page)

    # The note saved: focus on the message saying so (the note is in the timeline).
    page.locator("#id_text").fill("Ringde om praktikplatsen.")
    page.locator("#note-form-block button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text("Ringde om praktikplatsen.")
    expect(page.locator("#note-message .message")).to_be_focused()
    assert page.url == url
    axe(page, "focus-participant-after-htmx-en")


def test_after_an_inline_row_of_hours_focus_is_on_the_row(page, login, world):
    employer = world.provider.organisation
    employer.kind = Organisation.Kind.EMPLOYER
    employer.save()
    intervention = InterventionFactory(
        project=world.project,
        provider=employer,
        name="Praktik bygg",
        starts_on=dt.date(2009, 1, 1),
        ends_on=dt.date(2010, 12, 31),
    )
    participation = ParticipationFactory(intervention=intervention, enrolment=world.enrolment)
    MembershipFactory(
        user__username="johan", project=world.project, organisation=employer, role=Role.PROVIDER
    )
    login("johan", prefix="/en")
    page.goto(f"/en/projects/{world.project.pk}/interventions/{intervention.pk}/")
    row = page.locator(f"#participation-{participation.pk}")
    prefix = f"#id_p{participation.pk}"

    # Hours that cannot be: focus on the summary in the row.
    row.locator("summary").click()
    page.locator(f"{prefix}-held_on").fill("2009-12-15")
    page.locator(f"{prefix}-hours").fill("-2")
    page.locator(f"{prefix}-hours").press("Enter")
    expect(row.locator(".error-summary")).to_be_focused()
    summary_links_point_at_fields(page)

    # Saved: focus on the updated row.
    page.locator(f"{prefix}-hours").fill("3")
    page.locator(f"{prefix}-hours").press("Enter")
    expect(page.locator("#attendance-status")).to_contain_text("Leyla Ahmadi")
    expect(row).to_be_focused()
