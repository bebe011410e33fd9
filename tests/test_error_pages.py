"""The product's own error pages, in Swedish and English, as the demo serves them (DEBUG off):
never Django's technical page with its list of URL patterns."""

import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import path

from core.models import Role
from foljsam import urls as product_urls

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

# What Django's technical pages say; none of it may reach a visitor.
TECHNICAL = re.compile(
    r"Using the URLconf|URLconf defined in|Traceback|DEBUG = True|django\.views\.|"
    r"Request Method:|Django tried these URL patterns|CSRF verification failed|"
    r"Server Error \(500\)|Bad Request \(400\)"
)


def _broken(request):
    raise RuntimeError("a bug in a view")


def _suspicious(request):
    raise SuspiciousOperation("a forged request")


urlpatterns = [
    *product_urls.urlpatterns,
    path("broken/", _broken),
    path("en/broken/", _broken),
    path("suspicious/", _suspicious),
    path("en/suspicious/", _suspicious),
]
handler400 = product_urls.handler400
handler500 = product_urls.handler500


@pytest.fixture(autouse=True)
def served_as_the_demo(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = True
    settings.FOLJSAM_TODAY = "2015-06-22"


def own_page(response, status: int, language: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert not TECHNICAL.search(html), TECHNICAL.search(html).group(0)
    assert 'class="demo-banner"' in html
    home = "/en/" if language == "en" else "/"
    assert f'href="{home}"' in html, "the page links home"
    return html


@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "sv")])
def test_an_unknown_address_is_the_products_404(client, prefix, language):
    html = own_page(client.get(f"{prefix}/no/such/page/"), 404, language)
    assert "Page not found" in html if language == "en" else "Sidan finns inte" in html


@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "sv")])
def test_a_denied_role_gets_the_products_403(client, prefix, language):
    membership = MembershipFactory(role=Role.EVALUATOR)
    client.force_login(membership.user)
    response = client.get(f"{prefix}/projects/{membership.project_id}/participants/")
    html = own_page(response, 403, language)
    if language == "en":
        assert "Not allowed" in html
        assert "Go to my projects" in html
    else:
        assert "Inte tillåtet" in html


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "sv")])
def test_a_failing_view_is_the_products_500(prefix, language):
    client = Client(raise_request_exception=False)
    html = own_page(client.get(f"{prefix}/broken/"), 500, language)
    if language == "en":
        assert "Something went wrong" in html


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "sv")])
def test_a_bad_request_is_the_products_400(prefix, language):
    client = Client(raise_request_exception=False)
    html = own_page(client.get(f"{prefix}/suspicious/"), 400, language)
    if language == "en":
        assert "The request could not be read" in html


@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "sv")])
def test_a_refused_form_is_the_products_csrf_page(prefix, language):
    client = Client(enforce_csrf_checks=True)
    html = own_page(client.post(f"{prefix}/accounts/login/", {"username": "x"}), 403, language)
    if language == "en":
        assert "The form could not be sent" in html
        assert "Nothing was saved" in html


def test_the_served_demo_runs_with_debug_off():
    """`make demo` loads with DEBUG on (load_demo refuses otherwise) but serves with DEBUG off,
    the demo banner on and the demo's clock: what `make -n demo` would run says so."""
    dry_run = subprocess.run(  # noqa: S603
        ["make", "-n", "demo", "PYTHON=" + sys.executable],  # noqa: S607
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    exported = re.search(r"export (.*?);", dry_run, re.S).group(1)
    assert "DEBUG=0" in exported.split()
    assert "DEMO_MODE=1" in exported.split()
    assert "FOLJSAM_TODAY=2015-06-22" in exported.split()
    assert "DEBUG=1" not in serve
    load = next(line for line in dry_run.splitlines() if "load_demo" in line)
    assert "DEBUG=1" in load.split()
    assert "collectstatic" in dry_run, "with DEBUG off the static files are served by WhiteNoise"


def test_the_demo_settings_start_with_debug_off(tmp_path):
    """The settings the served demo gets (DEBUG=0, DEMO_MODE=1, no keys in the environment)
    start: the keys the demo was loaded with are used, cookies work on http://127.0.0.1."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "DEMO_MODE": "1",
        "FOLJSAM_TODAY": "2015-06-22",
        "DEV_KEYS_FILE": str(tmp_path / "keys.json"),
        "DJANGO_SETTINGS_MODULE": "foljsam.settings",
    }
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.DEMO_MODE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["False", "True", "False", "False"]
