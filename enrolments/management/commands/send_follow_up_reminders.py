"""Queue (or run) the daily follow-up reminder e-mails. Run it once a day from cron."""

from django.core.management.base import BaseCommand

from core.clock import today
from enrolments.reminders import send_follow_up_reminders, send_follow_up_reminders_task


class Command(BaseCommand):
    help = (
        "E-mail each case worker the follow-ups due this week. By default the work is queued "
        "for the task worker (manage.py db_worker); --now sends from this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get a reminder and how many follow-ups; send and log nothing.",
        )
        parser.add_argument(
            "--now", action="store_true", help="Send from this process instead of the worker."
        )

    def handle(self, *args, dry_run=False, now=False, **options):
        if dry_run:
            summary = send_follow_up_reminders(dry_run=True)
            for planned in summary["planned"]:
                counts = ", ".join(
                    f"project {project_id}: {due} due, {overdue} overdue"
                    for project_id, (due, overdue) in planned["projects"].items()
                )
                self.stdout.write(f"{planned['username']} (user {planned['user_id']}): {counts}")
            self.stdout.write(
                f"Dry run for {today().isoformat()}: {len(summary['planned'])} reminder(s) "
                f"would be sent, {summary['skipped']} already sent today."
            )
            return
        if now:
            summary = send_follow_up_reminders()
            self.stdout.write(
                f"Sent {summary['recipients']} reminder(s) about {summary['follow_ups']} "
                f"follow-up(s); {summary['skipped']} already sent today, "
                f"{summary['failed']} could not be sent."
            )
            return
        result = send_follow_up_reminders_task.enqueue()
        self.stdout.write(f"Queued the follow-up reminders (task {result.id}).")
