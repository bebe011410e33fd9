"""`manage.py load_demo`: fill an empty, migrated database with the demo data set.

`make demo` builds a fresh database file every time; `--flush` is for reloading in place.
What the command writes is stamped on the demo's today (FOLJSAM_TODAY, or demo.today.DEMO_TODAY
when it is not set), so no page of the demo shows the year the demo was built.
"""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.test.utils import override_settings

from core.models import Project
from demo.loader import SEED, flush_demo, load_demo
from demo.seeds import DEMO_LOGINS, DEMO_PASSWORD
from demo.today import DEMO_TODAY


class Command(BaseCommand):
    help = (
        "Load the demo data set: the five seed projects, synthetic participants and demo users "
        f'with the password "{DEMO_PASSWORD}". Only with DEBUG on, and only into a database '
        "without projects (or with --flush)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete all projects, participants, organisations, areas and demo users first.",
        )

    def handle(self, *args, flush=False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs with DEBUG on: the demo users share a published password. "
                "Never load the demo into a production database."
            )
        started = time.monotonic()
        demo_today = settings.FOLJSAM_TODAY or DEMO_TODAY.isoformat()
        with override_settings(FOLJSAM_TODAY=demo_today), transaction.atomic():
            if Project.objects.exists():
                if not flush:
                    raise CommandError(
                        "The database already holds projects. load_demo fills an empty database; "
                        "run `make demo` for a fresh one, or pass --flush to delete the existing "
                        "data first."
                    )
                try:
                    flush_demo()
                except ProtectedError as error:
                    raise CommandError(
                        "Could not delete the existing data (other records still refer to it): "
                        f"{error.args[0]} Build a fresh database with `make demo` instead."
                    ) from error
            counts = load_demo(random.Random(SEED))
        elapsed = time.monotonic() - started
        self._summary(counts, elapsed)

    def _summary(self, counts: dict[str, int], elapsed: float) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s."))
        width = max(len(k) for k in counts)
        for name, count in counts.items():
            out.write(f"  {name:<{width}}  {count:>6}")
        out.write("")
        out.write(f"Log in with one of these users; the password is always {DEMO_PASSWORD!r}:")
        rows = [("username", "name", "role", "projects")] + [
            (login.username, login.name, str(login.role), login.projects) for login in DEMO_LOGINS
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            out.write(
                "  "
                + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False))
                + "  "
                + row[3]
            )
