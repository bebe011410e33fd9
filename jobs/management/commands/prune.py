"""manage.py prune: remove old finished background work and whatever else apps register."""

from django.core.management.base import BaseCommand

from jobs.pruning import prune_all


class Command(BaseCommand):
    help = (
        "Remove finished jobs and task results older than JOB_RETENTION_DAYS, and run every "
        "other registered pruner (e.g. expired uploads). Safe to run at any time; run it daily."
    )

    def handle(self, *args, **options):
        failed = []
        for name, count in prune_all().items():
            if count < 0:
                failed.append(name)
                self.stderr.write(f"{name}: failed (see the log)")
            else:
                self.stdout.write(f"{name}: {count} removed")
        if failed:
            raise SystemExit(1)
