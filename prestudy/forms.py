"""Forms of the pre-study registers (prestudy/views.py). Every form is a ModelForm of its
register, so the model's own rules (a date within the project's period, a scale of 1–5, women
and men within the estimated size, a review not before the assessment) run on every save and
show at their field.

A form is made for one project (`project=`): its instance belongs to that project before it
validates, so `clean()` sees the period; the target groups and stakeholders it offers are that
project's own, and a POST naming another project's is refused like any unknown choice."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from core.forms import DateInput

from . import checklist
from .models import (
    AccessibilityMeasure,
    Deliverable,
    ProposedActivity,
    Risk,
    Stakeholder,
    SwotItem,
    TargetGroupMapping,
    Workshop,
)


class ProjectModelForm(forms.ModelForm):
    """A register entry of `project`. The project is set on the instance before validation,
    and constraints that name the project (one name, one mapping per target group) are
    checked by the model too, not left to the database."""

    # Date fields that start at today's date on a new entry.
    dated_today: tuple[str, ...] = ()

    def __init__(self, *args, project, **kwargs):
        instance = kwargs.get("instance")
        if instance is None:
            instance = kwargs["instance"] = self._meta.model()
        instance.project = project
        self.project = project
        if instance.pk is None:
            kwargs["initial"] = {
                **{name: clock.today() for name in self.dated_today},
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        for name in ("target_groups", "target_group"):
            if name in self.fields:
                self.fields[name].queryset = project.target_groups.order_by("name")
        for name in ("stakeholders", "proposed_by"):
            if name in self.fields:
                self.fields[name].queryset = project.stakeholders.order_by("name")

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("project")
        return exclude

    def others(self):
        """The project's other entries of this register (not the one being edited)."""
        found = self._meta.model.objects.filter(project=self.project)
        return found.exclude(pk=self.instance.pk) if self.instance.pk else found


class StakeholderForm(ProjectModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "kind", "organisation", "contact", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "organisation": _("The organisation the stakeholder belongs to, if it is registered."),
            "name": _("An organisation, a network or a group; a person only by their function."),
        }

    def clean_name(self):
        name = self.cleaned_data["name"]
        if self.others().filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("The register already has a stakeholder with this name."), code="unique"
            )
        return name


class EventForm(ProjectModelForm):
    dated_today = ("held_on",)

    class Meta:
        model = Workshop
        fields = ["title", "kind", "held_on", "stakeholders", "notes"]
        widgets = {
            "held_on": DateInput(),
            "stakeholders": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "stakeholders": _("The stakeholders of the register who took part."),
        }


class ActivityForm(ProjectModelForm):
    class Meta:
        model = ProposedActivity
        fields = [
            "title",
            "category",
            "description",
            "target_groups",
            "proposed_by",
            "estimated_volume",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "target_groups": forms.CheckboxSelectMultiple,
            "proposed_by": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "proposed_by": _("The stakeholders who would run the activity or proposed it."),
            "estimated_volume": _("How many participants the activity could take."),
        }


class RiskForm(ProjectModelForm):
    dated_today = ("assessed_on",)

    class Meta:
        model = Risk
        fields = [
            "description",
            "likelihood",
            "impact",
            "mitigation",
            "owner",
            "status",
            "assessed_on",
            "review_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
            "assessed_on": DateInput(),
            "review_on": DateInput(),
        }
        help_texts = {
            "likelihood": _("1 = very unlikely, 5 = very likely."),
            "impact": _("1 = hardly noticeable, 5 = the project cannot reach its goals."),
            "owner": _("Who watches the risk and its mitigation (a function or a name)."),
        }


class SwotForm(ProjectModelForm):
    dated_today = ("recorded_on",)

    class Meta:
        model = SwotItem
        fields = ["quadrant", "text", "recorded_on"]
        widgets = {
            "quadrant": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 4}),
            "recorded_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio group without the empty "---------" choice of a select.
        self.fields["quadrant"].choices = SwotItem.Quadrant.choices


class MeasureForm(ProjectModelForm):
    class Meta:
        model = AccessibilityMeasure
        fields = ["aspect", "barrier", "measure", "responsible", "due_on", "done_on"]
        widgets = {
            "barrier": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 3}),
            "due_on": DateInput(),
            "done_on": DateInput(),
        }
        help_texts = {
            "barrier": _(
                "What keeps someone from taking part, e.g. stairs, a form only in Swedish."
            ),
            "done_on": _("Empty while the measure is not done."),
        }


class MappingForm(ProjectModelForm):
    dated_today = ("mapped_on",)

    class Meta:
        model = TargetGroupMapping
        fields = [
            "target_group",
            "estimated_size",
            "women",
            "men",
            "women_share",
            "findings",
            "source",
            "mapped_on",
        ]
        widgets = {
            "findings": forms.Textarea(attrs={"rows": 4}),
            "mapped_on": DateInput(),
        }
        help_texts = {
            "women_share": _(
                "Only when women and men are not known in numbers; otherwise it is worked out "
                "from them."
            ),
            "source": _(
                "Where the figures come from, e.g. “SCB, 2009” or the municipality’s register."
            ),
        }

    def clean_target_group(self):
        group = self.cleaned_data["target_group"]
        if group is not None and self.others().filter(target_group=group).exists():
            raise forms.ValidationError(
                _("This target group is already mapped: change its mapping instead."),
                code="unique",
            )
        return group

    def clean(self):
        data = super().clean()
        women, men, share = data.get("women"), data.get("men"), data.get("women_share")
        if women is not None and men is not None and women + men > 0:
            worked_out = (Decimal(100 * women) / (women + men)).quantize(Decimal("0.1"))
            if share is None:
                data["women_share"] = worked_out
            elif abs(share - worked_out) > 1:
                self.add_error(
                    "women_share",
                    _(
                        "The share does not match the numbers of women and men (%(share)s %%): "
                        "leave it empty to have it worked out."
                    )
                    % {"share": worked_out},
                )
        return data


class ChecklistItemForm(forms.ModelForm):
    """An item of the pre-study checklist recorded done (a date and the evidence) or not done
    (no date). Done is refused while the item's register does not back it
    (prestudy/checklist.py), with what the register needs."""

    class Meta:
        model = Deliverable
        fields = ["done_on", "evidence"]
        widgets = {"done_on": DateInput(), "evidence": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"done_on": _("Empty: the item is not done.")}

    def __init__(self, *args, project, item: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.project, self.item = project, item

    def clean(self):
        data = super().clean()
        done_on = data.get("done_on")
        if done_on is None:
            return data
        if done_on > clock.today():
            self.add_error("done_on", _("The date cannot be in the future."))
        if not data.get("evidence"):
            self.add_error(
                "evidence",
                _("Say where the result is: a document, a decision, a registration number."),
            )
        if not checklist.register_backing(self.project.pk)[self.item]:
            self.add_error(None, checklist.REGISTER_NEEDS[self.item])
        return data
