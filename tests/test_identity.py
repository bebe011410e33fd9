import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from core.validators import luhn_check_digit, normalise_organisation_number
from participants.identity import decrypt, keyed_hash, parse_identity_number
from participants.models import Participant

from .factories import ParticipantFactory, demo_identity_number


def test_valid_personnummer_in_every_written_form_normalises_to_twelve_digits():
    number = demo_identity_number(dt.date(1975, 3, 9), 982)
    ten = number[2:]
    for written in (number, f"{number[:8]}-{number[8:]}", ten, f"{ten[:6]}-{ten[6:]}"):
        assert parse_identity_number(written).digits == number


def test_samordningsnummer_is_accepted_and_recognised():
    # Samordningsnummer: the day of birth plus 60.
    ten = "750369982"
    number = parse_identity_number(f"19{ten}{luhn_check_digit(ten)}")
    assert number.is_coordination_number
    assert number.birth_date == dt.date(1975, 3, 9)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "format"),
        ("19750309", "format"),
        ("abcdefgh-ijkl", "format"),
        ("19751309-9826", "invalid"),  # month 13
        ("19750230-9826", "invalid"),  # 30 February
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        parse_identity_number(value)
    assert error.value.code == code


@given(
    st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2009, 12, 31)),
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=1, max_value=9),
)
def test_only_the_right_check_digit_is_accepted(birth, serial, offset):
    ten = f"{birth:%y%m%d}{serial:03d}"
    right = luhn_check_digit(ten)
    assert parse_identity_number(f"{birth:%Y%m%d}-{serial:03d}{right}").birth_date == birth
    wrong = (right + offset) % 10
    with pytest.raises(ValidationError):
        parse_identity_number(f"{birth:%Y%m%d}-{serial:03d}{wrong}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("212000-1124", "212000-1124"),
        ("2120001124", "212000-1124"),
        ("162120001124", "212000-1124"),
    ],
)
def test_organisation_number_normalises(value, expected):
    assert normalise_organisation_number(value) == expected


@pytest.mark.parametrize("value", ["212000-1125", "21200011", "112000-1125", "hello"])
def test_malformed_organisation_number_is_refused(value):
    with pytest.raises(ValidationError):
        normalise_organisation_number(value)


@pytest.mark.django_db
def demo_identity_number_is_stored_encrypted_and_found_by_keyed_hash():
    number = demo_identity_number(dt.date(1982, 11, 30), 991)
    person = ParticipantFactory(identity=number)
    stored = Participant.objects.get(pk=person.pk)
    assert number not in stored.identity_encrypted
    assert number not in stored.identity_hash
    assert decrypt(stored.identity_encrypted).digits == number
    assert stored.identity_hash == keyed_hash(parse_identity_number(number))
    # Found again in any written form, through the hash only.
    assert list(Participant.objects.with_identity_number(number[2:])) == [stored]
    assert stored.birth_year == 1982


@pytest.mark.django_db
def test_no_identity_number_in_plaintext_anywhere_in_the_participant_table():
    numbers = [demo_identity_number(dt.date(1960 + i, 1, 1 + i), 980 + i) for i in range(5)]
    for number in numbers:
        ParticipantFactory(identity=number)
    table = Participant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
        dump = repr(cursor.fetchall())
    for number in numbers:
        assert number not in dump
        assert number[2:] not in dump
        assert f"{number[:8]}-{number[8:]}" not in dump
