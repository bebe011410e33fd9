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
from django.db.models import Case, Exists, F, IntegerField, OuterRef, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from core import export
from core.audit import log_action, log_people_shown, person_id_of
from core.clock import today
from core.decorators import project_view
from core.policy import Capability, can
from participants import lookup

from . import exports, registration, search, services
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
from .intake_forms import IdentityLookupForm
from .models import Enrolment, FollowUp, Status
from .timeline import build_timeline, other_enrolments

PAGE_SIZE = 25


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
    """A list of participants is a read of their names: one audit entry per person shown,
    naming them by id (core.audit.log_people_shown) — never the names or the filter values."""
    log_people_shown(
        by=request.user,
        project=request.project,
        person_ids=(person_id_of(row) for page in pages for row in page.object_list),
        reason=what,
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


def _find_by_identity_number(request, number):
    """The enrolments in this project of the person with this number that the user may see:
    an exact match on the keyed hash, inside the visibility rule. Logged like the intake's
    look-up (the person's id when the number is registered, never the number)."""
    participant = registration.find_by_identity_number(number)
    found = (
        visible_enrolments(request).filter(participant=participant)
        if participant is not None
        else Enrolment.objects.none()
    )
    shown = found.count()
    if participant is None:
        reason = "case list identity search: not found"
    elif not shown:
        reason = "case list identity search: not visible"
    else:
        reason = f"case list identity search: {shown} rows"
    log_action(
        by=request.user,
        action="view",
        obj=participant,
        object_type="" if participant else "participants.Participant",
        project=request.project,
        reason=reason,
    )
    return found, shown


@sensitive_post_parameters("identity_number")
@project_view("enrolments.view")
@require_http_methods(["GET", "POST"])
@sensitive_variables("number", "identity_form")
def case_list(request):
    """The case worker's participants, and finding a person among everyone the user may see.

    GET: a name search (`q`, at least two letters, given or family name) and filters — my
    caseload (responsible case worker = me, still open or with a follow-up left to record,
    unless a status is chosen; the default for a case worker unless they search by name),
    next action due (search.filter_next_action_due), status,
    intervention, area — with sort; pages are cut on the server and their links keep every
    parameter. POST: a search by identity number, an exact match through the keyed hash, never
    in a URL; one enrolment found opens the participant's page."""
    identity_form = IdentityLookupForm()
    identity_results = None
    if request.method == "POST":
        identity_form = IdentityLookupForm(request.POST)
        if identity_form.is_valid():
            # Counted against the user's limit on look-ups by number (docs/privacy-lookup.md).
            try:
                lookup.check_limit(by=request.user, project=request.project)
            except lookup.LookupLimitReached as refusal:
                identity_form.add_error("identity_number", refusal)
        if identity_form.is_valid():
            number = identity_form.cleaned_data["identity_number"]
            identity_results, shown = _find_by_identity_number(request, number)
            if shown == 1:
                return redirect(_participant_url(request, identity_results.get()))
            # A fresh, empty box: the number is not echoed back into the page.
            identity_form = IdentityLookupForm()

    own_caseload = can(request.membership, Capability.ENROLMENTS_OWN_CASELOAD)
    params = request.GET.copy()
    searching = bool(params.get("q", "").strip())
    # A name search looks among everyone the user may see, unless they chose a scope.
    default_scope = SCOPE_MINE if own_caseload and not searching else SCOPE_ALL
    params.setdefault("scope", default_scope)
    form = CaseListFilterForm(params, project=request.project)
    form.is_valid()
    if getattr(form, "query_has_digits", False):
        # Most likely an identity number in the name box: said so, and the address is cleaned
        # at once (the page, its links and the language switch would carry it on).
        messages.error(request, form.errors["q"][0])
        cleaned = request.GET.copy()
        del cleaned["q"]
        return redirect(request.path + (f"?{cleaned.urlencode()}" if cleaned else ""))
    # A tampered or stale parameter, or a name search too short, is ignored (and named in the
    # form); the valid ones apply.
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    scope = data.get("scope") or default_scope
    status = data.get("status") or ""
    sort = data.get("sort") or "name"
    query = data.get("q") or ""
    current = today()

    if identity_results is not None:
        enrolments = identity_results
    else:
        enrolments = visible_enrolments(request)
        if query:
            enrolments = search.filter_by_name(enrolments, query)
        if scope == SCOPE_MINE:
            enrolments = (
                enrolments.filter(case_worker=request.user)
                if status
                else search.filter_caseload(enrolments, request.user)
            )
        if status:
            enrolments = enrolments.filter(status=status)
        if data.get("next_action"):
            enrolments = search.filter_next_action_due(enrolments, current)
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
    filtered = enrolments
    enrolments = (
        enrolments.select_related("participant", "case_worker")
        .annotate(next_follow_up_on=exports.next_follow_up_due())
        .order_by(*_ordering(sort))
    )
    if export.requested_format(request) and identity_results is None:
        # Every row the filters match, not one page (enrolments/exports.py).
        return exports.case_list_response(request, filtered, enrolments, searched=bool(query))
    page = _page(request, enrolments)
    if identity_results is None:
        _log_list_read(request, "case list, name search" if query else "case list", page)
    return render(
        request,
        "enrolments/case_list.html",
        {
            "project": request.project,
            "form": form,
            "identity_form": identity_form,
            "identity_searched": identity_results is not None,
            "page": page,
            "scope": scope,
            "sort": sort,
            "query": query,
            "filtered": bool(
                query
                or status
                or data.get("next_action")
                or data.get("intervention")
                or data.get("area")
            ),
            "next_action_days": search.NEXT_ACTION_DAYS,
            "today": current,
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
    covered = other_enrolments(request, enrolment)
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
    context.update(_reenrol_context(request, enrolment, context["same_project_enrolments"]))
    context.update(extra)
    return context


def _reenrol_context(request, enrolment, same_project_enrolments) -> dict:
    """A closed enrolment (exited, followed up, declined, withdrawn) is no longer placed or
    moved along its lifecycle: the page offers to enrol the person again (the intake's
    enrol-existing page), or opens their newer open enrolment in this project."""
    if enrolment.is_open:
        return {"closed": False}
    newer_open = next((e for e in same_project_enrolments if e.is_open), None)
    return {
        "closed": True,
        "newer_open_enrolment": newer_open,
        "can_reenrol": newer_open is None
        and request.membership.has_capability("participants.change"),
    }


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
            purpose=getattr(request, "read_purpose", ""),
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
    """Every open follow-up by when it falls due — overdue, within 14 days, within 15–30 days,
    later — and what is done, each group counted and cut into pages by the database; each row
    links to the form that records it. The member's own participants; a project manager can
    switch to everyone's."""
    sees_all = can(request.membership, Capability.ENROLMENTS_VIEW_ALL_WORK)
    scope = SCOPE_ALL if sees_all and request.GET.get("scope") == SCOPE_ALL else SCOPE_MINE
    current = today()
    follow_ups = FollowUp.objects.filter(
        enrolment__in=visible_enrolments(request).values("pk")
    ).select_related("enrolment", "enrolment__participant", "enrolment__case_worker")
    if scope == SCOPE_MINE:
        follow_ups = follow_ups.filter(enrolment__case_worker=request.user)
    groups = search.follow_up_horizons(follow_ups, current)
    if export.requested_format(request):
        return exports.worklist_response(request, follow_ups, groups, show_case_worker=sees_all)
    page_params = {
        "overdue": "overdue_page",
        "due_soon": "soon_page",
        "due_month": "month_page",
        "due_later": "later_page",
        "done": "done_page",
    }
    pages = {name: _page(request, groups[name], page_params[name]) for name in groups}
    _log_list_read(request, "follow-up worklist", *pages.values())
    return render(
        request,
        "enrolments/worklist.html",
        {
            "project": request.project,
            "scope": scope,
            "sees_all_work": sees_all,
            "today": current,
            "due_soon_until": current + dt.timedelta(days=search.SOON_DAYS),
            "due_month_from": current + dt.timedelta(days=search.SOON_DAYS + 1),
            "due_month_until": current + dt.timedelta(days=search.MONTH_DAYS),
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
