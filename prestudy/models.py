"""Registers of a pre-study (seeds 000 and 003): stakeholders, workshops and other events,
proposed activities, risks, the gender-equality SWOT, the accessibility plan, the target-group
mapping and the checklist of what the pre-study promised to deliver (docs/prestudy.md).

The rules that a form and a service both need (a date within the project's period, a scale of
1–5) are the models' own `clean()` and validators, so every page, import and command asks them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def check_within_period(project, day, field: str) -> None:
    """A date of the pre-study's work lies within the project's period."""
    if project is None or day is None:
        return
    if not project.starts_on <= day <= project.ends_on:
        raise ValidationError(
            {
                field: _("The date must lie within the project's period, %(start)s–%(end)s.")
                % {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()}
            }
        )


class Stakeholder(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("Authority")
        COMPANY = "company", _("Company")
        INTEREST_ORGANISATION = "interest_organisation", _("Interest organisation")
        USER_REPRESENTATIVE = "user_representative", _("User representative")
        RESIDENT = "resident", _("Resident")
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
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("A function or a shared address, e.g. “unit manager, reception”."),
    )
    notes = models.TextField(_("notes"), blank=True)

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
        STUDY_VISIT = "study_visit", _("Study visit")
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
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["project", "held_on"]
        verbose_name = _("event")
        verbose_name_plural = _("workshops, focus groups and other events")

    def __str__(self):
        return self.title

    def clean(self):
        check_within_period(self.project if self.project_id else None, self.held_on, "held_on")


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
        Stakeholder, verbose_name=_("partners"), blank=True, related_name="proposals"
    )
    estimated_volume = models.PositiveIntegerField(
        _("estimated volume (participants)"), null=True, blank=True
    )
    # The intervention it became in the implementation project (reports/implementation.py).
    implemented_as = models.ForeignKey(
        "interventions.Intervention",
        verbose_name=_("implemented as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_in",
    )

    class Meta:
        ordering = ["project", "category", "title"]
        verbose_name = _("proposed activity")
        verbose_name_plural = _("proposed activities")

    def __str__(self):
        return self.title


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATING = "mitigating", _("Being mitigated")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(
        "core.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="risks"
    )
    description = models.TextField(_("risk"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"), validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), validators=ONE_TO_FIVE)
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="open")
    assessed_on = models.DateField(_("assessed on"))
    review_on = models.DateField(_("next review"), null=True, blank=True)

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

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    def clean(self):
        if self.assessed_on and self.review_on and self.review_on < self.assessed_on:
            raise ValidationError(
                {"review_on": _("The next review cannot be before the risk was assessed.")}
            )


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
    women = models.PositiveIntegerField(_("women (estimated)"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men (estimated)"), null=True, blank=True)
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

    def clean(self):
        if (
            self.estimated_size is not None
            and self.women is not None
            and self.men is not None
            and self.women + self.men > self.estimated_size
        ):
            raise ValidationError(
                {"men": _("Women and men together cannot be more than the estimated size.")}
            )


class AccessibilityMeasure(models.Model):
    """One measure of the accessibility plan: what is done so that everyone can take part."""

    class Aspect(models.TextChoices):
        PREMISES = "premises", _("Premises and travel")
        INFORMATION = "information", _("Information and communication")
        ACTIVITIES = "activities", _("Activities and methods")
        DIGITAL = "digital", _("Digital services")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="accessibility_measures",
    )
    aspect = models.CharField(_("aspect"), max_length=12, choices=Aspect.choices)
    barrier = models.TextField(_("barrier"))
    measure = models.TextField(_("measure"))
    responsible = models.CharField(_("responsible"), max_length=150, blank=True)
    due_on = models.DateField(_("to be done by"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["project", "aspect", "pk"]
        verbose_name = _("accessibility measure")
        verbose_name_plural = _("accessibility plan")

    def __str__(self):
        return self.measure[:60]


class Deliverable(models.Model):
    """An item of the pre-study checklist (seed 003): done on a date, with its evidence. The
    items and the register each one needs are prestudy/checklist.py."""

    project = models.ForeignKey(
        "core.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    item = models.CharField(_("item"), max_length=40)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_("Where the result is: a document, a decision, a registration number."),
    )

    class Meta:
        ordering = ["project", "item"]
        verbose_name = _("pre-study deliverable")
        verbose_name_plural = _("pre-study checklist")
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="deliverable_one_per_item")
        ]

    def __str__(self):
        return self.item
