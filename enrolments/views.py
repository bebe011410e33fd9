"""Views of the enrolments app: the case list, the participant page with its timeline, status
changes, exit, contact notes and the follow-up worklist.

Every read of participant data goes through enrolments.access (the one visibility queryset);
every write goes through enrolments.services. htmx requests to the inline actions (status,
notes, showing the identity number) get a fragment of the same URL; without JavaScript the
same forms POST and redirect back.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Subquery, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.audit import log_action
from core.clock import today
from core.decorators import project_view
from core.policy import Capability, can

from . import services
from .access import get_visible_enrolment, visible_enrolments
from .forms import (
    SCOPE_ALL,
    SCOPE_MINE,
    CaseListFilterForm,
    ExitForm,
    FollowUpForm,
    NoteForm,
    StatusChangeForm,
    apply_errors,
)
from .models import OPEN_STATUSES, Enrolment, FollowUp, Status
from .timeline import build_timeline, other_enrolments

PAGE_SIZE = 25
DUE_SOON_DAYS = 14


def _participant_url(request, enrolment) -> str:
    return reverse(
        "enrolments:participant",
        kwargs={"project_id": request.project.pk, "enrolment_id": enrolment.pk},
    )


def _worklist_url(request) -> str:
    return reverse("enrolments:follow_up_worklist", kwargs={"project_id": request.project.pk})


def _can_change(request) -> bool:
    return request.membership.has_capability("enrolments.change")


def _log_list_read(request, what: str, *pages) -> None:
    """A list of participants is a read of their names: log who looked at which list and how
    many rows it showed (never the names or the filter values)."""
    rows = sum(len(page.object_list) for page in pages)
    if rows:
        log_action(
            by=request.user,
            action="view",
            object_type="enrolments.Enrolment",
            project=request.project,
            reason=f"{what}: {rows} rows",
        )


def _page(request, queryset, param: str = "page"):
    """One page of PAGE_SIZE rows, cut by the database, with links to the neighbouring pages
    that keep every other GET parameter (the filters, the other lists' pages)."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))

    def query(number):
        params = request.GET.copy()
        params[param] = number
        return "?" + params.urlencode()

    page.previous_query = query(page.previous_page_number()) if page.has_previous() else ""
    page.next_query = query(page.next_page_number()) if page.has_next() else ""
    return page


# --- Case list ---------------------------------------------------------------------------------

STATUS_ORDER = Case(
    *(When(status=value, then=index) for index, value in enumerate(Status.values)),
    output_field=IntegerField(),
)
SORT_COLUMNS = {
    "name": [
        F("participant__is_anonymous"),
        F("participant__family_name"),
        F("participant__given_name"),
    ],
    "referred_on": [F("referred_on")],
    "started_on": [F("started_on")],
    "status": [STATUS_ORDER],
}


def _ordering(sort: str) -> list:
    """ORDER BY for a whitelisted sort key; a leading "-" means descending."""
    descending = sort.startswith("-")
    columns = SORT_COLUMNS.get(sort.lstrip("-"), SORT_COLUMNS["name"])
    if descending:
        return [c.desc(nulls_last=True) for c in columns] + [F("pk").desc()]
    return [c.asc(nulls_last=True) for c in columns] + [F("pk").asc()]


@project_view("enrolments.view")
def case_list(request):
    """The case worker's participants. By default "my active participants" (responsible case
    worker = me, an open status) for a case worker, everything visible for others; filters
    and sort come as GET parameters without personal data, pages are cut on the server."""
    own_caseload = can(request.membership, Capability.ENROLMENTS_OWN_CASELOAD)
    default_scope = SCOPE_MINE if own_caseload else SCOPE_ALL
    params = request.GET.copy()
    params.setdefault("scope", default_scope)
    form = CaseListFilterForm(params, project=request.project)
    form.is_valid()
    # A tampered or stale parameter is ignored (and named in the form); the valid ones apply.
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    scope = data.get("scope") or default_scope
    status = data.get("status") or ""
    sort = data.get("sort") or "name"

    enrolments = visible_enrolments(request).select_related("participant", "case_worker")
    if scope == SCOPE_MINE:
        enrolments = enrolments.filter(case_worker=request.user)
        if not status:
            enrolments = enrolments.filter(status__in=OPEN_STATUSES)
    if status:
        enrolments = enrolments.filter(status=status)
    if data.get("intervention"):
        enrolments = enrolments.filter(
            Exists(
                Enrolment.objects.filter(
                    pk=OuterRef("pk"), participations__intervention_id=data["intervention"]
                )
            )
        )
    if data.get("area"):
        enrolments = enrolments.filter(area_id=data["area"])
    next_due = (
        FollowUp.objects.filter(enrolment_id=OuterRef("pk"), recorded_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    enrolments = enrolments.annotate(next_follow_up_on=Subquery(next_due)).order_by(
        *_ordering(sort)
    )
    page = _page(request, enrolments)
    _log_list_read(request, "case list", page)
    return render(
        request,
        "enrolments/case_list.html",
        {
            "project": request.project,
            "form": form,
            "page": page,
            "scope": scope,
            "sort": sort,
            "today": today(),
        },
    )


# --- The participant page and its timeline ---------------------------------------------------


def _masked_identity(participant) -> str:
    number = participant.identity_number()
    return f"{number.digits[:8]}-••••" if number else ""


def _status_context(request, enrolment, form=None, message=""):
    return {
        "project": request.project,
        "enrolment": enrolment,
        "status_form": form or StatusChangeForm(enrolment=enrolment),
        "status_message": message,
        "can_change": _can_change(request),
        "can_exit": enrolment.status in services.EXITABLE_STATUSES,
    }


def _participant_context(request, enrolment, **extra):
    covered, uncovered_count = other_enrolments(request, enrolment)
    # The same person's other enrolments in this project (an earlier one, before a
    # re-enrolment), through the one visibility queryset.
    same_project = (
        visible_enrolments(request)
        .filter(participant_id=enrolment.participant_id)
        .exclude(pk=enrolment.pk)
        .order_by("-referred_on", "-pk")
    )
    context = {
        "same_project_enrolments": list(same_project),
        **_status_context(request, enrolment),
        "participant": enrolment.participant,
        "timeline": build_timeline(request, enrolment),
        "today": today(),
        "note_form": NoteForm(),
        "other_enrolments": covered,
        "uncovered_count": uncovered_count,
        "masked_identity": (
            _masked_identity(enrolment.participant)
            if not enrolment.participant.is_anonymous
            else ""
        ),
        "identity_number": None,
        "consents": enrolment.participant.consents.filter(project=request.project)
        .select_related("recorded_by")
        .prefetch_related("organisations"),
        "can_change_participants": request.membership.has_capability("participants.change"),
    }
    context.update(extra)
    return context


@project_view("enrolments.view")
@require_http_methods(["GET", "POST"])
def participant(request, enrolment_id):
    """The page a case worker opens before a meeting: who, where in the lifecycle, and one
    timeline of everything. The identity number is masked; showing it is a POST, logged as a
    read of its own."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    person = enrolment.participant
    identity_number = None
    if request.method == "POST":
        if "show_identity_number" not in request.POST or person.is_anonymous:
            return redirect(_participant_url(request, enrolment))
        number = person.identity_number()
        identity_number = number.formatted() if number else None
        log_action(
            by=request.user,
            action="view",
            obj=person,
            project=request.project,
            fields=["identity_number"],
            reason="identity number shown",
        )
        if request.htmx:
            return render(
                request,
                "enrolments/_identity.html",
                {
                    "project": request.project,
                    "enrolment": enrolment,
                    "participant": person,
                    "identity_number": identity_number,
                },
            )
    return render(
        request,
        "enrolments/participant.html",
        _participant_context(request, enrolment, identity_number=identity_number),
    )


# --- Status ------------------------------------------------------------------------------------


@project_view("enrolments.change")
@require_http_methods(["GET", "POST"])
def change_status(request, enrolment_id):
    """Move the enrolment to one of its allowed next statuses. htmx: the status block is
    swapped in place and the timeline updated; without JavaScript: POST, redirect back."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    form = StatusChangeForm(request.POST or None, enrolment=enrolment)
    message = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                enrolment = services.record_status_change(
                    enrolment=enrolment,
                    new_status=form.cleaned_data["status"],
                    by=request.user,
                    on=form.cleaned_data["on"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                message = _("The status is now “%(status)s”.") % {
                    "status": enrolment.get_status_display()
                }
                if not request.htmx:
                    messages.success(request, message)
                    return redirect(_participant_url(request, enrolment))
                enrolment = get_visible_enrolment(request, enrolment.pk, log=False)
                context = _status_context(request, enrolment, message=message)
                context["timeline"] = build_timeline(request, enrolment)
                context["today"] = today()
                return render(request, "enrolments/_status_response.html", context)
        message = _("The status was not changed: see the error next to the field.")
    context = _status_context(request, enrolment, form=form, message=message)
    if request.htmx:
        return render(request, "enrolments/_status_response.html", context)
    return render(request, "enrolments/change_status.html", context)


# --- Exit --------------------------------------------------------------------------------------


@project_view("enrolments.change")
@require_http_methods(["GET", "POST"])
def exit_enrolment(request, enrolment_id):
    """Record the exit: date, reason, status and income source at exit; the project's
    follow-ups are created. A second submission finds the enrolment already exited and
    changes nothing."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    exitable = enrolment.status in services.EXITABLE_STATUSES
    if request.method == "POST" and not exitable:
        if enrolment.status in (Status.EXITED, Status.FOLLOWED_UP):
            messages.info(
                request,
                _("This participant has already exited (on %(date)s). Nothing was changed.")
                % {"date": enrolment.exited_on.isoformat()},
            )
        else:
            messages.error(
                request,
                _("Only an active or paused enrolment can exit; this one is “%(status)s”.")
                % {"status": enrolment.get_status_display()},
            )
        return redirect(_participant_url(request, enrolment))
    form = ExitForm(request.POST or None, instance=enrolment) if exitable else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            exited = services.exit_enrolment(
                enrolment=enrolment,
                by=request.user,
                exited_on=form.cleaned_data["exited_on"],
                exit_reason=form.cleaned_data["exit_reason"],
                exit_status=form.cleaned_data["exit_status"],
                exit_income_source=form.cleaned_data["exit_income_source"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            due = ", ".join(f.due_on.isoformat() for f in exited.follow_ups.order_by("due_on"))
            messages.success(
                request,
                _("The exit is recorded. Follow-ups are due on %(dates)s.") % {"dates": due},
            )
            return redirect(_participant_url(request, exited))
    return render(
        request,
        "enrolments/exit.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "exitable": exitable,
        },
    )


# --- Contact notes -------------------------------------------------------------------------------


@project_view("enrolments.change")
@require_http_methods(["GET", "POST"])
def add_note(request, enrolment_id):
    """Write a contact note. htmx: the form is reset and the note appears in the timeline;
    without JavaScript: POST, redirect back to the timeline."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    form = NoteForm(request.POST or None)
    message = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_note(
                    enrolment=enrolment,
                    by=request.user,
                    organisation=request.membership.organisation,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                message = _("The note is saved.")
                if not request.htmx:
                    messages.success(request, message)
                    return redirect(_participant_url(request, enrolment) + "#timeline")
                return render(
                    request,
                    "enrolments/_note_response.html",
                    {
                        "project": request.project,
                        "enrolment": enrolment,
                        "note_form": NoteForm(),
                        "note_message": message,
                        "timeline": build_timeline(request, enrolment),
                        "today": today(),
                        "with_timeline": True,
                    },
                )
        message = _("The note was not saved: see the errors in the form.")
    context = {
        "project": request.project,
        "enrolment": enrolment,
        "participant": enrolment.participant,
        "note_form": form,
        "note_message": message,
    }
    if request.htmx:
        return render(request, "enrolments/_note_response.html", context)
    return render(request, "enrolments/add_note.html", context)


# --- Follow-ups ----------------------------------------------------------------------------------


@project_view("enrolments.view")
def follow_up_worklist(request):
    """What is overdue, what falls due within two weeks and what is done — for the member's
    own participants; a project manager can switch to everyone's."""
    sees_all = can(request.membership, Capability.ENROLMENTS_VIEW_ALL_WORK)
    scope = SCOPE_ALL if sees_all and request.GET.get("scope") == SCOPE_ALL else SCOPE_MINE
    current = today()
    follow_ups = FollowUp.objects.filter(
        enrolment__in=visible_enrolments(request).values("pk")
    ).select_related("enrolment", "enrolment__participant", "enrolment__case_worker")
    if scope == SCOPE_MINE:
        follow_ups = follow_ups.filter(enrolment__case_worker=request.user)
    open_ = follow_ups.filter(recorded_on__isnull=True)
    overdue = open_.filter(due_on__lt=current).order_by("due_on", "pk")
    due_soon = open_.filter(
        due_on__gte=current, due_on__lte=current + dt.timedelta(days=DUE_SOON_DAYS)
    ).order_by("due_on", "pk")
    done = follow_ups.filter(recorded_on__isnull=False).order_by("-recorded_on", "-pk")
    pages = {
        "overdue": _page(request, overdue, "overdue_page"),
        "due_soon": _page(request, due_soon, "soon_page"),
        "done": _page(request, done, "done_page"),
    }
    _log_list_read(request, "follow-up worklist", *pages.values())
    return render(
        request,
        "enrolments/worklist.html",
        {
            "project": request.project,
            "scope": scope,
            "sees_all_work": sees_all,
            "today": current,
            "due_soon_until": current + dt.timedelta(days=DUE_SOON_DAYS),
            **pages,
        },
    )


@project_view("enrolments.change")
@require_http_methods(["GET", "POST"])
def record_follow_up(request, enrolment_id, follow_up_id):
    """Record one follow-up of an exited participant. The follow-up must belong to the
    enrolment in the address. Recorded once: a second submission changes nothing."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_id, enrolment=enrolment)
    earliest = follow_up.due_on - dt.timedelta(days=services.FOLLOW_UP_EARLY_DAYS)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and follow_up.recorded_on is not None:
        messages.info(
            request,
            _("This follow-up was already recorded on %(date)s. Nothing was changed.")
            % {"date": follow_up.recorded_on.isoformat()},
        )
        return redirect(next_url or _worklist_url(request))
    form = FollowUpForm(request.POST or None) if follow_up.recorded_on is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(follow_up=follow_up, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect(next_url or _worklist_url(request))
    return render(
        request,
        "enrolments/record_follow_up.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "follow_up": follow_up,
            "form": form,
            "earliest": earliest,
            "too_early": today() < earliest,
            "next_url": next_url,
        },
    )
