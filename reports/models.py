"""Status reports (lägesrapporter): a project's figures for a period with the project manager's
narrative, made into a PDF in the background (reports/status.py, reports/jobs.py).

A report is a draft until issued: the manager edits its title and narrative and makes the PDF
again as often as needed. Issuing locks it: the narrative, the figures (JSON) and the PDF bytes
stay as they were issued; `save()` and `delete()` refuse to change or remove an issued report,
like a locked goal snapshot (goals.models.GoalSnapshot).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField


class IssuedReportError(PermissionError):
    """An issued status report is never changed or deleted."""


class StatusReportQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(status=StatusReport.Status.ISSUED).exists():
            raise IssuedReportError("An issued status report is never changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=StatusReport.Status.ISSUED).exists():
            raise IssuedReportError("An issued status report is never deleted.")
        return super().delete()


class StatusReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    class PeriodKind(models.TextChoices):
        YEAR = "year", _("Calendar year")
        QUARTER = "quarter", _("Quarter")
        PROJECT = "project", _("The whole project so far")

    class Language(models.TextChoices):
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="status_reports",
    )
    period_kind = models.CharField(_("kind of period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("start of period"))
    period_end = models.DateField(_("end of period"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    title = models.CharField(_("title"), max_length=300)
    narrative = models.TextField(_("narrative"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The document the PDF was made from (reports.status.document): every figure as printed,
    # with the disclosure plan of the threshold below applied. Frozen when issued.
    figures = models.JSONField(_("figures"), null=True, blank=True)
    # The threshold the figures were suppressed with: the project's aggregate threshold, so
    # the same PDF may be given to anyone (docs/status-report.md).
    threshold = models.PositiveSmallIntegerField(_("disclosure threshold"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    pdf_made_at = models.DateTimeField(_("PDF made"), null=True, blank=True)
    # The narrative and title the PDF was made with: a draft edited since has an outdated PDF.
    pdf_source = models.CharField(_("PDF made from"), max_length=64, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("last PDF job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = StatusReportQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-period_end", "-id"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="status_report_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(pdf__isnull=False) & Q(issued_at__isnull=False)),
                name="status_report_issued_has_pdf",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True)
            if stored and stored[0] == self.Status.ISSUED:
                raise IssuedReportError("An issued status report is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued or type(self).objects.filter(pk=self.pk, status="issued").exists():
            raise IssuedReportError("An issued status report is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED
