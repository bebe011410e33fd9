"""Views of the interventions app: the catalogue, placement and the provider's attendance.

A provider sees only the interventions their organisation runs (another provider's
intervention is a 404, its existence not revealed) and, of the participants, only the
attendance fields. Participants are reached only through enrolments/access.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from core import export
from core.audit import log_people_shown
from core.decorators import project_view
from core.policy import Capability, can, sees_people
from enrolments import exports
from enrolments.access import get_visible_enrolment

from . import services
from .forms import (
    GroupSessionForm,
    InterventionForm,
    PlacementForm,
    RecordHoursForm,
    shown_row_ids,
)
from .models import Intervention, Participation

PAGE_SIZE = 50


def _interventions(request):
    """The project's interventions this membership works with: a provider only their own."""
    return Intervention.objects.visible_to(request.membership)


def _with_places_taken(interventions):
    return interventions.annotate(
        places_taken=Count(
            "participations",
            filter=Q(participations__completion=Participation.Completion.ONGOING),
        )
    )


def _participations(request):
    """Participations the membership may record hours for: in its interventions, and of
    enrolments the one visibility queryset lets it see."""
    return (
        Participation.objects.visible_to(request.membership)
        .select_related("enrolment__participant", "intervention")
        .order_by("enrolment__participant__family_name", "enrolment__participant__given_name", "pk")
    )


def _attendance_intervention(request, intervention_id):
    return get_object_or_404(
        _with_places_taken(_interventions(request)).select_related(
            "category", "provider", "project"
        ),
        pk=intervention_id,
    )


def _log_list_read(request, intervention, reason, participations):
    """A page listing an intervention's participants reads each of them: one audit entry per
    person shown (core.audit.log_people_shown), the intervention named in the context."""
    log_people_shown(
        by=request.user,
        project=request.project,
        person_ids=[p.enrolment.participant_id for p in participations],
        reason=f"{reason}, intervention {intervention.pk}",
    )


def _shows_participant_links(request) -> bool:
    return sees_people(request.membership) and can(
        request.membership, Capability.INTERVENTIONS_VIEW_ALL
    )


# --- The catalogue ---------------------------------------------------------------------------


@project_view("interventions.view")
def catalogue(request):
    interventions = (
        _with_places_taken(_interventions(request))
        .select_related("category", "provider")
        .order_by("name")
    )
    if export.requested_format(request):
        return _catalogue_response(request, interventions)
    page = Paginator(interventions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "interventions/catalogue.html",
        {
            "project": request.project,
            "page": page,
            "is_provider": not can(request.membership, Capability.INTERVENTIONS_VIEW_ALL),
            "can_change": request.membership.has_capability("interventions.change"),
            "can_record": request.membership.has_capability("attendance.change"),
        },
    )


def _catalogue_response(request, interventions):
    """The catalogue as a file: every intervention the page lists (all its pages)."""
    columns = [
        export.Column("name", _("Name")),
        export.Column("category", _("Category")),
        export.Column("provider", _("Provider")),
        export.Column("starts_on", _("Starts"), export.DATE),
        export.Column("ends_on", _("Ends"), export.DATE),
        export.Column("places_taken", _("Places taken"), export.INTEGER),
        export.Column("capacity", _("Places"), export.INTEGER),
    ]
    rows = (
        [
            i.name,
            str(i.category) if i.category_id else "",
            str(i.provider) if i.provider_id else "",
            i.starts_on,
            i.ends_on,
            i.places_taken,
            i.capacity,
        ]
        for i in interventions.iterator(chunk_size=2000)
    )
    return export.response(
        request,
        name=_("Interventions"),
        columns=columns,
        rows=rows,
        fmt=export.requested_format(request),
        project=request.project,
    )


