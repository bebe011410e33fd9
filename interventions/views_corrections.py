"""Correcting attendance (issue 11): the recordings of one participant in one intervention, and
a form to correct the hours of one recording or remove it, with a reason kept in the
participant's history. A provider reaches only the interventions their organisation runs and the
people placed in them (the same querysets as the attendance page); everything is saved by
interventions.services.correct_attendance."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.audit import log_action
from core.decorators import project_view
from participants.corrections import read_token, values_of, version_token
from participants.forms import CorrectionFormMixin

from . import services
from .models import AttendanceRecord
from .views import _participations

RECORD_FIELDS = ("held_on", "hours")


class AttendanceCorrectionForm(CorrectionFormMixin):
    hours = forms.DecimalField(
        label=gettext_lazy("Hours attended"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        help_text=gettext_lazy("0 if they did not attend."),
    )
    remove = forms.BooleanField(
        label=gettext_lazy("Remove this recording (it was recorded by mistake)"),
        required=False,
    )
    field_order = ["hours", "remove", "reason"]

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("remove")
            and cleaned.get("hours") is None
            and "hours" not in self.errors
        ):
            self.add_error("hours", _("Enter the hours attended, or tick “Remove”."))
        return cleaned


def _records_url(request, participation) -> str:
    return reverse(
        "interventions:participation_records",
        kwargs={"project_id": request.project.pk, "participation_id": participation.pk},
    )


@project_view("attendance.correct")
def participation_records(request, participation_id):
    """Every attendance recording of one participant in one intervention, newest first, each
    with a link to correct it."""
    participation = get_object_or_404(_participations(request), pk=participation_id)
    records = participation.attendance_records.select_related("session", "recorded_by").order_by(
        "-held_on", "-pk"
    )
    log_action(
        by=request.user,
        action="view",
        obj=participation,
        project=request.project,
        reason="attendance recordings",
    )
    return render(
        request,
        "interventions/participation_records.html",
        {
            "project": request.project,
            "participation": participation,
            "intervention": participation.intervention,
            "records": records,
            "recorded_total": sum(r.hours for r in records),
        },
    )


@project_view("attendance.correct")
@require_http_methods(["GET", "POST"])
def correct_attendance(request, participation_id, record_id):
    """Correct the hours of one recording, or remove it; the participant's attended hours change
    by the same difference."""
    participation = get_object_or_404(_participations(request), pk=participation_id)
    record = get_object_or_404(
        AttendanceRecord.objects.select_related("session"),
        pk=record_id,
        participation=participation,
    )
    back = _records_url(request, participation)
    if request.method == "POST":
        form = AttendanceCorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.correct_attendance(
                    by=request.user,
                    record=record,
                    hours=form.cleaned_data.get("hours"),
                    remove=form.cleaned_data.get("remove", False),
                    reason=form.cleaned_data["reason"],
                    expected=read_token(form.cleaned_data.get("original")),
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                fresh = AttendanceRecord.objects.filter(pk=record.pk).first()
                if fresh is not None:
                    data = form.data.copy()
                    data["original"] = version_token(values_of(fresh, RECORD_FIELDS))
                    form.data = data
            else:
                messages.success(
                    request,
                    _("The attendance is corrected and the change kept in the history."),
                )
                return redirect(back)
    else:
        form = AttendanceCorrectionForm(
            initial={
                "hours": record.hours,
                "original": version_token(values_of(record, RECORD_FIELDS)),
            }
        )
    return render(
        request,
        "interventions/correct_attendance.html",
        {
            "project": request.project,
            "participation": participation,
            "intervention": participation.intervention,
            "record": record,
            "form": form,
            "back_url": back,
        },
    )
