"""One clock: every date and time the product writes or shows comes from core.clock.

A module that reads the wall clock directly (timezone.now(), date.today(), datetime.now(),
time.time(), an auto_now field of Django's own) would write 2026 into a demo whose today is
2015-06-22 — and, in production, a date that a test cannot set. The scan below fails naming the
file and line; core/clock.py is the one place allowed to read the wall clock.
"""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from core import clock
from core.fields import ClockDateTimeField

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {ROOT / "core" / "clock.py"}

# attribute chains that read the wall clock whenever they are used (called or passed as default)
WALL_CLOCK = {
    ("timezone", "now"),
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("time", "time"),
}
# these read the wall clock only when called without a value to convert
WALL_CLOCK_WITHOUT_ARGUMENT = {("timezone", "localdate"), ("timezone", "localtime")}
# `from django.utils.timezone import now` and friends
WALL_CLOCK_IMPORTS = {
    "django.utils.timezone": {"now", "localdate", "localtime"},
    "time": {"time", "localtime", "gmtime"},
}


def _product_modules():
    for app in apps.get_app_configs():
        path = Path(app.path)
        if path.parent != ROOT:  # Django's and the libraries' apps keep their own clocks
            continue
        for module in path.rglob("*.py"):
            if "migrations" in module.parts:
                continue
            yield module
    yield from (ROOT / "foljsam").rglob("*.py")
    yield from (ROOT / "bench").rglob("*.py")


def _chain(node) -> tuple[str, str] | None:
    """('timezone', 'now') for timezone.now, dt.datetime.now, django.utils.timezone.now…"""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute | ast.Name):
        owner = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
        return owner, node.attr
    return None


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every direct read of the wall clock in a module's source."""
    found = []
    tree = ast.parse(source)
    called_with_arguments = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (node.args or node.keywords):
            called_with_arguments.add(id(node.func))
    for node in ast.walk(tree):
        chain = _chain(node)
        if chain in WALL_CLOCK:
            found.append((node.lineno, ".".join(chain)))
        elif chain in WALL_CLOCK_WITHOUT_ARGUMENT and id(node) not in called_with_arguments:
            found.append((node.lineno, ".".join(chain) + "()"))
        elif isinstance(node, ast.ImportFrom) and node.module in WALL_CLOCK_IMPORTS:
            for alias in node.names:
                if alias.name in WALL_CLOCK_IMPORTS[node.module]:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            name = name or (node.func.id if isinstance(node.func, ast.Name) else "")
            stamps = {
                k.arg
                for k in node.keywords
                if k.arg in ("auto_now", "auto_now_add")
                and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            }
            if stamps and name != ClockDateTimeField.__name__:
                found.append((node.lineno, f"{name}({', '.join(sorted(stamps))}=True)"))
    return found


def test_no_module_reads_the_wall_clock():
    offences = []
    for module in _product_modules():
        if module in ALLOWED:
            continue
        for line, what in wall_clock_reads(module.read_text(encoding="utf-8")):
            offences.append(f"{module.relative_to(ROOT)}:{line}: {what}")
    assert not offences, (
        "These read the wall clock directly; use core.clock.today() / core.clock.now(), or "
        "core.fields.ClockDateTimeField for auto_now fields:\n" + "\n".join(offences)
    )


def test_no_template_reads_the_wall_clock():
    offences = [
        str(t.relative_to(ROOT))
        for t in (ROOT / "templates").rglob("*.html")
        if "{% now " in t.read_text(encoding="utf-8")
    ]
    assert not offences, "{% now %} shows the wall clock; pass core.clock's date instead"


@pytest.mark.parametrize(
    "source",
    [
        "from django.utils import timezone\nx = timezone.now()",
        "import datetime as dt\nx = dt.date.today()",
        "import datetime\nx = datetime.datetime.now(tz=None)",
        "from django.utils import timezone\nx = timezone.localdate()",
        "from django.utils.timezone import now",
        "import time\nx = time.time()",
        "from django.db import models\nx = models.DateTimeField(auto_now_add=True)",
        "from django.db import models\nx = models.DateField(auto_now=True)",
        "from django.utils import timezone\nx = dict(default=timezone.now)",
    ],
)
def test_the_scan_recognises_wall_clock_reads(source):
    assert wall_clock_reads(source)


@pytest.mark.parametrize(
    "source",
    [
        "from core import clock\nx = clock.now()",
        "from django.utils import timezone\nx = timezone.localdate(value)",
        "from core.fields import ClockDateTimeField\nx = ClockDateTimeField(auto_now=True)",
        "import time\nx = time.perf_counter()",
    ],
)
def test_the_scan_lets_the_product_clock_pass(source):
    assert not wall_clock_reads(source)


def test_every_stamp_field_is_on_the_product_clock():
    wrong = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if Path(model._meta.app_config.path).parent == ROOT
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)
        and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
        and not isinstance(field, ClockDateTimeField)
    ]
    assert not wrong


@pytest.mark.django_db
def test_rows_written_on_a_fixed_date_carry_that_date(settings):
    """In the demo (today 2015-06-22) a new row's time stamps say 2015-06-22, not 2026."""
    from core.models import LogEntry
    from tests.factories import ParticipantFactory

    settings.FOLJSAM_TODAY = "2015-06-22"
    person = ParticipantFactory()
    entry = LogEntry.objects.create(action="read", object_type="test", reason="clock")
    fixed = dt.date(2015, 6, 22)
    assert clock.now().date() == fixed
    assert timezone.localdate(person.created_at) == fixed
    assert timezone.localdate(person.updated_at) == fixed
    entry.refresh_from_db()
    assert timezone.localdate(entry.at) == fixed
    person.save()
    person.refresh_from_db()
    assert timezone.localdate(person.updated_at) == fixed
