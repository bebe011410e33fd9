from django import forms

from .models import Participation


class HoursForm(forms.ModelForm):
    """Planned and attended hours of one participant in one intervention."""

    class Meta:
        model = Participation
        fields = ["planned_hours", "attended_hours", "completion", "ended_on"]
        widgets = {"ended_on": forms.DateInput(attrs={"type": "date"})}
