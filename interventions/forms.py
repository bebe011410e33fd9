"""Forms of the interventions app. They parse what the user typed; the rules that need the
database (capacity, periods, one session a day) live in services.py, whose errors the views add
to these forms under the same field names."""

from django import forms
from django.db.models import Count, Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.models import Organisation

from .models import AttendanceSession, Intervention, InterventionCategory, Participation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _label(model, field):
    return capfirst(model._meta.get_field(field).verbose_name)


class HoursForm(forms.ModelForm):
    """Planned and attended hours of one participant in one intervention."""

    class Meta:
        model = Participation
        fields = ["planned_hours", "attended_hours", "completion", "ended_on"]
        widgets = {"ended_on": forms.DateInput(attrs={"type": "date"})}


class InterventionForm(forms.Form):
    """An intervention of the project's catalogue (checked against the project in services)."""

    name = forms.CharField(label=_label(Intervention, "name"), max_length=200)
    category = forms.ModelChoiceField(
        label=_label(Intervention, "category"), queryset=InterventionCategory.objects.all()
    )
    provider = forms.ModelChoiceField(
        label=_label(Intervention, "provider"),
        queryset=Organisation.objects.order_by("name"),
        help_text=_("The organisation that runs it; its staff record the attendance."),
    )
    description = forms.CharField(
        label=_label(Intervention, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(
        label=_label(Intervention, "starts_on"), required=False, widget=DateInput()
    )
    ends_on = forms.DateField(
        label=_label(Intervention, "ends_on"), required=False, widget=DateInput()
    )
    capacity = forms.IntegerField(
        label=_label(Intervention, "capacity"),
        required=False,
        min_value=1,
        help_text=_("How many can take part at the same time. Leave empty for no limit."),
        error_messages={"min_value": _("Give at least one place, or leave empty for no limit.")},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        period = _("Within the project period, %(start)s – %(end)s.") % {
            "start": project.starts_on.strftime("%Y-%m-%d"),
            "end": project.ends_on.strftime("%Y-%m-%d"),
        }
        self.fields["starts_on"].help_text = period
        self.fields["ends_on"].help_text = period

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The intervention cannot end before it starts."))
        return data

    @classmethod
    def initial_from(cls, intervention: Intervention) -> dict:
        return {
            "name": intervention.name,
            "category": intervention.category_id,
            "provider": intervention.provider_id,
            "description": intervention.description,
            "starts_on": intervention.starts_on,
            "ends_on": intervention.ends_on,
            "capacity": intervention.capacity,
        }


class InterventionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.capacity is None:
            return gettext("%(name)s — %(taken)s taking part") % {
                "name": obj.name,
                "taken": obj.places_taken,
            }
        return gettext("%(name)s — %(taken)s of %(capacity)s places taken") % {
            "name": obj.name,
            "taken": obj.places_taken,
            "capacity": obj.capacity,
        }


class PlacementForm(forms.Form):
    intervention = InterventionChoiceField(
        label=_label(Participation, "intervention"), queryset=Intervention.objects.none()
    )
    started_on = forms.DateField(label=_label(Participation, "started_on"), widget=DateInput())
    planned_hours = forms.DecimalField(
        label=_label(Participation, "planned_hours"),
        max_digits=7,
        decimal_places=1,
        min_value=0,
        initial=0,
        error_messages={"min_value": _("The planned hours cannot be negative.")},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = (
            Intervention.objects.filter(project=project)
            .annotate(
                places_taken=Count(
                    "participations",
                    filter=Q(participations__completion=Participation.Completion.ONGOING),
                )
            )
            .order_by("name")
        )


class RecordHoursForm(forms.Form):
    """One participant's row on the attendance page: hours to add for a date, and/or the
    completion with an end date. Prefixed with the participation so ids are unique per row."""

    held_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours to add"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        error_messages={"min_value": _("The hours cannot be negative.")},
    )
    completion = forms.ChoiceField(
        label=_label(Participation, "completion"), choices=Participation.Completion.choices
    )
    ended_on = forms.DateField(
        label=_label(Participation, "ended_on"),
        required=False,
        widget=DateInput(),
        help_text=_("When completed or interrupted."),
    )

    def __init__(self, *args, participation: Participation, **kwargs):
        kwargs.setdefault("prefix", f"p{participation.pk}")
        kwargs.setdefault(
            "initial",
            {
                "held_on": clock.today(),
                "completion": participation.completion,
                "ended_on": participation.ended_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.participation = participation
        if participation.completion != Participation.Completion.ENDED:
            # "Ended at exit" is set by the exit, never chosen.
            self.fields["completion"].choices = [
                (value, label)
                for value, label in Participation.Completion.choices
                if value != Participation.Completion.ENDED
            ]


def shown_row_ids(data) -> set[int] | None:
    """The participation ids a submitted group-session form was shown with (None: unknown)."""
    try:
        return {int(value) for value in data.get("row_ids", "").split(",") if value.strip()}
    except ValueError:
        return None


class GroupSessionForm(forms.Form):
    """One form for a whole session: the date, its length and one row per participant."""

    held_on = forms.DateField(label=_label(AttendanceSession, "held_on"), widget=DateInput())
    length_hours = forms.DecimalField(
        label=_label(AttendanceSession, "length_hours"),
        max_digits=3,
        decimal_places=1,
        max_value=24,
        error_messages={"max_value": _("The session's length cannot exceed 24 hours.")},
    )

    # The rows the form was shown with, so that someone placed between showing and saving the
    # form is not recorded as having attended.
    row_ids = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, participations, **kwargs):
        kwargs.setdefault("initial", {"held_on": clock.today()})
        super().__init__(*args, **kwargs)
        self.participations = list(participations)
        self.initial["row_ids"] = ",".join(str(p.pk) for p in self.participations)
        for participation in self.participations:
            name = str(participation.enrolment.participant)

            def row(message, name=name):
                return gettext("Row for %(name)s: %(problem)s") % {
                    "name": name,
                    "problem": message,
                }

            self.fields[f"hours_{participation.pk}"] = forms.DecimalField(
                label=gettext("Hours attended by %(name)s") % {"name": name},
                required=False,
                min_value=0,
                max_digits=4,
                decimal_places=1,
                error_messages={
                    "invalid": row(gettext("enter the hours as a number.")),
                    "min_value": row(gettext("the hours cannot be negative.")),
                    "max_digits": row(gettext("the hours exceed the session's length.")),
                    "max_whole_digits": row(gettext("the hours exceed the session's length.")),
                    "max_decimal_places": row(gettext("give the hours with at most one decimal.")),
                },
            )
            self.fields[f"absent_{participation.pk}"] = forms.BooleanField(
                label=gettext("%(name)s did not attend") % {"name": name}, required=False
            )

    def rows(self):
        """(participation, bound hours field, bound absent field) per participant."""
        return [(p, self[f"hours_{p.pk}"], self[f"absent_{p.pk}"]) for p in self.participations]

    def clean_length_hours(self):
        length = self.cleaned_data["length_hours"]
        if length is not None and length <= 0:
            raise forms.ValidationError(_("The session's length must be more than 0 hours."))
        return length

    def clean(self):
        # Every wrong row is named at once, not only the first kind of mistake: the rules that
        # need no database are checked here as well as in services.record_group_session.
        from .services import format_hours, row_error

        data = super().clean()
        length = data.get("length_hours")
        for participation in self.participations:
            key = f"hours_{participation.pk}"
            absent = data.get(f"absent_{participation.pk}")
            hours = data.get(key)
            if absent and hours:
                problem = gettext("marked as not attending, but hours are entered.")
                self.add_error(key, row_error(participation, problem))
            elif hours is not None and length and hours > length:
                problem = gettext("the hours exceed the session's length of %(length)s.") % {
                    "length": format_hours(length)
                }
                self.add_error(key, row_error(participation, problem))
        return data

    def error_summary(self):
        """(anchor id or None, text) per error: a row's error already names the row."""
        items = [(None, error) for error in self.non_field_errors()]
        for name in ("held_on", "length_hours"):
            field = self[name]
            items += [(field.id_for_label, f"{field.label}: {error}") for error in field.errors]
        for _participation, hours, absent in self.rows():
            items += [(hours.id_for_label, error) for error in hours.errors]
            items += [(absent.id_for_label, error) for error in absent.errors]
        return items

    def resolved_rows(self):
        """(participation, hours) for the service: "did not attend" is 0, an empty row the
        whole session."""
        length = self.cleaned_data.get("length_hours")
        rows = []
        for participation in self.participations:
            if self.cleaned_data.get(f"absent_{participation.pk}"):
                hours = 0
            else:
                hours = self.cleaned_data.get(f"hours_{participation.pk}")
                if hours is None:
                    hours = length
            rows.append((participation, hours))
        return rows
