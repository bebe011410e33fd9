"""Correction forms of the enrolments app: an enrolment's details, its exit, a recorded
follow-up, and a new version of a consent. Each is the form that first recorded the data, with
the current values filled in, plus the reason and the concurrency token
(participants.forms.CorrectionFormMixin)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.forms import CorrectionFormMixin

from .forms import ExitForm, FollowUpForm
from .intake_forms import ConsentForm, EnrolmentForm, add_errors
from .services import ENROLMENT_CORRECTABLE, EXIT_CORRECTABLE, FOLLOW_UP_CORRECTABLE


class EnrolmentCorrectionForm(CorrectionFormMixin, EnrolmentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].help_text = _(
            "The date the participant started. A participant who has not started gets a start "
            "through “Change the status”."
        )
        self.order_fields([*ENROLMENT_CORRECTABLE, "reason"])

    def values(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ENROLMENT_CORRECTABLE
            if name in self.fields
        }


class ExitCorrectionForm(CorrectionFormMixin, ExitForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["original"].required = False

    def _post_clean(self):
        # Checked by the service against the saved enrolment; the instance stays as saved.
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EXIT_CORRECTABLE}


class FollowUpCorrectionForm(CorrectionFormMixin, FollowUpForm):
    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in FOLLOW_UP_CORRECTABLE}


class ConsentChangeForm(ConsentForm):
    """A new version of a consent: the organisations and purposes as they are now, and the date
    the participant gave the changed consent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].help_text = _(
            "Tick the organisations the participant now allows to see their data in this "
            "project. Only these will see them once the new version is saved."
        )
        self.fields["given_on"].label = _("The participant gave the changed consent on")

    def clean(self):
        from .registration import _validate_consent

        cleaned = forms.Form.clean(self)
        if self.errors:
            return cleaned
        try:
            # A narrower consent may leave out the recorder's own organisation.
            _validate_consent(project=self.project, membership=None, consent_data=cleaned)
        except forms.ValidationError as error:
            add_errors(self, error)
        return cleaned