def _sessions_response(request, intervention, sessions):
    """Every group session of the intervention as a file (the page shows the last ten)."""
    columns = [
        export.Column("held_on", _("Date"), export.DATE),
        export.Column("length", _("Length (hours)"), export.DECIMAL),
        export.Column("attending", _("Attended"), export.INTEGER),
        export.Column("hours", _("Hours in all"), export.DECIMAL),
    ]
    rows = (
        [s.held_on, s.length_hours, s.attending, s.total_hours or 0]
        for s in sessions.iterator(chunk_size=2000)
    )
    return export.response(
        request,
        name=_("Group sessions %(intervention)s") % {"intervention": intervention.name},
        columns=columns,
        rows=rows,
        fmt=export.requested_format(request),
        project=request.project,
    )


def _intervention_form_page(request, form, intervention=None):
    return render(
        request,
        "interventions/intervention_form.html",
        {"project": request.project, "form": form, "intervention": intervention},
    )


@project_view("interventions.change")
def intervention_new(request):
    form = InterventionForm(
        request.POST if request.method == "POST" else None, project=request.project
    )
    if request.method == "POST" and form.is_valid():
        try:
            intervention = services.create_intervention(
                by=request.user, project=request.project, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The intervention %(name)s is saved.") % {"name": intervention.name}
            )
            return redirect("interventions:catalogue", project_id=request.project.pk)
    return _intervention_form_page(request, form)


@project_view("interventions.change")
def intervention_edit(request, intervention_id):
    intervention = get_object_or_404(
        Intervention.objects.filter(project=request.project), pk=intervention_id
    )
    form = InterventionForm(
        request.POST if request.method == "POST" else None,
        project=request.project,
        initial=InterventionForm.initial_from(intervention),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_intervention(
                by=request.user, intervention=intervention, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The intervention %(name)s is saved.") % {"name": intervention.name}
            )
            return redirect("interventions:catalogue", project_id=request.project.pk)
    return _intervention_form_page(request, form, intervention)


# --- Placement -------------------------------------------------------------------------------


def _after_placement_url(request, enrolment) -> str:
    try:
        return reverse(
            "enrolments:participant",
            kwargs={"project_id": request.project.pk, "enrolment_id": enrolment.pk},
        )
    except NoReverseMatch:
        return reverse("interventions:catalogue", kwargs={"project_id": request.project.pk})


@project_view("enrolments.change")
def place(request, enrolment_id):
    enrolment = get_visible_enrolment(request, enrolment_id)
    form = PlacementForm(
        request.POST if request.method == "POST" else None,
        project=request.project,
        initial={"started_on": enrolment.started_on, "planned_hours": 0},
    )
    placeable = enrolment.status in services.PLACEABLE_STATUSES
    # An enrolment that cannot be placed (exited, say) gets the reason and no form: a POST is
    # refused before the form is read.
    if request.method == "POST" and placeable and form.is_valid():
        try:
            participation = services.place_participant(
                by=request.user, enrolment=enrolment, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is placed in %(intervention)s.")
                % {"name": enrolment.participant, "intervention": participation.intervention},
            )
            return redirect(_after_placement_url(request, enrolment))
    return render(
        request,
        "interventions/place.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "placeable": placeable,
            "not_placeable_message": "" if placeable else services.not_placeable_message(enrolment),
        },
    )


# --- Attendance ------------------------------------------------------------------------------


