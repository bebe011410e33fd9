"""A personnummer or samordningsnummer whose date of birth lies after today (core.clock) is
refused, with the same rule on every way a number comes in: the parser, the intake form and the
import. The century of a ten-digit number is read from core.clock too, not the wall clock."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.validators import luhn_check_digit
from participants.identity import parse_identity_number
from participants.models import Participant

from .factories import demo_identity_number
from .test_intake import registration, url, world  # noqa: F401  (world is a fixture)

TODAY = dt.date(2015, 6, 22)


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.FOLJSAM_TODAY = TODAY.isoformat()


def coordination_number(birth: dt.date, serial: int = 982) -> str:
    ten = f"{birth:%y%m}{birth.day + 60:02d}{serial:03d}"
    return f"{birth:%Y}{ten[2:]}{luhn_check_digit(ten)}"


def test_a_number_born_in_2030_is_refused_with_its_reason():
    with pytest.raises(ValidationError) as error:
        parse_identity_number(demo_identity_number(dt.date(2030, 1, 5), 982))
    assert error.value.code == "future"


def test_a_coordination_number_born_tomorrow_is_refused_but_today_is_accepted():
    with pytest.raises(ValidationError) as error:
        parse_identity_number(coordination_number(TODAY + dt.timedelta(days=1)))
    assert error.value.code == "future"
    number = parse_identity_number(coordination_number(TODAY))
    assert number.is_coordination_number and number.birth_date == TODAY


def test_the_refusal_says_why_and_quotes_no_digits_of_the_number():
    from django.utils import translation

    value = demo_identity_number(TODAY + dt.timedelta(days=30), 983)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            parse_identity_number(value)
        message = str(error.value.messages[0])  # a lazy message: read in the language asked
    assert "after today" in message
    assert not any(ch.isdigit() for ch in message)


@given(st.dates(min_value=TODAY + dt.timedelta(days=1), max_value=dt.date(2099, 12, 31)))
def test_every_future_birth_date_is_refused_in_the_twelve_digit_form(birth):
    with pytest.raises(ValidationError) as error:
        parse_identity_number(demo_identity_number(birth, 984))
    assert error.value.code == "future"


@given(st.dates(min_value=dt.date(1920, 1, 1), max_value=TODAY))
def test_a_ten_digit_number_gets_the_century_that_puts_the_birth_on_or_before_today(birth):
    twelve = demo_identity_number(birth, 985)
    if TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day)) >= 100:
        ten = f"{twelve[2:8]}+{twelve[8:]}"
    else:
        ten = f"{twelve[2:8]}-{twelve[8:]}"
    assert parse_identity_number(ten).birth_date == birth


def test_a_ten_digit_number_takes_its_century_from_the_projects_clock_not_the_wall_clock():
    # On the demo date 2015-06-22, 20-01-01 is a birth in 1920: 2020 would still be to come.
    twelve = demo_identity_number(dt.date(1920, 1, 1), 986)
    assert parse_identity_number(f"{twelve[2:8]}-{twelve[8:]}").digits == twelve


@pytest.mark.django_db
def test_the_model_refuses_a_future_number_too():
    from .factories import ParticipantFactory

    with pytest.raises(ValidationError):
        ParticipantFactory(identity=demo_identity_number(dt.date(2030, 1, 5), 987))
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_the_import_refuses_a_row_born_in_the_future():
    from django.utils import translation

    from imports.validation import check

    from .test_import import make_world, person_row, to_csv

    project, manager = make_world()
    future = demo_identity_number(dt.date(2030, 1, 5), 988)
    content = to_csv([person_row(1), person_row(2, Personnummer=future)])
    with translation.override("en"):
        plan = check(content, filename="f.csv", project=project, user=manager)
    assert len(plan.valid) == 1
    [rejected] = plan.rejected
    assert any("after today" in message for _column, message in rejected.errors)


@pytest.mark.django_db
def test_the_intake_form_names_the_field_for_a_future_number(client, world):  # noqa: F811
    w = world
    client.force_login(w.case_worker.user)
    future = demo_identity_number(dt.date(2030, 1, 5), 989)
    data = registration(w, identity_number=future)
    response = client.post(url("register", w.project, "en"), data)
    assert response.status_code == 200
    assert "after today" in response.content.decode()
    assert not Participant.objects.exists()
