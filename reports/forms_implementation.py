"""The form that starts a pre-study's implementation project (reports/implementation.py)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .implementation import CARRIED, CARRIED_LABELS, CarryOver, suggested_title


class StartImplementationForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the implementation project"),
        max_length=250,
        help_text=_("As the funder's decision names it, e.g. “Jobb för alla”."),
    )
    title_en = forms.CharField(label=_("Title in English"), max_length=250, required=False)
    starts_on = forms.DateField(label=_("Start of the period"), widget=DateInput())
    ends_on = forms.DateField(label=_("End of the period"), widget=DateInput())
    copy = forms.MultipleChoiceField(
        label=_("Carry over from the pre-study"),
        choices=[(kind, CARRIED_LABELS[kind]) for kind in CARRIED],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "What the implementation project starts with. You become its project manager "
            "whatever you choose."
        ),
    )

    def __init__(self, *args, prestudy, carry_over: CarryOver, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": suggested_title(prestudy.title),
                "title_en": suggested_title(prestudy.title_en),
                "starts_on": prestudy.ends_on + dt.timedelta(days=1),
                "copy": list(CARRIED),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["copy"].choices = [
            (kind, f"{CARRIED_LABELS[kind]} ({carry_over.count(kind)})") for kind in CARRIED
        ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        return data
