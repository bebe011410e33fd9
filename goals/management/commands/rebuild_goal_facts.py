"""Rebuild the goals' fact table from the raw rows (goals/facts.py), or check it."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from goals import facts


class Command(BaseCommand):
    help = (
        "Rebuild the goal fact rows of every enrolment (or of --project ids) from the raw rows, "
        "in one transaction; --check only compares them and fails when they differ."
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
            self.stdout.write("The goal facts equal the raw rows.")
            return
        with transaction.atomic():
            facts.rebuild(project_ids=project) if project else facts.rebuild()
        self.stdout.write(f"Goal facts rebuilt in {time.perf_counter() - started:.1f} s")
