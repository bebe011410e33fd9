"""An uploaded spreadsheet kept server-side between the dry run and the import, and the keys
that let a second import of the same file find the anonymous people the first one created."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.crypto import decrypt_bytes, encrypt_bytes
from core.fields import ClockDateTimeField


class Upload(models.Model):
    """One uploaded file, referred to only by its random id. Holds the file's bytes, encrypted
    (core/crypto.py), until the import is done or has failed (then they are emptied), until a
    check nobody imports is pruned (imports.services.prune_uploads), or for a day (then the row
    is deleted). Read and write them only through raw_content() and set_content()."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Being checked")
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "core.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content = models.BinaryField(_("content"), editable=False)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    report = models.JSONField(_("check report"), default=dict, blank=True)
    result = models.JSONField(_("import result"), default=dict, blank=True)
    job_id = models.CharField(_("background job"), max_length=64, blank=True)
    created_at = ClockDateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uploaded spreadsheet")
        verbose_name_plural = _("uploaded spreadsheets")

    def __str__(self):
        return self.filename

    def set_content(self, data: bytes) -> None:
        """Keep the file's bytes encrypted; empty bytes stay empty (nothing kept)."""
        self.content = encrypt_bytes(data) if data else b""

    def raw_content(self) -> bytes:
        """The file's bytes in clear (empty when they are no longer kept)."""
        stored = bytes(self.content or b"")
        return decrypt_bytes(stored) if stored else b""

    @property
    def has_content(self) -> bool:
        return bool(self.content)


class RowKey(models.Model):
    """An "External id" from an import, tied to the person it created in the project."""

    project = models.ForeignKey(
        "core.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("external id"), max_length=100)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="import_row_key_unique")
        ]

    def __str__(self):
        return self.key
