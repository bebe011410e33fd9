"""Följsam settings, read from the environment with development defaults that work out of the box.

Environment variables: DEBUG, SECRET_KEY, FIELD_ENCRYPTION_KEY, IDENTITY_HASH_KEY, PSEUDONYM_KEY,
DATABASE_URL, ALLOWED_HOSTS, TIME_ZONE, DEMO_MODE, SECURE_COOKIES, BEHIND_TLS_PROXY,
CSRF_TRUSTED_ORIGINS, SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, CONTENT_SECURITY_POLICY, and those
of signing in (README, Settings: LOGIN_*, REQUIRE_TWO_FACTOR, SESSION_*, OIDC_*). In
development (DEBUG on) and in the demo (DEMO_MODE on) missing keys are generated once into
`.dev-keys.json`, which git ignores; otherwise they must be set.
"""

import base64
import datetime as dt
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
# The database holds the synthetic demo data set: every page shows a banner. `make demo` serves
# it with DEBUG off (the product's own error pages, never Django's technical ones) on plain
# http://127.0.0.1, with the keys the demo was loaded with.
DEMO_MODE = env_bool("DEMO_MODE", False)


def _random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


_DEV_KEY_MAKERS = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "FIELD_ENCRYPTION_KEY": _random_key,
    "IDENTITY_HASH_KEY": _random_key,
    "PSEUDONYM_KEY": _random_key,
}


def _dev_keys() -> dict:
    """Keys for development, generated once into an untracked file, never committed. A key
    added in a later version is added to an existing file (written whole, then renamed, so a
    process starting at the same time never reads half a file)."""
    path = Path(os.environ.get("DEV_KEYS_FILE", BASE_DIR / ".dev-keys.json"))
    keys = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: make() for name, make in _DEV_KEY_MAKERS.items() if name not in keys}
    if missing:
        keys.update(missing)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(keys, indent=2))
        partial.chmod(0o600)
        os.replace(partial, path)
    return keys


