"""The demo data set loaded once for a test module: `from .demo_data import demo` in the module
(an autouse fixture), and `load_demo` runs once for it in a transaction rolled back at the end."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

DEMO_TODAY = "2015-06-22"  # the Makefile's DEMO_TODAY


@pytest.fixture(autouse=True)
def demo_clock(settings):
    """Each test of a demo module reads the demo as its users do: on the demo's date, with the
    demo's disclosure threshold."""
    settings.FOLJSAM_TODAY = DEMO_TODAY
    settings.SUPPRESSION_THRESHOLD = 5


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True, FOLJSAM_TODAY=DEMO_TODAY, SUPPRESSION_THRESHOLD=5):
            call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
