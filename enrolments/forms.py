from django import forms

from .models import Enrolment


class ExitForm(forms.ModelForm):
    """Record a participant's exit. Model validation names the field when the date is wrong."""

    class Meta:
        model = Enrolment
        fields = ["exited_on", "exit_reason", "exit_status", "exit_income_source"]
        widgets = {"exited_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True
