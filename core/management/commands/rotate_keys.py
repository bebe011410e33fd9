"""manage.py rotate_keys: re-encrypt everything encrypted at rest under the current key.

The procedure (docs/operations.md, "Rotating the encryption key"): make a new key, set it as
FIELD_ENCRYPTION_KEY and put the old one in FIELD_ENCRYPTION_OLD_KEYS, restart, run this
command, then remove the old key. Every column of core.crypto.ENCRYPTED_COLUMNS is rewritten
batch by batch, each batch one transaction: the command may be stopped and run again, and the
application keeps running meanwhile (it reads both keys). Prints counts, never the data.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt identity numbers, encrypted notes and uploaded files under the current "
        "FIELD_ENCRYPTION_KEY (after a key change; the old key in FIELD_ENCRYPTION_OLD_KEYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=crypto.BATCH, help="Rows per transaction (500)."
        )

    def handle(self, *args, batch, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if not getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", None):
            self.stdout.write(
                "No FIELD_ENCRYPTION_OLD_KEYS are set: values under another key cannot be read."
            )
        try:
            counts = crypto.rotate_all(
                batch=batch,
                report=lambda column, count: self.stdout.write(f"{column}: {count} re-encrypted"),
            )
        except crypto.InvalidToken:
            raise CommandError(
                "A value could not be decrypted with the current key or any old key: add the "
                "key it was written with to FIELD_ENCRYPTION_OLD_KEYS and run again. The "
                "batches already done are kept."
            ) from None
        self.stdout.write(f"Done: {sum(counts.values())} values re-encrypted.")
