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


class CorrectionFormMixin(forms.Form):
    """What every correction form adds: the reason (required, kept in the history) and the
    signed values the form was built from (participants.corrections.version_token), by which
    the service notices a record someone else changed meanwhile."""

    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required. Kept in the history with the change, for everyone who may see the "
            "person in this project."
        ),
        error_messages={"required": _("Say why the record is corrected.")},
    )
    original = forms.CharField(widget=forms.HiddenInput, required=False)


class NotShownBackInput(forms.TextInput):
    """A text box that never renders a value: an identity number typed into a refused form is
    not written back into the page (nor into the browser's cache of it)."""

    def format_value(self, value):
        return None


class PersonCorrectionForm(CorrectionFormMixin, forms.ModelForm):
    """Correct a person's own fields. For an identified person a new identity number may be
    given (empty: unchanged); it is never shown back, and the birth year follows it."""

    identity_number = forms.CharField(
        label=_("New identity number"),
        max_length=15,
        required=False,
        help_text=_("Only when the number is wrong: YYYYMMDD-NNNN. Leave empty to keep it."),
        widget=NotShownBackInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = Participant
        fields = [
            "given_name",
            "family_name",
            "gender",
            "birth_year",
            "region_of_birth",
            "arrival_year",
            "education_level",
            "interpreter_language",
            "disability",
            "protected_identity",
        ]

    def __init__(self, *args, **kwargs):
        from .services import correctable_fields

        super().__init__(*args, **kwargs)
        allowed = set(correctable_fields(self.instance))
        for name in list(self.Meta.fields):
            if name not in allowed:
                del self.fields[name]
        if self.instance.is_anonymous:
            del self.fields["identity_number"]
        else:
            self.fields["given_name"].required = True
            self.fields["family_name"].required = True
        for name in ("region_of_birth", "education_level"):
            self.fields[name].required = False
        # The fields come before the reason.
        self.order_fields(
            [*[f for f in self.Meta.fields if f in self.fields], "identity_number", "reason"]
        )

    def clean_identity_number(self):
        value = (self.cleaned_data.get("identity_number") or "").strip()
        if value:
            parse_identity_number(value)
        return value

    def clean(self):
        from core.clock import today

        cleaned = super().clean()
        arrival = cleaned.get("arrival_year")
        birth = cleaned.get("birth_year", self.instance.birth_year)
        if arrival and arrival > today().year:
            self.add_error("arrival_year", _("The year of arrival cannot be in the future."))
        elif arrival and birth and arrival < birth:
            self.add_error(
                "arrival_year", _("The year of arrival cannot be before the birth year.")
            )
        return cleaned

    def _post_clean(self):
        # The service validates against the saved person (in its transaction); the form only
        # parses. The instance is not touched, so the page around the form shows saved values.
        pass

    def values(self) -> dict:
        from .services import correctable_fields

        return {
            name: self.cleaned_data.get(name)
            for name in correctable_fields(self.instance)
            if name in self.fields
        }
