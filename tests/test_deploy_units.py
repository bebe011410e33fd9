"""The systemd units in deploy/ start commands that exist, and every timer has its service."""

import re
from pathlib import Path

from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_every_unit_starts_a_command_that_exists():
    units = sorted(DEPLOY.glob("*.service"))
    assert units
    commands = get_commands()
    for unit in units:
        started = re.findall(r"manage\.py (\w+)", unit.read_text())
        assert all(name in commands for name in started), (unit.name, started)


def test_every_timer_has_its_service():
    timers = sorted(DEPLOY.glob("*.timer"))
    assert timers
    for timer in timers:
        assert timer.with_suffix(".service").exists(), timer.name
        assert "OnCalendar=" in timer.read_text()
