import pytest


@pytest.fixture(autouse=True)
def _swedish_by_default(settings):
    settings.LANGUAGE_CODE = "sv"
