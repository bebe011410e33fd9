"""Start Django for a benchmark: the database of DATABASE_URL, or a temporary SQLite file when
none is given; DEBUG on (the demo and factories need it), the product clock on the demo's day
unless FOLJSAM_TODAY says otherwise; the tables migrated."""

import os
import sys
import tempfile
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent


def setup(today: str = "2015-06-22", *, migrate: bool = True, **environment: str) -> None:
    """`environment`: further settings for this run, unless the shell gave them already
    (say TASKS_BACKEND)."""
    sys.path.insert(0, str(BASE))
    sys.path.insert(0, str(BASE / "bench"))
    if not os.environ.get("DATABASE_URL"):
        db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("FOLJSAM_TODAY", today)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foljsam.settings")
    for name, value in environment.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
