"""Delete uploaded spreadsheets older than a day (run daily from cron, beside the reminders)."""

from django.core.management.base import BaseCommand

from imports.services import purge_expired


class Command(BaseCommand):
    help = "Delete uploaded import files older than a day."

    def handle(self, *args, **options):
        deleted = purge_expired()
        self.stdout.write(f"Deleted {deleted} uploaded files.")
