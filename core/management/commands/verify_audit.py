"""`manage.py verify_audit`: walk the audit log's hash chain in order (docs/audit.md).

Prints "N entries, chain intact" and exits 0, or names the first broken entry by its id and
exits 1: an entry whose content or hash was changed, or the first entry after a deleted one.
Also warns when the database's append-only triggers are missing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import audit_db
from core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; name the first broken entry."

    def handle(self, *args, **options):
        missing = audit_db.missing(connection)
        if missing:
            self.stderr.write(
                "Warning: the append-only triggers are missing on core_logentry: "
                + ", ".join(sorted(missing))
            )
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit chain broken at entry {report.broken_id} ({report.problem}); "
                f"{report.count} entries before it verified.",
                returncode=1,
            )
        self.stdout.write(f"{report.count} entries, chain intact")
