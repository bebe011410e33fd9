"""Time the goal pages on the demo data set: warm median of several runs, with query counts.

    DEBUG=1 .venv/bin/python bench/demo_pages.py [--runs 7]

Builds a fresh demo database in a temporary SQLite file (or uses DATABASE_URL when set — the
database must then be empty: the demo is loaded into it), then requests each page through
Django's test client as the demo manager. Prints a Markdown table for docs/performance.md.
This is the demo's scale (hundreds of enrolments per project), not the national-scale
benchmark of issue 5.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("FOLJSAM_TODAY", "2015-06-22")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foljsam.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.ALLOWED_HOSTS = ["testserver"]

    from accounts.models import User
    from core.models import Project

    client = Client()
    client.force_login(User.objects.get(username="manager"))
    pages = []
    for title in ("Framtid i Fokus - ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg",
                  "Integration genom arbete"):  # fmt: skip
        project = Project.objects.get(title=title)
        n = project.enrolments.count()
        for name, path in (
            ("goals dashboard", ""),
            ("goals.json", "goals.json"),
            ("reference comparison", "compare/reference/"),
            ("goals per quarter", "compare/quarters/"),
        ):
            pages.append((f"{name} — {title[:24]} ({n} enrolments)",
                          f"/projects/{project.pk}/goals/{path}"))  # fmt: skip
    print(f"| page | queries | warm median (ms), {args.runs} runs |")
    print("|---|---:|---:|")
    for label, url in pages:
        assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        print(f"| {label} | {len(queries)} | {statistics.median(timings):.0f} |")
    print(f"\nDatabase: {connection.vendor}")


if __name__ == "__main__":
    main()
