"""Forms of the project settings (core/views_settings.py). They parse what the manager typed;
the rules that need the database (one membership per person, the last manager, a partner's
staff, areas other projects share, target groups in use) are in core/services_settings.py, whose
errors the views add to these forms under the same field names."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import clock
from .models import Area, Membership, Municipality, Organisation, ProjectPartner, Role, TargetGroup
from .services_settings import staff_organisations


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _label(model, field):
    return capfirst(model._meta.get_field(field).verbose_name)


def _model_field(model, name, **kwargs):
    """The model field's form field (its label, length and validators), with `kwargs`."""
    field = model._meta.get_field(name).formfield(**kwargs)
    field.label = capfirst(field.label)
    return field


class _StaffFields(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Works for"),
        queryset=Organisation.objects.none(),
        help_text=_("The project owner or one of its partners."),
    )
    role = forms.ChoiceField(
        label=_label(Membership, "role"),
        choices=[("", "---------"), *Role.choices],
        help_text=_("Evaluators and the steering group see figures only, never a person's record."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = staff_organisations(project)


class AddMemberForm(_StaffFields):
    """An existing user, found by their exact user name or e-mail address (no list of every
    user of the installation)."""

    user = forms.CharField(
        label=_("User name or e-mail address"),
        max_length=254,
        help_text=_("Exactly as in their account. No account yet? Create a new user instead."),
    )

    field_order = ["user", "organisation", "role"]

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        User = get_user_model()
        found = list(User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value))[:3])
        by_name = [user for user in found if user.username.lower() == value.lower()]
        if by_name:
            found = by_name
        if not found:
            raise forms.ValidationError(
                _(
                    "No user has this user name or e-mail address. Check the spelling, or create "
                    "a new user."
                ),
                code="unknown",
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several users have this e-mail address: enter the user name instead."),
                code="ambiguous",
            )
        if not found[0].is_active:
            raise forms.ValidationError(
                _("This user account is switched off. An administrator can switch it on again."),
                code="inactive",
            )
        if found[0].is_staff or found[0].is_superuser:
            raise forms.ValidationError(
                _(
                    "This is an administrator's account; administrators give it memberships in "
                    "the administration pages."
                ),
                code="administrator",
            )
        return found[0]


class NewUserForm(_StaffFields):
    """A new user account and their membership. The account gets no password: the manager is
    shown a link once by which the new user sets their own."""

    username = _model_field(
        get_user_model(),
        "username",
        validators=[get_user_model().username_validator],
    )
    first_name = _model_field(get_user_model(), "first_name", required=True)
    last_name = _model_field(get_user_model(), "last_name", required=True)
    email = _model_field(get_user_model(), "email", required=True)

    field_order = ["username", "first_name", "last_name", "email", "organisation", "role"]

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def clean_email(self):
        return self.cleaned_data["email"].strip()


class MembershipForm(_StaffFields):
    """A member's organisation and role."""


class PartnerForm(forms.Form):
    """A partner's part in the project. With `adding`, also which organisation: an existing one
    from the list, or a new one (NewOrganisationForm, beside it)."""

    organisation = forms.ModelChoiceField(
        label=_("Existing organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Or leave empty and enter a new organisation below."),
    )
    is_partner = forms.BooleanField(label=_label(ProjectPartner, "is_partner"), required=False)
    is_co_financier = forms.BooleanField(
        label=_label(ProjectPartner, "is_co_financier"), required=False
    )
    amount = forms.DecimalField(
        label=_label(ProjectPartner, "amount"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("In kronor, for a co-financier. Leave empty if not decided."),
    )
    confirmed_on = forms.DateField(
        label=_label(ProjectPartner, "confirmed_on"),
        required=False,
        widget=DateInput(),
        help_text=_("When the partner confirmed taking part. Leave empty until they have."),
    )

    def __init__(self, *args, project, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["organisation"].queryset = Organisation.objects.exclude(
                pk__in=project.partners.values("organisation_id")
            ).order_by("name")
        else:
            del self.fields["organisation"]

    def clean_confirmed_on(self):
        value = self.cleaned_data.get("confirmed_on")
        if value and value > clock.today():
            raise forms.ValidationError(
                _("The confirmation date cannot be later than today."), code="future"
            )
        return value

    def clean(self):
        data = super().clean()
        if not (data.get("is_partner") or data.get("is_co_financier")):
            self.add_error("is_partner", _("Tick partner, co-financier or both."))
        return data


class NewOrganisationForm(forms.Form):
    """A new organisation, when the partner is not in the list yet (prefix "new")."""

    name = forms.CharField(label=_("Name of the new organisation"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_label(Organisation, "kind"),
        choices=[("", "---------"), *Organisation.Kind.choices],
        required=False,
    )
    organisation_number = forms.CharField(
        label=_label(Organisation, "organisation_number"),
        max_length=13,
        required=False,
        help_text=Organisation._meta.get_field("organisation_number").help_text,
    )

    def is_filled(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(name) for name in ("name", "kind", "organisation_number"))

    def clean(self):
        data = super().clean()
        if any(data.get(name) for name in ("kind", "organisation_number")) and not data.get("name"):
            self.add_error("name", _("Enter the new organisation's name."))
        if data.get("name") and not data.get("kind"):
            self.add_error("kind", _("Choose what kind of organisation it is."))
        return data


class AreaForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_label(Area, "municipality"), queryset=Municipality.objects.order_by("name")
    )
    name = forms.CharField(
        label=_label(Area, "name"),
        max_length=120,
        help_text=_("A neighbourhood or city district, e.g. Herrgården."),
    )
    district = forms.CharField(label=_label(Area, "district"), max_length=120, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # The project's own municipalities first: the ones a manager is most likely to want.
        own = list(project.municipalities.order_by("name"))
        if own and not self.is_bound and "municipality" not in self.initial:
            self.initial["municipality"] = own[0].pk

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class TargetGroupForm(forms.Form):
    code = forms.SlugField(
        label=_label(TargetGroup, "code"),
        max_length=60,
        help_text=_(
            "Letters, digits and hyphens, e.g. young-adults. Goals name the target group by its "
            "code, so it cannot be changed later."
        ),
    )
    name = forms.CharField(label=_label(TargetGroup, "name"), max_length=200)
    name_en = forms.CharField(label=_label(TargetGroup, "name_en"), max_length=200, required=False)
    description = forms.CharField(
        label=_label(TargetGroup, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["code"]


class RetentionForm(forms.Form):
    """The project's retention period after its end (core/retention.py); empty: the
    installation's."""

    retention_months = forms.IntegerField(
        label=_("Retention after the project ends (months)"),
        required=False,
        min_value=0,
        max_value=240,
        help_text=_(
            "Personal data is anonymised this many months after the end of the project's "
            "period. Empty: the installation's retention period."
        ),
    )