@project_view("attendance.change")
def attendance(request, intervention_id):
    """The participants placed in one intervention with the attendance fields only, each row
    with a "Record hours" that opens its form in place (fetched from record_hours by htmx when
    opened; without JavaScript a link to the form's own page)."""
    intervention = _attendance_intervention(request, intervention_id)
    participations = _participations(request).filter(intervention=intervention)
    sessions = intervention.sessions.annotate(
        attending=Count("records", filter=Q(records__hours__gt=0)),
        total_hours=Sum("records__hours"),
    ).order_by("-held_on")
    if export.requested_format(request) and request.GET.get("table") == "sessions":
        return _sessions_response(request, intervention, sessions)
    if export.requested_format(request):
        completions = {value: str(label) for value, label in Participation.Completion.choices}
        return exports.attendance_response(request, intervention, participations, completions)
    page = Paginator(participations, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each row's form is fetched when its "Record hours" is opened (record_hours, htmx): fifty
    # rows of four form fields were most of the page's time (docs/performance.md).
    rows = [(p, None) for p in page]
    sessions = sessions[:10]
    _log_list_read(request, intervention, "attendance list", page.object_list)
    return render(
        request,
        "interventions/attendance.html",
        {
            "project": request.project,
            "intervention": intervention,
            "page": page,
            "rows": rows,
            "sessions": sessions,
            "participant_links": _shows_participant_links(request),
        },
    )


def _status_after_recording(participation) -> str:
    return _("Saved for %(name)s: %(hours)s hours attended in all, %(completion)s.") % {
        "name": participation.enrolment.participant,
        "hours": services.format_hours(participation.attended_hours),
        "completion": participation.get_completion_display().lower(),
    }


@project_view("attendance.change")
@vary_on_headers("HX-Request")
def record_hours(request, participation_id):
    """Record one participant's hours or completion. GET: the form on its own page, or for htmx
    (an attendance row's "Record hours" just opened) the form alone. POST: htmx gets the updated
    row (and the status line); without JavaScript it redirects back to the attendance page."""
    participation = get_object_or_404(_participations(request), pk=participation_id)
    intervention = participation.intervention
    attendance_url = reverse(
        "interventions:attendance",
        kwargs={"project_id": request.project.pk, "intervention_id": intervention.pk},
    )
    status = ""
    if request.method == "POST":
        form = RecordHoursForm(request.POST, participation=participation)
        if form.is_valid():
            try:
                participation = services.record_hours(
                    by=request.user, participation=participation, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                status = _status_after_recording(participation)
                if not request.htmx:
                    messages.success(request, status)
                    return redirect(attendance_url)
                form = RecordHoursForm(participation=participation)
        if form.errors:
            status = _("Not saved for %(name)s: see the errors in the row.") % {
                "name": participation.enrolment.participant
            }
        if request.htmx:
            return render(
                request,
                "interventions/_record_hours_response.html",
                {
                    "project": request.project,
                    "participation": participation,
                    "form": form,
                    "status": status,
                    "open": True,
                    "participant_links": _shows_participant_links(request),
                },
            )
    else:
        form = RecordHoursForm(participation=participation)
        _log_list_read(request, intervention, "attendance form", [participation])
        if request.htmx:  # the form of an attendance row just opened
            return render(
                request,
                "interventions/_record_hours_form.html",
                {"project": request.project, "participation": participation, "form": form},
            )
    return render(
        request,
        "interventions/record_hours.html",
        {
            "project": request.project,
            "intervention": intervention,
            "participation": participation,
            "form": form,
            "attendance_url": attendance_url,
        },
    )


@project_view("attendance.change")
def group_session(request, intervention_id):
    """One form for a whole session: every ongoing participant in one transaction."""
    intervention = _attendance_intervention(request, intervention_id)
    participations = _participations(request).filter(
        intervention=intervention, completion=Participation.Completion.ONGOING
    )
    if request.method == "POST":
        shown = shown_row_ids(request.POST)
        if shown:
            participations = participations.filter(pk__in=shown)
        form = GroupSessionForm(request.POST, participations=participations)
        if form.is_valid():
            try:
                session = services.record_group_session(
                    by=request.user,
                    intervention=intervention,
                    held_on=form.cleaned_data["held_on"],
                    length_hours=form.cleaned_data["length_hours"],
                    rows=form.resolved_rows(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The session on %(date)s is recorded for %(count)s participants.")
                    % {
                        "date": session.held_on.strftime("%Y-%m-%d"),
                        "count": len(form.participations),
                    },
                )
                return redirect(
                    "interventions:attendance",
                    project_id=request.project.pk,
                    intervention_id=intervention.pk,
                )
    else:
        form = GroupSessionForm(participations=participations)
        _log_list_read(request, intervention, "group session form", form.participations)
    return render(
        request,
        "interventions/group_session.html",
        {"project": request.project, "intervention": intervention, "form": form},
    )
