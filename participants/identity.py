"""Swedish identity numbers: validation, normalisation, encryption at rest and the keyed hash.

The number is stored only as a Fernet token (AES-128-CBC with HMAC-SHA256, key from the
environment) and as an HMAC-SHA256 with a second key, so the same person is found across
projects by an exact match on the hash without decrypting anything.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from personnummer import personnummer

from core import clock, crypto

_SHAPE = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")


@dataclass(frozen=True)
class IdentityNumber:
    """A validated personnummer or samordningsnummer in its twelve-digit form."""

    digits: str  # YYYYMMDDNNNC

    @property
    def is_coordination_number(self) -> bool:
        return int(self.digits[6:8]) > 60

    @property
    def birth_date(self) -> date:
        day = int(self.digits[6:8])
        if day > 60:
            day -= 60
        return date(int(self.digits[:4]), int(self.digits[4:6]), day)

    @property
    def legal_gender(self) -> str:
        """'woman' or 'man' from the second-last digit, as the register records it."""
        return "woman" if int(self.digits[10]) % 2 == 0 else "man"

    def formatted(self) -> str:
        return f"{self.digits[:8]}-{self.digits[8:]}"


def _with_century(match: re.Match, today: date) -> str:
    """The twelve-digit form of a ten-digit number, its century taken from core.clock's today.

    The hyphen means younger than 100 and the plus 100 or older, so the century is the one that
    puts the birth date on or before today (or today a hundred years ago); personnummer's own
    guess reads the wall clock, which a demo or a test with a fixed date must not.
    """
    short, sep, tail = match.group(2), match.group(3), match.group(4)
    two_digit_year, month, day = int(short[:2]), int(short[2:4]), int(short[4:6])
    if day > 60:
        day -= 60  # samordningsnummer
    base = today.year - (100 if sep == "+" else 0)
    year = base - ((base - two_digit_year) % 100)
    if (year, month, day) > (base, today.month, today.day):
        year -= 100
    return f"{year:04d}{short[2:]}{tail}"


def parse_identity_number(value: str) -> IdentityNumber:
    """Validate and normalise; raise ValidationError with a message naming what is wrong.

    Every way a number comes in (the intake, the person correction, the import, the model's own
    validation) asks this function, so the rules below hold everywhere: the shape, the date and
    the check digit, and a birth date (day minus 60 for a samordningsnummer) that is not after
    core.clock.today().
    """
    cleaned = (value or "").strip().replace(" ", "")
    match = _SHAPE.match(cleaned)
    if not match:
        raise ValidationError(
            _(
                "Write the number as YYYYMMDD-NNNN or YYMMDD-NNNN "
                "(ten or twelve digits, hyphen optional)."
            ),
            code="format",
        )
    today = clock.today()
    if match.group(1) is None:
        cleaned = _with_century(match, today)
    else:
        cleaned = match.group(1) + match.group(2) + match.group(4)
    try:
        # One parse: personnummer.valid() is this same parse, caught.
        parsed = personnummer.parse(cleaned)
    except personnummer.PersonnummerException:
        raise ValidationError(
            _(
                "This is not a valid personnummer or samordningsnummer: "
                "the date or the check digit is wrong."
            ),
            code="invalid",
        ) from None
    number = IdentityNumber(parsed.format(long_format=True))
    if number.birth_date > today:
        raise ValidationError(
            _(
                "The date of birth in this number is after today: check the number for "
                "typing errors."
            ),
            code="future",
        )
    return number


def validate_identity_number(value: str) -> None:
    parse_identity_number(value)


def encrypt(number: IdentityNumber) -> str:
    return crypto.encrypt_text(number.digits)


def decrypt(token: str) -> IdentityNumber:
    return IdentityNumber(crypto.decrypt_text(token))


def keyed_hash(number: IdentityNumber) -> str:
    return hmac.new(
        settings.IDENTITY_HASH_KEY.encode(), number.digits.encode(), hashlib.sha256
    ).hexdigest()
