"""No identity number of the demo is stored in plaintext anywhere in the database file."""

import os
import re
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

from demo.identity import is_demo_number
from participants.identity import decrypt

DIGITS = re.compile(rb"(?<!\d)(\d{6}|\d{8})[-+]?(\d{4})(?!\d)")


@pytest.fixture(scope="module")
def demo_database_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{path}"}
    for command in (["migrate", "--verbosity", "0"], ["load_demo"]):
        subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
    return path


def test_demo_numbers_are_encrypted_and_never_in_plaintext_in_the_file(demo_database_file):
    with sqlite3.connect(demo_database_file) as connection:
        tokens = [
            row[0]
            for row in connection.execute(
                "SELECT identity_encrypted FROM participants_participant "
                "WHERE identity_encrypted != ''"
            )
        ]
    numbers = [decrypt(token).digits for token in tokens]
    assert len(numbers) > 500
    assert all(is_demo_number(n) for n in numbers)
    raw = demo_database_file.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = demo_database_file.with_name(demo_database_file.name + suffix)
        if extra.exists():
            raw += extra.read_bytes()
    for number in numbers:
        for form in (
            number,
            number[2:],
            f"{number[:8]}-{number[8:]}",
            f"{number[2:8]}-{number[8:]}",
        ):
            assert form.encode() not in raw, "a demo identity number is stored in plaintext"
    # Nor any other personnummer-shaped digits of the demo series.
    leaked = [
        m.group(0)
        for m in DIGITS.finditer(raw)
        if len(m.group(1)) == 8 and is_demo_number((m.group(1) + m.group(2)).decode())
    ]
    assert not leaked
