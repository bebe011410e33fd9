import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "sv"
    # Hashing passwords properly is slow by design; tests only need it to work.
    # (PBKDF2 stays accepted for hashes made before this fixture ran, e.g. module-scoped data.)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    # Background work runs at once, inside the test (jobs: see docs/tasks.md). The test's
    # transaction never commits, so jobs are enqueued at once instead of on commit.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_ENQUEUE_ON_COMMIT = False


@pytest.fixture
def english():
    """Messages in English for the test's duration (services speak the active language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
