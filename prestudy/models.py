"""Registers of a pre-study (seeds 000 and 003): stakeholders, workshops, proposed activities,
risks, the gender-equality SWOT and the target-group mapping."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Stakeholder(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("Authority")
        COMPANY = "company", _("Company")
        INTEREST_ORGANISATION = "interest_organisation", _("Interest organisation")
        USER_REPRESENTATIVE = "user_representative", _("User representative")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        RESEARCH = "research", _("Research")

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="stakeholders",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="stakeholder_unique_name")
        ]

    def __str__(self):
        return self.name


class Workshop(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        FOCUS_GROUP = "focus_group", _("Focus group")
        SEMINAR = "seminar", _("Seminar")
        DIALOGUE = "dialogue", _("Citizen dialogue")

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="workshops",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    stakeholders = models.ManyToManyField(
        Stakeholder,
        verbose_name=_("stakeholders taking part"),
        blank=True,
        related_name="workshops",
    )

    class Meta:
        ordering = ["project", "held_on"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops and focus groups")

    def __str__(self):
        return self.title


class ProposedActivity(models.Model):
    """An activity the pre-study designs for the implementation phase."""

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="proposed_activities",
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        "interventions.InterventionCategory", verbose_name=_("category"), on_delete=models.PROTECT
    )
    description = models.TextField(_("description"), blank=True)
    target_groups = models.ManyToManyField(
        "core.TargetGroup", verbose_name=_("target groups"), blank=True
    )
    proposed_by = models.ManyToManyField(
        Stakeholder, verbose_name=_("proposed with"), blank=True, related_name="proposals"
    )

    class Meta:
        ordering = ["project", "category", "title"]
        verbose_name = _("proposed activity")
        verbose_name_plural = _("proposed activities")

    def __str__(self):
        return self.title


class Risk(models.Model):
    project = models.ForeignKey(
        "core.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="risks"
    )
    description = models.TextField(_("risk"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    assessed_on = models.DateField(_("assessed on"))

    class Meta:
        ordering = ["project", "-likelihood", "-impact"]
        verbose_name = _("risk")
        verbose_name_plural = _("risk register")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_to_5"
            ),
        ]

    def __str__(self):
        return self.description[:60]


class SwotItem(models.Model):
    """An entry of the gender-equality SWOT analysis."""

    class Quadrant(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        WEAKNESS = "weakness", _("Weakness")
        OPPORTUNITY = "opportunity", _("Opportunity")
        THREAT = "threat", _("Threat")

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="swot_items",
    )
    quadrant = models.CharField(_("quadrant"), max_length=12, choices=Quadrant.choices)
    text = models.TextField(_("text"))
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        ordering = ["project", "quadrant"]
        verbose_name = _("gender SWOT entry")
        verbose_name_plural = _("gender SWOT")

    def __str__(self):
        return f"{self.get_quadrant_display()}: {self.text[:50]}"


class TargetGroupMapping(models.Model):
    """What the pre-study found out about a target group."""

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="target_group_mappings",
    )
    target_group = models.ForeignKey(
        "core.TargetGroup", verbose_name=_("target group"), on_delete=models.CASCADE
    )
    estimated_size = models.PositiveIntegerField(_("estimated size"), null=True, blank=True)
    women_share = models.DecimalField(
        _("share of women (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    findings = models.TextField(_("findings"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    mapped_on = models.DateField(_("mapped on"))

    class Meta:
        ordering = ["project", "target_group"]
        verbose_name = _("target-group mapping")
        verbose_name_plural = _("target-group mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "target_group"], name="target_group_mapping_unique"
            ),
            models.CheckConstraint(
                condition=Q(women_share__isnull=True) | Q(women_share__gte=0, women_share__lte=100),
                name="target_group_mapping_women_share_percent",
            ),
        ]

    def __str__(self):
        return str(self.target_group)
