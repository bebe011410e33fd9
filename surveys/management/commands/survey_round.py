"""The daily survey round: invitations that have fallen due, then the e-mail reminders. Run it
once a day from cron, like send_follow_up_reminders (docs/operations.md)."""

from django.core.management.base import BaseCommand

from surveys.distribution import create_due, reminders_due, send_reminders, survey_round_task


class Command(BaseCommand):
    help = (
        "Make the survey invitations that have fallen due (entry, exit, follow-up) and e-mail "
        "the reminders. By default the work is queued for the task worker; --now runs it here."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the reminders due; change nothing."
        )
        parser.add_argument(
            "--now", action="store_true", help="Run in this process instead of the worker."
        )

    def handle(self, *args, dry_run=False, now=False, **options):
        if dry_run:
            self.stdout.write(f"{len(reminders_due())} reminder(s) due; nothing changed.")
            return
        if now:
            made, sent = create_due(), send_reminders()
            self.stdout.write(f"{made} invitation(s) made, {sent} reminder(s) e-mailed.")
            return
        result = survey_round_task.enqueue()
        self.stdout.write(f"Queued the survey round (task {result.id}).")