def _key(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off.")
    return _dev_keys()[name]


SECRET_KEY = _key("SECRET_KEY")
# Fernet key (32 url-safe base64 bytes) for identity numbers at rest.
FIELD_ENCRYPTION_KEY = _key("FIELD_ENCRYPTION_KEY")
# Keys that were FIELD_ENCRYPTION_KEY before a rotation (comma-separated): still read, never
# written; `manage.py rotate_keys` re-encrypts everything under the current key (core/crypto.py).
FIELD_ENCRYPTION_OLD_KEYS = [
    key.strip() for key in os.environ.get("FIELD_ENCRYPTION_OLD_KEYS", "").split(",") if key.strip()
]
# HMAC key for the keyed hash that finds the same person across projects without decrypting.
IDENTITY_HASH_KEY = _key("IDENTITY_HASH_KEY")
# HMAC key of the pseudonyms in the evaluators' microdata (docs/microdata.md): the same person
# has one pseudonym per project, stable across downloads. Its own key, never another one.
PSEUDONYM_KEY = _key("PSEUDONYM_KEY")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "core",
    # The one cleaning of every text field, and the double-submit guard (docs/input-validation.md).
    "inputs",
    "accounts",
    "participants",
    "enrolments",
    "plans",
    "interventions",
    "surveys",
    "goals",
    "prestudy",
    "jobs",
    "imports",
    "projectbank",
    "privacy",
    # Area programmes (seed 002): areas, context statistics, local initiatives, households.
    "areas",
    "reports",
    # Pseudonymised microdata for evaluators (docs/microdata.md).
    "microdata",
    "api",
    "demo",
    # After jobs: jobs' own `db_worker` (which also fails jobs whose worker died and prunes old
    # work, docs/operations.md) takes the place of the library's command of the same name.
    "django_tasks_db",
    # Sign-in (docs/security.md, "Signing in"): lockout, two-factor codes and recovery codes.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, session age and the two-factor step (accounts/middleware.py).
    "accounts.middleware.SignInMiddleware",
    # A double submit of a form saves once (inputs/middleware.py).
    "inputs.middleware.DoubleSubmitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestIdMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "foljsam.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "foljsam.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request uses it: after a database restart the
        # first request gets a new connection instead of an error (docs/performance.md, faults).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The task worker writes beside the web server (make demo): wait for the other's write
    # instead of failing, take the write lock up front, and let readers read during a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
# A read replica of the primary (optional, docs/scaling.md): the portfolio and the goal
# comparisons read from it (foljsam/routers.py); tests use the test database in its place.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,  # as the primary's: a restarted replica costs no request
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["foljsam.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:project_list"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

SESSION_COOKIE_HTTPONLY = True
# Cookies only over https, except in development and the demo (served on http://127.0.0.1).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Behind a TLS-terminating proxy (README, Settings): the proxy says the request came over https
# (X-Forwarded-Proto), and the site's public origin must be trusted for form posts, or every
# POST is refused with 403.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
# Plain http is redirected to https in production; development and the demo stay on http.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or DEMO_MODE))
# HSTS is sent only on https answers; a year in production, off in development and the demo.
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if (DEBUG or DEMO_MODE) else "31536000")
)
# HSTS covers the site's own subdomains too in production.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", not (DEBUG or DEMO_MODE)
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Browsers' preload list is for a whole registered domain (a municipality's kommun.se, every host
# under it), a decision for its owner, not for one application: off unless SECURE_HSTS_PRELOAD is
# set, and `check --deploy` is not asked to warn about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every answer of the application (core.middleware.SecurityHeadersMiddleware): scripts
# only from Följsam's own files, no inline script; styles may use attributes (htmx's indicator).
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# Cells with fewer people than this are hidden from aggregate-only roles.
SUPPRESSION_THRESHOLD = int(os.environ.get("SUPPRESSION_THRESHOLD", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Personal data of a project is anonymised this many months after its period ends, unless the
# project sets its own retention (privacy app, docs/privacy.md).
DEFAULT_RETENTION_MONTHS = int(os.environ.get("DEFAULT_RETENTION_MONTHS", "24"))

# Look-ups by identity number (intake, registration, case list, corrections): at most this many
# per user within this many minutes; each is an audit entry, and the entries are the count
# (participants/lookup.py, docs/privacy-lookup.md).
IDENTITY_LOOKUP_LIMIT = int(os.environ.get("IDENTITY_LOOKUP_LIMIT", "30"))
IDENTITY_LOOKUP_WINDOW_MINUTES = int(os.environ.get("IDENTITY_LOOKUP_WINDOW_MINUTES", "10"))

# A fixed "today" for demos and tests ("YYYY-MM-DD"); empty means the real date.
FOLJSAM_TODAY = os.environ.get("FOLJSAM_TODAY", "")

# Slow work (imports, reminders, summaries) runs as tasks: Django's tasks API through the
# django-tasks backport. The database backend needs no other service; `manage.py db_worker`
# runs them (make demo starts one). Tests use the immediate backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Seconds from a counted write to the refresh of its project's dashboard figures it queues; the
# writes of those seconds are counted together (goals/summaries.py, REFRESH_DELAY).
GOAL_SUMMARY_REFRESH_DELAY = float(os.environ.get("GOAL_SUMMARY_REFRESH_DELAY", "15"))
# Background jobs (docs/operations.md, "Background work"): a running job writes a heartbeat every
# JOB_HEARTBEAT_INTERVAL seconds; one silent for JOB_HEARTBEAT_TIMEOUT seconds lost its worker
# and is marked failed (the worker looks every JOB_SWEEP_INTERVAL seconds). Finished jobs and
# task results are removed after JOB_RETENTION_DAYS, by the worker every JOB_PRUNE_INTERVAL hours
# (0: never; then schedule `manage.py prune`).
JOB_HEARTBEAT_INTERVAL = float(os.environ.get("JOB_HEARTBEAT_INTERVAL", "30"))
JOB_HEARTBEAT_TIMEOUT = float(os.environ.get("JOB_HEARTBEAT_TIMEOUT", "300"))
JOB_SWEEP_INTERVAL = float(os.environ.get("JOB_SWEEP_INTERVAL", "60"))
JOB_RETENTION_DAYS = int(os.environ.get("JOB_RETENTION_DAYS", "30"))
JOB_PRUNE_INTERVAL = float(os.environ.get("JOB_PRUNE_INTERVAL", "24"))

# Spreadsheet import (imports app): files above IMPORT_MAX_BYTES are refused before they are
# read; above IMPORT_BACKGROUND_ROWS rows they are checked and imported as background jobs.
# Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not memory; form fields
# (not files) are limited by DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB default).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "50")) * 1024 * 1024
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "2000"))
# Measured before any parsing (imports/reader.py): an XLSX file's unpacked size and how much
# more it unpacks to than it is (a zip bomb), and the rows of one file; rows per user a day.
IMPORT_MAX_UNCOMPRESSED_MB = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_MB", "200"))
IMPORT_MAX_ZIP_RATIO = int(os.environ.get("IMPORT_MAX_ZIP_RATIO", "100"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "100000"))
IMPORT_MAX_ROWS_PER_DAY = int(os.environ.get("IMPORT_MAX_ROWS_PER_DAY", "200000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail (follow-up reminders). In development and the demo the console backend prints mails;
# production sets EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend) and EMAIL_HOST.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Följsam <noreply@localhost>")
# The address of the site, for links in e-mails (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The REST API (api/, docs/api.md): personal tokens with scopes, cursor pages in change order,
# JSON in and out; the browsable API and /api/docs/ also work with the login session (read only).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        # The login session, only once its second factor is done (accounts/authentication.py).
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasTokenScope"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.SyncCursorPagination",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Följsam API",
    "DESCRIPTION": (
        "Projects, participants (statistical fields only), enrolments, participations, "
        "follow-ups, survey answers and goals, with the same visibility and audit as the pages. "
        "Authenticate with `Authorization: Bearer <token>`; see docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EnrolmentStatusEnum": "enrolments.models.Status",
        "OutcomeStatusEnum": "enrolments.models.OutcomeStatus",
        "IncomeSourceEnum": "enrolments.models.IncomeSource",
        "SurveyAnswerSourceEnum": "surveys.models.Source",
        "FollowUpSourceEnum": "enrolments.models.FollowUp.Source",
        "GoalStatusEnum": ["met", "not_met", "uncertain", "no_data"],
    },
    "SECURITY": [{"bearerAuth": []}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_component",
    ],
}

# --- Signing in (docs/security.md, "Signing in") -----------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes): after LOGIN_FAILURE_LIMIT failed logins the account — and, separately,
# the address they came from — is locked for LOGIN_LOCKOUT_MINUTES. LOGIN_LOCKOUT_PARAMETERS
# lists what is counted, comma-separated; "username+ip_address" counts the pair instead.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [
    part.strip().split("+") if "+" in part else part.strip()
    for part in os.environ.get("LOGIN_LOCKOUT_PARAMETERS", "username,ip_address").split(",")
    if part.strip()
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Behind a TLS-terminating proxy the client's address is the one the proxy (or the last
# TRUSTED_PROXY_COUNT proxies) appended to X-Forwarded-For; otherwise REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1")) if BEHIND_TLS_PROXY else 0

# Two-factor codes (django-otp, TOTP): required for everyone who sees personal data, in
# production; off by default in development and the demo (a user who set it up is still asked).
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", not (DEBUG or DEMO_MODE))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Följsam")
# An administrator can remove a user's app (Django admin), never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions: logged out after SESSION_IDLE_MINUTES without a request, and after SESSION_MAX_HOURS
# whatever happens (accounts/middleware.py), and when the browser closes.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "10")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# OpenID Connect (optional): set OIDC_RP_CLIENT_ID and the provider's endpoints, and the login
# page offers "Log in with <OIDC_PROVIDER_NAME>". Only existing accounts are matched (by e-mail
# or user name, OIDC_MATCH), never created. OIDC_COUNTS_AS_TWO_FACTOR: the provider does MFA.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    OIDC_USE_PKCE = True
    AUTHENTICATION_BACKENDS.append("accounts.oidc.ExistingAccountBackend")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
OIDC_MATCH = os.environ.get("OIDC_MATCH", "email")  # "email" or "username"
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_COUNTS_AS_TWO_FACTOR = env_bool("OIDC_COUNTS_AS_TWO_FACTOR", False)
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"

# The purpose of a read (core/purpose.py, docs/audit.md): opening a person outside one's own
# caseload asks why first, on by default everywhere (the demo too); the answer is remembered
# for the person for PURPOSE_REMEMBER_HOURS.
PURPOSE_PROMPT = env_bool("PURPOSE_PROMPT", True)
PURPOSE_REMEMBER_HOURS = int(os.environ.get("PURPOSE_REMEMBER_HOURS", "8"))
