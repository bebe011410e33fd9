from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.clock import today

from .models import ALLOWED_TRANSITIONS, ContactNote, Enrolment, FollowUp, OutcomeStatus, Status
from .models import IncomeSource as IncomeSourceChoices
from .search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, NEXT_ACTION_DAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ExitForm(forms.ModelForm):
    """Record a participant's exit. Model validation names the field when the date is wrong."""

    class Meta:
        model = Enrolment
        fields = ["exited_on", "exit_reason", "exit_status", "exit_income_source"]
        widgets = {"exited_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True
        if not self.is_bound and not self.initial.get("exited_on"):
            self.initial["exited_on"] = today()

    def clean_exited_on(self):
        exited_on = self.cleaned_data["exited_on"]
        if exited_on and exited_on > today():
            raise ValidationError(
                _("An exit is recorded when it has happened: the date is in the future.")
            )
        return exited_on


# Set by their own workflows, never chosen in the status form.
NOT_IN_STATUS_FORM = frozenset({Status.EXITED, Status.FOLLOWED_UP})


def next_statuses(current: str) -> list[tuple[str, str]]:
    """The statuses the status form offers: the lifecycle's next steps, in the lifecycle's
    order, without exit (own form) and followed up (follows from the follow-ups)."""
    allowed = ALLOWED_TRANSITIONS.get(current, frozenset())
    return [
        (value, label) for value, label in Status.choices if value in allowed - NOT_IN_STATUS_FORM
    ]


class StatusChangeForm(forms.Form):
    """Change an enrolment's status. Every status is accepted here so that a stale form (two
    tabs, a double submission) reaches the lifecycle check, which says why it is refused."""

    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        offered = next_statuses(enrolment.status)
        self.fields["status"].widget.choices = offered
        self.offered = offered
        if not self.is_bound:
            self.initial.setdefault("on", today())


class NoteForm(forms.ModelForm):
    class Meta:
        model = ContactNote
        fields = ["happened_on", "kind", "visibility", "text"]
        widgets = {
            "happened_on": DateInput(),
            "text": forms.Textarea(attrs={"rows": 4}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("happened_on", today())


REACHED_CHOICES = [
    ("yes", _("Yes, reached")),
    ("no", _("No, could not be reached (non-response)")),
]


class FollowUpForm(forms.Form):
    """Record a follow-up. "Could not be reached" is a non-response, which is not the same as
    the status "unknown" (reached, but the situation is not known)."""

    reached = forms.TypedChoiceField(
        label=_("Was the participant reached?"),
        choices=REACHED_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", "—")] + list(OutcomeStatus.choices),
        required=False,
        help_text=_("Required when the participant was reached."),
    )
    income_source = forms.ChoiceField(
        label=_("Income source"),
        choices=[("", "—")] + list(IncomeSourceChoices.choices),
        required=False,
    )
    source = forms.ChoiceField(
        label=_("Source of the information"),
        choices=[("", "—")] + list(FollowUp.Source.choices),
        required=False,
        help_text=_("Required when the participant was reached."),
    )
    recorded_on = forms.DateField(label=_("Recorded on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("recorded_on", today())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reached") is True:
            if not cleaned.get("status"):
                self.add_error("status", _("Choose the participant's status."))
            if not cleaned.get("source"):
                self.add_error("source", _("Say where the information comes from."))
        return cleaned


SCOPE_MINE = "mine"
SCOPE_ALL = "all"
SORT_KEYS = {
    "name": _("Name"),
    "referred_on": _("Referred on"),
    "started_on": _("Started on"),
    "status": _("Status"),
}


class CaseListFilterForm(forms.Form):
    """The case list's name search and filters, sent as GET parameters so that a list can be
    bookmarked and its pages linked. A name typed into the search is in the address like any
    search term (the audit log records neither it nor the names shown); an identity number is
    never a GET parameter — it is searched for by POST (IdentityLookupForm)."""

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Given name, family name or part of them, at least two letters."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label=_("Show"),
        choices=[(SCOPE_MINE, _("My caseload")), (SCOPE_ALL, _("Everyone I may see"))],
        required=False,
        help_text=_(
            "My caseload: the participants you are responsible case worker for who are still in "
            "the project or have a follow-up left to record (or those with the status you "
            "choose)."
        ),
    )
    next_action = forms.BooleanField(
        label=_("Only those with a next action due"),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status"))] + list(Status.choices), required=False
    )
    intervention = forms.TypedChoiceField(
        label=_("Intervention"), coerce=int, empty_value=None, required=False
    )
    area = forms.TypedChoiceField(label=_("Area"), coerce=int, empty_value=None, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_action"].help_text = _(
            "A follow-up not yet recorded that is overdue or due within %(days)s days."
        ) % {"days": NEXT_ACTION_DAYS}
        self.fields["intervention"].choices = [("", _("Any intervention"))] + [
            (i.pk, i.name) for i in project.interventions.order_by("name")
        ]
        self.fields["area"].choices = [("", _("Any area"))] + [
            (a.pk, a.name) for a in project.areas.order_by("name")
        ]
        self.fields["sort"].choices = list(SORT_KEYS.items()) + [
            (f"-{key}", _("%(label)s, descending") % {"label": label})
            for key, label in SORT_KEYS.items()
        ]

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if any(character.isdigit() for character in query):
            # Most likely an identity number typed into the wrong box: refused (the view takes
            # it out of the address).
            self.query_has_digits = True
            raise ValidationError(
                _(
                    "A name has no digits. To find someone by personnummer or "
                    "samordningsnummer, use the field for the number."
                )
            )
        if query and len(query) < MIN_QUERY_LENGTH:
            raise ValidationError(_("Type at least two letters of the name to search."))
        return query


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    that field, else at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
