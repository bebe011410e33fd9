"""The intake's forms: find a person by number, register them (identified or anonymous) with
their consent and enrolment, enrol a person already registered, withdraw a consent."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.clock import today
from participants.forms import AnonymousParticipantForm, IdentifiedParticipantForm
from participants.identity import parse_identity_number
from participants.models import Consent

from .models import Enrolment, IncomeSource, LabourMarketStatus, SwedishLevel
from .registration import CONSENT_METHODS

# --- Intake: find, register, enrol, withdraw ----------------------------------------------------


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def _blank_choice(choices):
    return [("", _("Not recorded")), *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class IdentityLookupForm(forms.Form):
    """Find a person by personnummer or samordningsnummer. Posted, never in a URL."""

    identity_number = forms.CharField(
        label=_("Personnummer or samordningsnummer"),
        max_length=15,
        help_text=_("YYYYMMDD-NNNN"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_identity_number(self):
        return parse_identity_number(self.cleaned_data["identity_number"])


class PersonForm(IdentifiedParticipantForm):
    """The person part of an identified registration."""

    protected_identity = forms.BooleanField(
        label=_("The person has protected identity (skyddade personuppgifter)"),
        required=False,
        help_text=_(
            "A person with protected identity is registered anonymously, without name or number."
        ),
    )

    class Meta(IdentifiedParticipantForm.Meta):
        fields = [*IdentifiedParticipantForm.Meta.fields, "disability"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["given_name"].required = True
        self.fields["family_name"].required = True
        self.fields["region_of_birth"].required = False
        self.fields["education_level"].required = False
        self.fields["disability"].help_text = _(
            "Optional and sensitive: record it only when it matters for the support."
        )

    def clean_protected_identity(self):
        if self.cleaned_data.get("protected_identity"):
            raise forms.ValidationError(
                _(
                    "A person with protected identity is registered anonymously, without name "
                    "or number: use “Register anonymously”."
                )
            )
        return False

    def clean_arrival_year(self):
        year = self.cleaned_data.get("arrival_year")
        if year and year > today().year:
            raise forms.ValidationError(_("The year of arrival cannot be in the future."))
        return year

    def person_data(self) -> dict:
        from .registration import IDENTIFIED_PERSON_FIELDS

        return {name: self.cleaned_data.get(name) for name in IDENTIFIED_PERSON_FIELDS}


class AnonymousRegistrationForm(AnonymousParticipantForm):
    """The statistical fields of an anonymous participant."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_of_birth"].required = False
        self.fields["education_level"].required = False
        self.fields["birth_year"].widget.attrs.update({"inputmode": "numeric"})
        self.fields["protected_identity"].help_text = _(
            "Tick when the person has protected identity (skyddade personuppgifter). "
            "Leave it empty when they have not consented to registration."
        )

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= today().year:
            raise forms.ValidationError(
                _("Write the birth year with four digits, between 1900 and this year.")
            )
        return year

    def clean_arrival_year(self):
        year = self.cleaned_data.get("arrival_year")
        if year and year > today().year:
            raise forms.ValidationError(_("The year of arrival cannot be in the future."))
        return year

    def person_data(self) -> dict:
        from .registration import ANONYMOUS_PERSON_FIELDS

        return {name: self.cleaned_data.get(name) for name in ANONYMOUS_PERSON_FIELDS}


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ConsentForm(forms.Form):
    """The consent a person gives in a project: which organisations, what for, when."""

    GIVEN_BY_CHOICES = [
        ("participant", _("The participant")),
        ("guardian", _("A guardian or legal representative")),
    ]

    organisations = OrganisationChoiceField(
        label=_label(Consent, "organisations"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only the organisations ticked here may see the person's data in this project."
        ),
    )
    purposes = forms.MultipleChoiceField(
        label=_label(Consent, "purposes"),
        choices=Consent.Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Consent.Purpose.REGISTRATION],
        help_text=_("Registration is required; the others are optional."),
    )
    given_on = forms.DateField(label=_label(Consent, "given_on"), widget=DateInput())
    given_by = forms.ChoiceField(
        label=_label(Consent, "given_by"), choices=GIVEN_BY_CHOICES, initial="participant"
    )
    # No default: the user says how the consent was given, and confirms it with their name.
    method = forms.ChoiceField(
        label=_label(Consent, "method"),
        choices=[(m.value, m.label) for m in CONSENT_METHODS],
        widget=forms.RadioSelect,
        help_text=_(
            "You confirm, under your own name, that the person gave the consent this way. "
            "Your name and the time are saved with it."
        ),
    )
    document_reference = forms.CharField(
        label=_label(Consent, "document_reference"),
        required=False,
        max_length=Consent._meta.get_field("document_reference").max_length,
        help_text=Consent._meta.get_field("document_reference").help_text,
    )

    def __init__(self, *args, project, membership, **kwargs):
        super().__init__(*args, **kwargs)
        from .registration import project_organisations

        self.project = project
        self.membership = membership
        self.fields["organisations"].queryset = project_organisations(project)
        self.fields["organisations"].initial = [membership.organisation_id]
        self.fields["given_on"].initial = today

    def clean(self):
        from .registration import _validate_consent

        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            _validate_consent(
                project=self.project, membership=self.membership, consent_data=cleaned
            )
        except forms.ValidationError as error:
            add_errors(self, error)
        return cleaned


class TargetGroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if (get_language() or "sv").startswith("en") and obj.name_en:
            return obj.name_en
        return obj.name


class OrganisationSelectField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CaseWorkerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class EnrolmentForm(forms.Form):
    """The enrolment part of an intake: referral, start and baseline, responsible case worker."""

    referred_on = forms.DateField(label=_label(Enrolment, "referred_on"), widget=DateInput())
    referred_by = OrganisationSelectField(
        label=_label(Enrolment, "referred_by"),
        queryset=None,
        required=False,
        empty_label=_("Not recorded"),
    )
    started_on = forms.DateField(
        label=_label(Enrolment, "started_on"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "With a start date the participant is active; leave it empty while they are only "
            "referred."
        ),
    )
    labour_market_status = forms.ChoiceField(
        label=_label(Enrolment, "labour_market_status"),
        choices=_blank_choice(LabourMarketStatus.choices),
        required=False,
    )
    months_without_work = forms.IntegerField(
        label=_label(Enrolment, "months_without_work"),
        min_value=0,
        max_value=600,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    income_source = forms.ChoiceField(
        label=_label(Enrolment, "income_source"),
        choices=_blank_choice(IncomeSource.choices),
        required=False,
    )
    swedish_level = forms.ChoiceField(
        label=_label(Enrolment, "swedish_level"),
        choices=_blank_choice(SwedishLevel.choices),
        required=False,
    )
    target_groups = TargetGroupChoiceField(
        label=_label(Enrolment, "target_groups"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area = forms.ModelChoiceField(
        label=_label(Enrolment, "area"),
        queryset=None,
        required=False,
        empty_label=_("Not recorded"),
    )
    case_worker = CaseWorkerField(
        label=_label(Enrolment, "case_worker"),
        queryset=None,
        error_messages={
            "invalid_choice": _(
                "The responsible case worker must be a case worker or manager in this project."
            )
        },
    )

    def __init__(self, *args, project, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .registration import project_case_workers, project_organisations

        self.project = project
        self.fields["referred_by"].queryset = project_organisations(project)
        self.fields["target_groups"].queryset = project.target_groups.all()
        self.fields["area"].queryset = project.areas.all()
        self.fields["case_worker"].queryset = project_case_workers(project)
        self.fields["referred_on"].initial = today
        if user is not None:
            self.fields["case_worker"].initial = user.pk
        if not project.target_groups.exists():
            del self.fields["target_groups"]
        if not project.areas.exists():
            del self.fields["area"]

    def clean(self):
        from .registration import _validate_enrolment

        cleaned = super().clean()
        try:
            _validate_enrolment(project=self.project, enrolment_data=cleaned)
        except forms.ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in self.fields and name not in self.errors and name in cleaned:
                    self.add_error(name, messages)
                elif name not in self.fields:
                    self.add_error(None, messages)
        return cleaned


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_label(Consent, "withdrawn_on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for today."),
    )


def add_errors(form_or_forms, error: forms.ValidationError) -> None:
    """Put a service's ValidationError on the form(s) holding the named fields; the rest become
    errors of the first form as a whole."""
    forms_list = form_or_forms if isinstance(form_or_forms, list | tuple) else [form_or_forms]
    if not hasattr(error, "error_dict"):
        forms_list[0].add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        target = next((f for f in forms_list if name in f.fields), None)
        if target is None:
            forms_list[0].add_error(None, messages)
        else:
            target.add_error(name, messages)
