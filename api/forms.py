import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.clock import today

from .models import Scope

MAX_VALID_DAYS = 366


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the partner system that uses it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text=_("Read: fetch data. Write: record follow-ups and survey answers."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        help_text=_("At most a year ahead, as YYYY-MM-DD. The token stops working after this day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = today() + dt.timedelta(days=90)

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value < today():
            raise forms.ValidationError(_("The date cannot be in the past."))
        if value > today() + dt.timedelta(days=MAX_VALID_DAYS):
            raise forms.ValidationError(_("A token is valid for at most a year."))
        return value

    def expires_at(self):
        """The end of the chosen day, in the site's time zone."""
        day = self.cleaned_data["expires_on"] + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
