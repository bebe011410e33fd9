"""Identity numbers for the demo, from one narrow series that is easy to recognise.

A Swedish personnummer is YYYYMMDD-NNNC: the birth date, a three-digit födelsenummer (NNN)
and a Luhn check digit over the ten digits YYMMDDNNN. The demo uses only the födelsenummer
980–999. That range is this project's choice, not a reservation by Skatteverket: the official
test numbers are Skatteverket's open data set "Testpersonnummer", which cannot be downloaded
where this project is built (see the README). The third digit of the födelsenummer is odd for
men and even for women, as in the register. A samordningsnummer is the same with 60 added to
the day of birth.

`is_demo_number` is what tests and clean-up scripts use to prove that a database holds demo
people only.
"""

import datetime as dt
import random

from core.validators import luhn_check_digit

DEMO_SERIAL_FIRST = 980
DEMO_SERIAL_LAST = 999
BIRTH_YEAR_FIRST = 1950
BIRTH_YEAR_LAST = 1995


def _with_check_digit(birth: dt.date, serial: int, coordination: bool) -> str:
    day = birth.day + (60 if coordination else 0)
    ten = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y%m}{day:02d}{serial:03d}{luhn_check_digit(ten)}"


def is_demo_number(digits12: str) -> bool:
    """True when the twelve digits YYYYMMDDNNNC are a valid number in the demo series."""
    if len(digits12) != 12 or not digits12.isdigit():
        return False
    year, month, day = int(digits12[:4]), int(digits12[4:6]), int(digits12[6:8])
    if day > 60:
        day -= 60
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    serial = int(digits12[8:11])
    if not DEMO_SERIAL_FIRST <= serial <= DEMO_SERIAL_LAST:
        return False
    return luhn_check_digit(digits12[2:11]) == int(digits12[11])


class DemoIdentityNumbers:
    """Hands out unique demo numbers; deterministic for a seeded random.Random."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def new(self, *, gender: str, birth_year: int, coordination: bool = False) -> str:
        """A fresh twelve-digit number for a man ("man") or a woman (anything else)."""
        if not BIRTH_YEAR_FIRST <= birth_year <= BIRTH_YEAR_LAST:
            raise ValueError(f"Demo birth years are {BIRTH_YEAR_FIRST}–{BIRTH_YEAR_LAST}.")
        odd = gender == "man"
        serials = [s for s in range(DEMO_SERIAL_FIRST, DEMO_SERIAL_LAST + 1) if (s % 10) % 2 == odd]
        while True:
            birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            number = _with_check_digit(birth, self.rng.choice(serials), coordination)
            if number not in self.used:
                self.used.add(number)
                return number
