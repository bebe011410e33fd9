"""manage.py anonymise_expired [--dry-run]: anonymise the participants of every project whose
retention period after its end has passed (privacy.services.anonymise_expired). Run it daily
from cron or a systemd timer (docs/privacy.md)."""

from django.core.management.base import BaseCommand

from core import clock
from privacy.services import anonymise_expired, prune_extract_files


class Command(BaseCommand):
    help = "Anonymise the personal data of projects whose retention period has passed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be anonymised; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        report = anonymise_expired(today=clock.today(), dry_run=dry_run)
        counts = report.as_dict()
        if not dry_run:
            counts["extract_files_pruned"] = prune_extract_files()
        prefix = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(
            f"{prefix}: {counts['projects']} project(s), {counts['people_anonymised']} "
            f"person(s) in full, {counts['people_kept_for_other_projects']} person(s) kept "
            "for a project whose retention has not passed (free text of the expired "
            "project removed)."
        )
        for key, value in counts.items():
            self.stdout.write(f"  {key}: {value}")
