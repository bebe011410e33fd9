"""Rebuild the goals' fact table (goals/facts.py) and the hours kept per intervention
(goals/hours.py) from the raw rows, or check them."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from goals import facts, hours


class Command(BaseCommand):
    help = (
        "Rebuild the goal fact rows of every enrolment (or of --project ids) in one transaction, "
        "then the hours kept per intervention (all of them) in another; --check only compares "
        "them and fails when they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, action="append", help="only this project id")
        parser.add_argument("--check", action="store_true", help="compare, do not write")

    def handle(self, *args, project=None, check=False, **options):
        started = time.perf_counter()
        if check:
            differ = facts.differing_enrolments(project_ids=project)
            if differ:
                raise CommandError(
                    f"The goal facts of {len(differ)} enrolments differ from the raw rows; "
                    "run `manage.py rebuild_goal_facts`."
                )
            missing = hours.missing()
            if missing:
                raise CommandError(
                    "The triggers that keep the hours per intervention are missing ("
                    + ", ".join(sorted(missing))
                    + "); run `manage.py rebuild_goal_facts`, which puts them back."
                )
            differ = hours.differing()
            if differ:
                raise CommandError(
                    f"The hours kept for {len(differ)} interventions differ from their "
                    "participations; run `manage.py rebuild_goal_facts`."
                )
            self.stdout.write("The goal facts and the hours per intervention equal the raw rows.")
            return
        with transaction.atomic():
            facts.rebuild(project_ids=project) if project else facts.rebuild()
        # Apart, in a transaction of its own: the fact rows lock enrolments, the hours the
        # participations, and a writer takes them the other way round (a participation saved,
        # then its enrolment's fact rows). The triggers are put back only when missing
        # (recreating them locks the participations against readers too).
        if hours.missing():
            hours.install()
        hours.rebuild()
        self.stdout.write(f"Goal facts rebuilt in {time.perf_counter() - started:.1f} s")
