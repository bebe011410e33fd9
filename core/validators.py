"""Validation used by several apps: organisation numbers, and the one normalisation of names and
free text (clean_text)."""

import re
import unicodedata

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


# --- free text and names ----------------------------------------------------------------------

# Limits for text without a limit of its own: a name, and a note or other free text.
NAME_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 10_000
LINE_MAX_LENGTH = 1_000  # a single-line field that sets no max_length

_NEWLINES = str.maketrans({"\r": "\n", "\u0085": "\n", "\u2028": "\n", "\u2029": "\n"})


def is_invisible_formatting(char: str) -> bool:
    """Unicode's format characters (category Cf): the bidirectional overrides and isolates
    (U+202A–U+202E, U+2066–U+2069), the direction marks, zero-width space, joiners and
    non-joiner (U+200B–U+200D), word joiner (U+2060), byte order mark (U+FEFF), soft hyphen…
    Invisible, and able to make a name read differently from what is stored."""
    return unicodedata.category(char) == "Cf"


# The zero-width non-joiner and joiner are spelling in Persian, Dari, Urdu and the Indic scripts
# (Persian writes "می‌خواهم" with a non-joiner inside the word): kept between two letters.
JOINERS = frozenset("\u200c\u200d")


def _joins_letters(text: str, index: int) -> bool:
    if text[index] not in JOINERS or index == 0 or index == len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    return unicodedata.category(before)[0] in "LM" and unicodedata.category(after)[0] in "LM"


def is_refused_control(char: str, multiline: bool) -> bool:
    """A control character (Cc) or a lone surrogate (Cs); newline and tab only in a multi-line
    text."""
    if multiline and char in "\n\t":
        return False
    return unicodedata.category(char) in ("Cc", "Cs")


def _visible(text: str, multiline: bool) -> str:
    """clean_text's line breaks, invisible formatting and control characters."""
    text = text.replace("\r\n", "\n").translate(_NEWLINES)
    text = "".join(
        char
        for i, char in enumerate(text)
        if not is_invisible_formatting(char) or _joins_letters(text, i)
    )
    if any(is_refused_control(char, multiline) for char in text):
        raise ValidationError(
            _("Remove the line break or other control character: it cannot be saved here.")
            if not multiline
            else _(
                "Remove the control character (an invisible character often pasted from another "
                "program): it cannot be saved."
            ),
            code="control",
        )
    return text


def clean_text(value: str, *, multiline: bool = False, max_length: int | None = None) -> str:
    """The one normalisation of a name or a free text a user (or an import or the API) sends.

    Invisible formatting characters are removed silently (a name with a right-to-left override
    or zero-width characters is stored without them); other control characters are refused with
    a message; line breaks become "\\n"; the text is NFC-normalised (an "å" typed as "a" plus a
    ring is one character) and trimmed. Raises ValidationError (code "control" or "max_length").
    Idempotent: cleaning a cleaned text changes nothing.
    """
    text = str(value)
    # A printable text (str.isprintable: no character of the categories Cc, Cf, Cs, Zl, Zp…)
    # has no line break, invisible formatting or control character: the steps below would
    # keep it as it is (tests/test_text_input.py checks every character).
    if not text.isprintable():
        text = _visible(text, multiline)
    text = unicodedata.normalize("NFC", text).strip()
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            _("Shorten the text to at most %(limit)s characters (it has %(count)s).")
            % {
                "limit": f"{max_length:,}".replace(",", " "),
                "count": f"{len(text):,}".replace(",", " "),
            },
            code="max_length",
        )
    return text
