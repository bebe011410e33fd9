"""Production settings pass `manage.py check --deploy` with nothing to report, and the sign-in
protections are on by default in production, off in development and the demo (issue 12,
items 1 and 2; README "Settings"). Each case starts Django in a subprocess with only the
environment it names, as a server would."""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **extra) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "foljsam.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "IDENTITY_HASH_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "PSEUDONYM_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEV_KEYS_FILE": str(tmp_path / "no-dev-keys.json"),
    }
    env.update(extra)
    return env


def run(args, env):
    return subprocess.run(  # noqa: S603 (this interpreter, our own arguments)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_deploy_checks_report_nothing_with_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_checks_behind_a_tls_proxy_report_nothing(tmp_path):
    env = production_env(tmp_path, BEHIND_TLS_PROXY="1", CSRF_TRUSTED_ORIGINS="https://example.org")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: str(getattr(s, name, None)) for name in %r}))"
)
NAMES = [
    "REQUIRE_TWO_FACTOR",
    "SECURE_SSL_REDIRECT",
    "SESSION_IDLE_TIMEOUT",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "AXES_LOCKOUT_PARAMETERS",
    "OIDC_ENABLED",
    "TRUSTED_PROXY_COUNT",
    "AUTHENTICATION_BACKENDS",
]


def settings_under(env) -> dict:
    result = run(["-c", SHOW % NAMES], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults(tmp_path):
    values = settings_under(production_env(tmp_path))
    assert values["REQUIRE_TWO_FACTOR"] == "True"
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert values["SESSION_IDLE_TIMEOUT"] == str(30 * 60)
    assert values["SESSION_COOKIE_AGE"] == str(10 * 3600)
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] == "True"
    assert values["AXES_FAILURE_LIMIT"] == "10"
    assert values["AXES_COOLOFF_TIME"] == "0:30:00"
    assert values["AXES_LOCKOUT_PARAMETERS"] == "['username', 'ip_address']"
    assert values["OIDC_ENABLED"] == "False"
    assert "oidc" not in values["AUTHENTICATION_BACKENDS"]


@pytest.mark.parametrize("switch", [{"DEBUG": "1"}, {"DEMO_MODE": "1"}])
def test_development_and_the_demo_ask_for_no_code_and_stay_on_http(tmp_path, switch):
    values = settings_under(production_env(tmp_path, **switch))
    assert values["REQUIRE_TWO_FACTOR"] == "False"
    assert values["SECURE_SSL_REDIRECT"] == "False"


def test_the_environment_sets_the_sign_in_rules(tmp_path):
    env = production_env(
        tmp_path,
        REQUIRE_TWO_FACTOR="0",
        SESSION_IDLE_MINUTES="15",
        SESSION_MAX_HOURS="8",
        LOGIN_FAILURE_LIMIT="5",
        LOGIN_LOCKOUT_MINUTES="60",
        LOGIN_LOCKOUT_PARAMETERS="username+ip_address",
        BEHIND_TLS_PROXY="1",
        TRUSTED_PROXY_COUNT="2",
        OIDC_RP_CLIENT_ID="foljsam",
        OIDC_RP_CLIENT_SECRET="s",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://idp.example.org/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://idp.example.org/token",
        OIDC_OP_USER_ENDPOINT="https://idp.example.org/userinfo",
        OIDC_OP_JWKS_ENDPOINT="https://idp.example.org/jwks",
    )
    values = settings_under(env)
    assert values["REQUIRE_TWO_FACTOR"] == "False"
    assert values["SESSION_IDLE_TIMEOUT"] == str(15 * 60)
    assert values["SESSION_COOKIE_AGE"] == str(8 * 3600)
    assert values["AXES_FAILURE_LIMIT"] == "5"
    assert values["AXES_COOLOFF_TIME"] == "1:00:00"
    assert values["AXES_LOCKOUT_PARAMETERS"] == "[['username', 'ip_address']]"
    assert values["TRUSTED_PROXY_COUNT"] == "2"
    assert values["OIDC_ENABLED"] == "True"
    assert "accounts.oidc.ExistingAccountBackend" in values["AUTHENTICATION_BACKENDS"]
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
