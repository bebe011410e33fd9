from django import forms
from django.utils.translation import gettext_lazy as _

from .identity import parse_identity_number
from .models import Participant


class IdentifiedParticipantForm(forms.ModelForm):
    """Register a person by personnummer or samordningsnummer. The number is validated, then
    stored only encrypted and as a keyed hash."""

    identity_number = forms.CharField(
        label=_("Personnummer or samordningsnummer"),
        max_length=15,
        help_text=_("YYYYMMDD-NNNN"),
    )

    class Meta:
        model = Participant
        fields = [
            "given_name",
            "family_name",
            "gender",
            "region_of_birth",
            "arrival_year",
            "education_level",
            "interpreter_language",
        ]

    def clean_identity_number(self):
        return parse_identity_number(self.cleaned_data["identity_number"])

    def _post_clean(self):
        number = self.cleaned_data.get("identity_number")
        if number is not None:
            self.instance.birth_year = number.birth_date.year
        super()._post_clean()

    def save(self, commit=True):
        participant = super().save(commit=False)
        participant.set_identity_number(self.cleaned_data["identity_number"].digits)
        if commit:
            participant.save()
        return participant


class AnonymousParticipantForm(forms.ModelForm):
    """Only the statistical fields, as SUS keeps for people without consent or with protected
    identity."""

    class Meta:
        model = Participant
        fields = [
            "gender",
            "birth_year",
            "region_of_birth",
            "arrival_year",
            "education_level",
            "protected_identity",
        ]

    def save(self, commit=True):
        self.instance.is_anonymous = True
        return super().save(commit=commit)
