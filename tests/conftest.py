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


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Browser tests and other transactional tests run in databases that are emptied after
    each test, data migrations included: load the reference data (municipalities, intervention
    categories) again when it is missing, through the data migrations' own loaders."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("live_server", "page", "transactional_db")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from core.models import Municipality
    from interventions.models import InterventionCategory

    if not Municipality.objects.exists():
        import_module("core.migrations.0002_load_municipalities").load(apps, None)
    if not InterventionCategory.objects.exists():
        import_module("interventions.migrations.0002_load_categories").load(apps, None)
