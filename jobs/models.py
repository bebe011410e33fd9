"""A piece of slow work a user started and can watch: an import, a PDF, a batch of e-mails."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.fields import ClockDateTimeField


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for who sees a job: the user who started it, and for a project's job
        the project's members who may change the project (its managers)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        from core.models import Membership
        from core.policy import Capability, roles_with

        managing_roles = roles_with(Capability.PROJECT_CHANGE)
        manages = Membership.objects.filter(
            user=user, project_id=OuterRef("project_id"), role__in=managing_roles
        )
        return self.filter(Q(created_by=user) | (Q(project__isnull=False) & Q(Exists(manages))))


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=250)
    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.TextField(
        _("message"), blank=True, help_text=_("Why the work failed, in words for the user.")
    )
    result = models.JSONField(_("result"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = ClockDateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Real time (core.clock.real_now), never the demo's date: the worker writes it at every
    # progress write and at least every JOB_HEARTBEAT_INTERVAL seconds while the job runs; a
    # running job whose heartbeat is older than JOB_HEARTBEAT_TIMEOUT has lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # "host pid" of the worker process running the job: a worker on the same host that finds
    # the process gone knows at once that the job will not finish (jobs/liveness.py).
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(done__lte=models.F("total")),
                name="job_done_not_above_total",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == self.Status.SUCCEEDED else None
        return min(100, self.done * 100 // self.total)
