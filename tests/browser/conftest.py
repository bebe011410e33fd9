"""Playwright driving Debian's Chromium against Django's live server, with axe-core.

Chromium is found at CHROMIUM (default /usr/bin/chromium; `make test` installs it when it can).
Without it the browser tests are skipped with a message — except in CI, where they must run.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests. " + message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def axe():
    """Run axe-core on the page and fail on any violation, listing them."""
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def check(page, name: str):
        results = checker.run(page)
        assert results.violations_count == 0, f"axe on {name}:\n{results.generate_report()}"
        if os.environ.get("SCREENSHOTS"):
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOT_DIR / f"{name}.png", full_page=True)

    return check


@pytest.fixture
def login(page):
    """Log in through the login form, as a user would."""

    def do_login(username: str, password: str = "demo", prefix: str = ""):
        page.goto(f"{prefix}/accounts/login/")
        page.get_by_label("Användarnamn" if not prefix else "User name").fill(username)
        page.get_by_label("Lösenord" if not prefix else "Password").fill(password)
        page.get_by_role("button", name="Logga in" if not prefix else "Log in").click()
        page.wait_for_load_state()

    return do_login
