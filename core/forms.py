from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Organisation


def add_errors(error: ValidationError, form) -> None:
    """Put a service's ValidationError on the form's field it names (non-field otherwise), so
    the page shows it at the field and in the error summary."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "organisation_number", "municipality"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ProjectPeriodForm(forms.Form):
    """Move the project's period (core.periods.change_period checks it against the records)."""

    starts_on = forms.DateField(label=_("Start of the period"), widget=DateInput())
    ends_on = forms.DateField(label=_("End of the period"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the period changes, e.g. the funder's decision to extend the project. Kept "
            "with the change and shown on the project page."
        ),
        error_messages={
            "required": _("Say why the period changes: the reason is kept with the change.")
        },
    )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        return data
