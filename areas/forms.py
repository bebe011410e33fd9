"""The area programme's forms: context statistics, local initiatives and households.

Every choice is limited to the project: the areas of the project and, for a programme, of its
parts (figures.area_choices); a household's contact among the project's staff; its members
among the participants the reader may see who are enrolled in the project and belong to no
other household. ModelForms, so the models' own rules (`clean()`, constraints) run as well."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.clock import today
from core.forms import DateInput
from core.models import AreaStatistic, LocalInitiative, Organisation
from core.validators import clean_text
from participants.models import Household, Participant

from .figures import area_choices, areas_kept_by

FIRST_YEAR, LAST_YEAR = 1960, 2100


def _percent_error():
    return gettext("A share is a per cent between 0 and 100.")


class AreaStatisticForm(forms.ModelForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "min_value": _("Give the year with four digits, e.g. 2014."),
            "max_value": _("Give the year with four digits, e.g. 2014."),
        },
    )

    class Meta:
        model = AreaStatistic
        fields = [
            "area",
            "year",
            "population_20_64",
            "employment_rate",
            "social_assistance_share",
            "source",
        ]
        help_texts = {
            "employment_rate": _("Per cent of the population aged 20–64, e.g. 48.5."),
            "social_assistance_share": _("Per cent of the population aged 20–64, e.g. 12.5."),
            "source": _(
                "Where the figures come from, e.g. Statistics Sweden or the city's area statistics."
            ),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_kept_by(project)
        self.fields["area"].empty_label = None

    def _percent(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_percent_error(), code="percent")
        return value

    def clean_employment_rate(self):
        return self._percent("employment_rate")

    def clean_social_assistance_share(self):
        return self._percent("social_assistance_share")

    def clean_source(self):
        return clean_text(self.cleaned_data.get("source", ""))

    def clean(self):
        data = super().clean()
        area, year = data.get("area"), data.get("year")
        if area is not None and year is not None:
            others = AreaStatistic.objects.filter(area=area, year=year).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "year",
                    gettext("%(area)s already has statistics for %(year)s: change those instead.")
                    % {"area": area.name, "year": year},
                )
        if (
            not any(
                data.get(name) not in (None, "")
                for name in ("population_20_64", "employment_rate", "social_assistance_share")
            )
            and not self.has_error("employment_rate")
            and not self.has_error("social_assistance_share")
        ):
            self.add_error(None, gettext("Give at least one of the figures."))
        return data

    def validate_unique(self):
        """The one area and year is checked in clean(), with a message at the year."""


class LocalInitiativeForm(forms.ModelForm):
    budget = forms.DecimalField(
        label=_("Budget (SEK)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=0,
        error_messages={"min_value": _("The budget cannot be negative.")},
        help_text=_("In whole kronor. Leave empty if not decided."),
    )

    class Meta:
        model = LocalInitiative
        fields = ["area", "title", "description", "organisation", "budget", "starts_on", "ends_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
        help_texts = {"ends_on": _("Leave empty while it goes on.")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = area_choices(project)
        self.fields["area"].empty_label = None
        ids = project.counted_project_ids()
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(
                Q(owned_projects__in=ids)
                | Q(projectpartner__project_id__in=ids)
                | Q(pk=self.instance.organisation_id or 0)
            )
            .distinct()
            .order_by("name")
        )
        self.fields["organisation"].help_text = _(
            "The project owner or one of the partners (of the programme or its parts)."
        )

    def clean_title(self):
        return clean_text(self.cleaned_data.get("title", ""))

    def clean_description(self):
        return clean_text(self.cleaned_data.get("description", ""), multiline=True)


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class HouseholdForm(forms.ModelForm):
    """A household and its members. `choosable`: the participants that may be chosen (see the
    module's docstring); `hidden_members`: members of the household the reader may not see,
    kept as they are."""

    adults = forms.IntegerField(
        label=_("Adults"),
        min_value=1,
        max_value=20,
        error_messages={"min_value": _("A household has at least one adult.")},
    )
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=30, initial=0)
    members = MemberChoiceField(
        label=_("Members"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The adults of the household who are participants. Whether the household became "
            "self-sufficient is read from their exits."
        ),
    )

    class Meta:
        model = Household
        fields = [
            "reference",
            "area",
            "adults",
            "children",
            "long_term_social_assistance",
            "contacted_on",
            "contact_worker",
        ]
        widgets = {"contacted_on": DateInput()}
        help_texts = {
            "reference": _(
                "The household's reference in the project, e.g. SEG-2014-001. Never a name."
            ),
        }

    def __init__(self, *args, project, choosable, hidden_members=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.hidden_members = hidden_members
        self.fields["area"].queryset = areas = area_choices(project)
        if self.instance.pk is None and not self.is_bound and len(areas) == 1:
            self.initial["area"] = areas[0].pk  # an area part's own area
        self.fields["contact_worker"].queryset = (
            get_user_model()
            .objects.filter(memberships__project=project)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["contact_worker"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
        self.fields["contact_worker"].help_text = _("A member of the project's staff.")
        self.fields["members"].queryset = choosable
        if self.instance.pk and not self.is_bound:
            self.initial["members"] = list(
                choosable.filter(household=self.instance).values_list("pk", flat=True)
            )

    def clean_reference(self):
        reference = clean_text(self.cleaned_data.get("reference", ""))
        others = Household.objects.filter(project=self.project, reference=reference)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if reference and others.exists():
            raise forms.ValidationError(
                gettext("The project already has a household %(reference)s.")
                % {"reference": reference}
            )
        return reference

    def clean_contacted_on(self):
        value = self.cleaned_data.get("contacted_on")
        if value and value > today():
            raise forms.ValidationError(gettext("The first contact cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        members = data.get("members")
        if "members" not in self.errors:
            chosen = len(members or []) + self.hidden_members
            if not chosen:
                self.add_error(
                    "members",
                    gettext(
                        "Choose at least one member: a household without a registered member "
                        "cannot be followed."
                    ),
                )
            adults = data.get("adults")
            if adults and chosen > adults:
                self.add_error(
                    "members",
                    gettext(
                        "%(chosen)s members are chosen, but the household has %(adults)s "
                        "adults: change the number of adults or the members."
                    )
                    % {"chosen": chosen, "adults": adults},
                )
        return data
