"""Empty the kept files of uploads not imported within some hours (a check nobody imported, a
failed import, one whose worker died and nobody retried), and delete uploads older than a day.
The jobs app runs imports.services.prune_uploads() on its schedule; this is the same by hand."""

import datetime as dt

from django.core.management.base import BaseCommand

from imports.services import prune_uploads


class Command(BaseCommand):
    help = "Empty uploaded import files not imported within --hours (default 2)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=2.0)

    def handle(self, *args, **options):
        emptied = prune_uploads(dt.timedelta(hours=options["hours"]))
        self.stdout.write(f"Emptied {emptied} uploaded files.")
