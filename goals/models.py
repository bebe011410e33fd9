"""Reference values of regular programmes, for relative goals. Goal definitions come later."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReferenceProgramme(models.Model):
    """A regular programme whose results a project compares itself with, e.g. Särskilt
    anställningsstöd."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    projects = models.ManyToManyField(
        "core.Project",
        verbose_name=_("projects comparing with it"),
        blank=True,
        related_name="reference_programmes",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("reference programme")
        verbose_name_plural = _("reference programmes")

    def __str__(self):
        return self.name


class ReferenceValue(models.Model):
    """A programme's result in one year and how many took part, for participant weighting."""

    programme = models.ForeignKey(
        ReferenceProgramme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    participants = models.PositiveIntegerField(_("participants"))
    share_in_work_90_days = models.DecimalField(
        _("share in work 90 days after exit (%)"), max_digits=5, decimal_places=1
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="reference_value_per_year"),
            models.CheckConstraint(
                condition=Q(share_in_work_90_days__gte=0, share_in_work_90_days__lte=100),
                name="reference_value_share_is_percent",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"
