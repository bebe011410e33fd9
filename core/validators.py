"""Validation of Swedish identity numbers used by several apps."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_check_digit(digits: str) -> int:
    """The Luhn (modulus 10, weights 2-1) check digit for a string of digits."""
    total = 0
    for i, ch in enumerate(digits):
        value = int(ch) * (2 - i % 2)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


ORG_NUMBER_RE = re.compile(r"^(\d{6})-?(\d{4})$")


def normalise_organisation_number(value: str) -> str:
    """Return NNNNNN-NNNN, or raise ValidationError naming what is wrong."""
    value = (value or "").strip().replace(" ", "")
    if len(value) == 12 and value.isdigit() and value.startswith("16"):
        value = value[2:]  # the 16-prefixed twelve-digit form
    match = ORG_NUMBER_RE.match(value)
    if not match:
        raise ValidationError(
            _("An organisation number has ten digits, written NNNNNN-NNNN."), code="format"
        )
    digits = match.group(1) + match.group(2)
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("The check digit does not match: check the organisation number for typing errors."),
            code="checksum",
        )
    if int(digits[2]) < 2:
        raise ValidationError(
            _("The third digit of an organisation number is at least 2 (a legal entity)."),
            code="entity",
        )
    return f"{digits[:6]}-{digits[6:]}"


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)
