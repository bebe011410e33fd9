"""Records of the data-protection rights: erasures (who, when, why — never whom by name) and
register extracts made in the background, kept encrypted until downloaded or expired."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField


class Erasure(models.Model):
    """One erasure of a person's personal data: on request (GDPR art. 17, by a project
    manager) or when the retention period of every project they were in had passed. Holds no
    personal data: the person is named by id only, and their record is anonymous afterwards."""

    class Reason(models.TextChoices):
        REQUEST = "request", _("The person asked to be erased")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("The consent was withdrawn")
        NOT_NEEDED = "not_needed", _("The data is no longer needed")
        UNLAWFUL = "unlawful", _("The data was registered without a legal basis")
        RETENTION = "retention", _("The retention period has passed")

    participant_id = models.BigIntegerField(_("participant id"), db_index=True)
    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the erasure was requested; empty for the retention task."),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    erased_at = ClockDateTimeField(_("erased at"), auto_now_add=True)
    records = models.JSONField(
        _("records changed"),
        default=dict,
        blank=True,
        help_text=_("How many rows of each kind were changed (counts only)."),
    )

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return _("Erasure of participant %(id)s") % {"id": self.participant_id}


class ExtractFile(models.Model):
    """A register extract made by a background job (a large one), encrypted at rest
    (core.crypto) and only for the user who asked for it, until it expires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "core.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    participant_id = models.BigIntegerField(_("participant id"))
    job = models.OneToOneField(
        "jobs.Job",
        verbose_name=_("background job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    content = models.BinaryField(_("content (encrypted)"), editable=False)
    created_at = ClockDateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register extract file")
        verbose_name_plural = _("register extract files")

    def __str__(self):
        return str(self.id)
