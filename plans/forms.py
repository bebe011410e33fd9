"""Forms of the plans app. They check the same rules as the services, so an error is shown next
to its field, in the user's language."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interventions.models import Intervention

from . import services
from .models import ActionPlan, ActionPlanStep, Assessment, AssessmentItem, Domain

DATE_WIDGET = {"type": "date"}


def date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


RATING_CHOICES = [("", gettext_lazy("Not rated"))] + [
    (str(value), format_lazy("{} – {}", value, text))
    for value, text in services.RATING_LABELS.items()
]


class AssessmentForm(forms.Form):
    """One row per domain: a rating 1–5 (or not rated) and a note."""

    assessed_on = forms.DateField(widget=date_input())
    based_on_latest = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["assessed_on"].label = services.label(Assessment, "assessed_on")
        for domain in Domain:
            self.fields[f"rating_{domain.value}"] = forms.TypedChoiceField(
                label=domain.label,
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose a rating from 1 to 5.")},
            )
            self.fields[f"note_{domain.value}"] = forms.CharField(
                label=_("Note on %(domain)s") % {"domain": str(domain.label).lower()},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def domain_rows(self):
        """(domain, rating field, note field) for the template, in Domain order."""
        return [
            (domain, self[f"rating_{domain.value}"], self[f"note_{domain.value}"])
            for domain in Domain
        ]

    def clean_assessed_on(self):
        assessed_on = self.cleaned_data["assessed_on"]
        message = services.assessed_on_error(self.enrolment, assessed_on)
        if message:
            raise forms.ValidationError(message)
        return assessed_on

    def clean(self):
        cleaned = super().clean()
        rated = False
        for domain in Domain:
            rating_name, note_name = f"rating_{domain.value}", f"note_{domain.value}"
            if rating_name in self.errors:
                rated = True  # the wrong value is reported on its own field
                continue
            if cleaned.get(rating_name) is not None:
                rated = True
            elif (cleaned.get(note_name) or "").strip():
                self.add_error(
                    rating_name, _("A note needs a rating: choose 1 to 5, or clear the note.")
                )
                rated = True
        if not rated:
            raise forms.ValidationError(
                _("%(field)s: rate at least one domain (1 to 5).")
                % {"field": services.label(AssessmentItem, "rating")}
            )
        return cleaned

    def ratings(self) -> dict[str, tuple[int, str]]:
        return {
            domain.value: (
                self.cleaned_data[f"rating_{domain.value}"],
                self.cleaned_data.get(f"note_{domain.value}", "").strip(),
            )
            for domain in Domain
            if self.cleaned_data.get(f"rating_{domain.value}") is not None
        }


class PlanForm(forms.ModelForm):
    """The goals of a new version; `based_on_version` detects a double submission."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActionPlan
        fields = ["goals"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "goals": gettext_lazy(
                "What the participant wants to achieve, in their own plain words. "
                "One goal per line."
            )
        }


class StepForm(forms.ModelForm):
    """One step. Its organisation must be one of the project's, its intervention the project's."""

    class Meta:
        model = ActionPlanStep
        fields = [
            "description",
            "responsible_organisation",
            "responsible_person",
            "due_on",
            "status",
            "intervention",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "due_on": date_input()}

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        project = enrolment.project
        organisation = self.fields["responsible_organisation"]
        organisation.queryset = services.project_organisations(project)
        organisation.error_messages["invalid_choice"] = _(
            "Choose one of the project's organisations."
        )
        intervention = self.fields["intervention"]
        intervention.queryset = Intervention.objects.filter(project=project).order_by("name")
        intervention.error_messages["invalid_choice"] = _(
            "Choose one of this project's interventions."
        )
        self.fields["responsible_person"].help_text = _("Name and role, e.g. Amira, coach.")
        self.fields["status"].initial = ActionPlanStep.StepStatus.PLANNED

    def has_changed(self):
        # A row left empty is not a step: it is skipped, not refused. The status select always
        # sends a value, so it alone does not make a row filled in.
        return any(name not in ("status", "DELETE") for name in self.changed_data)

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        message = services.due_on_error(self.enrolment, due_on)
        if message:
            raise forms.ValidationError(message)
        return due_on


class BaseStepFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this step")

    def clean(self):
        if any(self.errors):
            return
        if not self.steps():
            raise forms.ValidationError(_("Add at least one step to the plan."))

    def steps(self) -> list[dict]:
        """The steps to save, in order: filled-in rows not marked for removal."""
        return [
            {name: form.cleaned_data.get(name) for name in services.STEP_FIELDS}
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("description")
        ]


def step_formset(*, enrolment, data=None, initial=None, extra=1):
    """A formset of steps. Every row may be left empty (then it is skipped); at least one step
    is needed, checked in BaseStepFormSet.clean()."""
    formset_class = forms.formset_factory(
        StepForm, formset=BaseStepFormSet, extra=extra, can_delete=True
    )
    return formset_class(
        data=data,
        initial=initial,
        prefix="steps",
        form_kwargs={"enrolment": enrolment, "empty_permitted": True},
    )


class AgreementForm(forms.ModelForm):
    """When and how the participant agreed to a version."""

    class Meta:
        model = ActionPlan
        fields = ["agreed_on", "agreement_method"]
        widgets = {"agreed_on": date_input(), "agreement_method": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
        # A ModelForm adds an empty choice to a blank CharField; a radio list needs none.
        self.fields["agreement_method"].choices = ActionPlan.AgreementMethod.choices

    def clean_agreed_on(self):
        agreed_on = self.cleaned_data.get("agreed_on")
        message = services.agreed_on_error(self.instance, agreed_on)
        if message:
            raise forms.ValidationError(message)
        return agreed_on

    def _post_clean(self):
        # The service saves; the model's own checks would only repeat ours.
        pass


class StepOrderForm(forms.Form):
    """The order of the current plan's steps: a position for each step, and why it changes
    (participants.forms.CorrectionFormMixin's reason and token)."""

    def __init__(self, *args, steps, **kwargs):
        from participants.forms import CorrectionFormMixin

        super().__init__(*args, **kwargs)
        self.steps = list(steps)
        choices = [(str(n), str(n)) for n in range(1, len(self.steps) + 1)]
        for step in self.steps:
            self.fields[f"position_{step.pk}"] = forms.TypedChoiceField(
                label=format_lazy(
                    "{} {}: {}",
                    gettext_lazy("Position of step"),
                    step.order,
                    step.description[:80],
                ),
                choices=choices,
                coerce=int,
                initial=str(step.order),
            )
        mixin = CorrectionFormMixin()
        self.fields["reason"] = mixin.fields["reason"]
        self.fields["original"] = mixin.fields["original"]

    def position_fields(self):
        return [self[f"position_{step.pk}"] for step in self.steps]

    def clean(self):
        cleaned = super().clean()
        positions = [cleaned.get(f"position_{step.pk}") for step in self.steps]
        if None not in positions and len(set(positions)) != len(positions):
            raise forms.ValidationError(
                _("Give every step its own place in the order: two steps share a place.")
            )
        return cleaned

    def order(self) -> list[int]:
        """The step ids, first step first."""
        return [
            step.pk
            for step in sorted(
                self.steps, key=lambda s: (self.cleaned_data[f"position_{s.pk}"], s.order)
            )
        ]
