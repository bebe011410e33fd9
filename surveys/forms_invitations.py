"""Forms of sending a survey link and typing in answers (surveys/views.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.clock import today

from .models import Channel, Kind, Source
from .responses import field_name


class SendForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send the link as"), choices=Channel.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Language of the questionnaire"), choices=())
    email = forms.EmailField(
        label=_("The participant's e-mail address"),
        required=False,
        max_length=254,
        help_text=_("Only for e-mail. Kept encrypted for one reminder, never shown again."),
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = list(languages)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") == Channel.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("Enter the e-mail address to send the link to."))
        return cleaned


class TypedAnswersForm(forms.Form):
    """The answers of one occasion from a paper form or an interview, typed in by staff."""

    source = forms.ChoiceField(
        label=_("The answers come from"),
        choices=[(Source.PAPER, Source.PAPER.label), (Source.INTERVIEW, Source.INTERVIEW.label)],
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(
        label=_("Answered on"), help_text=_("Year-month-day, e.g. 2015-06-22.")
    )

    def __init__(self, *args, questions=(), language="sv", **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            text = question.text_in(language) or question.text_in("sv")
            if question.kind == Kind.SCALE:
                labels = question.labels_in(language) or question.labels_in("sv") or [""] * 5
                self.fields[field_name(question)] = forms.TypedChoiceField(
                    label=text,
                    choices=[(str(n), f"{n} – {label}") for n, label in enumerate(labels, 1)],
                    coerce=int,
                    required=False,
                    empty_value=None,
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[field_name(question)] = forms.CharField(
                    label=text, required=False, max_length=2000, widget=forms.Textarea
                )

    def clean_answered_on(self):
        value = self.cleaned_data["answered_on"]
        if value > today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def answers(self) -> dict:
        found = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value not in (None, ""):
                found[question.pk] = value
        return found
