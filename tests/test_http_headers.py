"""HTTP headers a data protection officer looks for (issue 12, item 2): every page and API answer
about people is `Cache-Control: no-store`, every answer carries a Content-Security-Policy that
allows no inline script, and no template holds an inline script or event handler (or the
policy would break the page). Static files keep their cache."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from core.models import Role

from .factories import EnrolmentFactory, MembershipFactory

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def member(db):
    return MembershipFactory(role=Role.CASE_WORKER)


def _pages(member):
    project = member.project
    enrolment = EnrolmentFactory(project=project)
    return [
        reverse("core:project_list"),
        reverse("core:project_detail", args=[project.pk]),
        reverse("enrolments:case_list", args=[project.pk]),
        reverse("enrolments:participant", args=[project.pk, enrolment.pk]),
        "/api/v1/",
        "/en/no-such-page/",
    ]


def test_pages_and_api_answers_are_not_stored_and_carry_the_policy(client, member):
    client.force_login(member.user)
    for path in _pages(member):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path
        policy = response["Content-Security-Policy"]
        scripts = re.search(r"script-src ([^;]*)", policy).group(1).split()
        assert scripts == ["'self'"], (path, policy)
        assert "frame-ancestors 'none'" in policy


def test_the_login_page_too(client, db):
    response = client.get(reverse("accounts:login"))
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    """The policy forbids inline script; a template that had one would silently stop working."""
    offences = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, re.compile(r"\bhx-on")):
            if match := pattern.search(text):
                offences.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)!r}")
    assert not offences, "Move script into static/js/ files:\n" + "\n".join(offences)


def test_behind_a_tls_proxy_the_settings_come_from_the_environment(monkeypatch):
    """The proxy's https and the public origin are read from the environment, so form posts
    through a TLS-terminating proxy are not refused."""
    import importlib

    import foljsam.settings as settings_module

    monkeypatch.setenv("BEHIND_TLS_PROXY", "1")
    monkeypatch.setenv("CSRF_TRUSTED_ORIGINS", "https://foljsam.example.se, https://b.example.se")
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "600")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        assert reloaded.CSRF_TRUSTED_ORIGINS == [
            "https://foljsam.example.se",
            "https://b.example.se",
        ]
        assert reloaded.SECURE_HSTS_SECONDS == 600
    finally:
        monkeypatch.delenv("BEHIND_TLS_PROXY")
        monkeypatch.delenv("CSRF_TRUSTED_ORIGINS")
        monkeypatch.delenv("SECURE_HSTS_SECONDS")
        importlib.reload(settings_module)


def test_a_form_post_through_the_proxy_is_accepted(client, settings, member):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_TRUSTED_ORIGINS = ["https://foljsam.example.se"]
    settings.ALLOWED_HOSTS = ["foljsam.example.se"]
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member.user)
    page = browser.get(
        reverse("core:project_list"), HTTP_HOST="foljsam.example.se", HTTP_X_FORWARDED_PROTO="https"
    )
    token = browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else None
    if token is None:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def post():
        return browser.post(
            reverse("accounts:language"),
            {"language": "en", "next": "/", "csrfmiddlewaretoken": token},
            HTTP_HOST="foljsam.example.se",
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_ORIGIN="https://foljsam.example.se",
            HTTP_REFERER="https://foljsam.example.se/",
        )

    assert post().status_code == 302
    # Without the settings the same post looks like http with an https origin: refused.
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.CSRF_TRUSTED_ORIGINS = []
    assert post().status_code == 403
