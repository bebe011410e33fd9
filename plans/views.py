"""Needs assessments and action plans of one enrolment. Every page reads the participant through
enrolments.access (the visibility rule, and the read is logged); every write goes through
plans.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.audit import log_action
from core.clock import today
from core.decorators import project_view
from enrolments.access import get_visible_enrolment

from . import services
from .forms import AgreementForm, AssessmentForm, PlanForm, step_formset
from .models import ActionPlan, ActionPlanStep, Assessment


def _plan_url(name, project, enrolment, **kwargs):
    return reverse(
        f"plans:{name}",
        kwargs={"project_id": project.pk, "enrolment_id": enrolment.pk, **kwargs},
    )


def _steps(plan):
    return list(
        ActionPlanStep.objects.filter(plan=plan).select_related(
            "responsible_organisation", "intervention"
        )
    )


def _version_or_404(enrolment, version):
    plan = ActionPlan.objects.filter(enrolment=enrolment, version=version).first()
    if plan is None:
        raise Http404
    return plan


def _add_service_errors(form, error: ValidationError):
    """Put a service's errors on the form: on the named field when the form has it."""
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


# --- needs assessment -------------------------------------------------------------------------


@project_view("enrolments.change")
@require_http_methods(["GET", "POST"])
def assessment_new(request, enrolment_id):
    enrolment = get_visible_enrolment(request, enrolment_id)
    latest = enrolment.assessments.order_by("-assessed_on", "-pk").first()
    if request.method == "POST":
        form = AssessmentForm(request.POST, enrolment=enrolment)
        if form.is_valid():
            try:
                assessment = services.record_assessment(
                    enrolment=enrolment,
                    assessed_on=form.cleaned_data["assessed_on"],
                    ratings=form.ratings(),
                    by=request.user,
                    based_on_latest=form.cleaned_data.get("based_on_latest"),
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("The needs assessment was saved."))
                return redirect(
                    _plan_url(
                        "assessment_detail",
                        request.project,
                        enrolment,
                        assessment_id=assessment.pk,
                    )
                )
    else:
        form = AssessmentForm(
            enrolment=enrolment,
            initial={
                "assessed_on": today(),
                "based_on_latest": services.latest_assessment_id(enrolment),
            },
        )
    return render(
        request,
        "plans/assessment_form.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "form": form,
            "latest": latest,
        },
    )


@project_view("enrolments.view")
def assessment_detail(request, enrolment_id, assessment_id):
    enrolment = get_visible_enrolment(request, enrolment_id)
    assessment = (
        Assessment.objects.filter(enrolment=enrolment, pk=assessment_id)
        .select_related("assessed_by")
        .first()
    )
    if assessment is None:
        raise Http404
    previous, rows = services.assessment_changes(assessment)
    return render(
        request,
        "plans/assessment_detail.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "assessment": assessment,
            "previous": previous,
            "rows": rows,
            "can_change": request.membership.has_capability("enrolments.change"),
        },
    )


# --- action plan ------------------------------------------------------------------------------


@project_view("enrolments.view")
def plan_detail(request, enrolment_id):
    enrolment = get_visible_enrolment(request, enrolment_id)
    versions = list(
        ActionPlan.objects.filter(enrolment=enrolment)
        .select_related("created_by")
        .order_by("-version")
    )
    plan = versions[0] if versions else None
    can_change = request.membership.has_capability("enrolments.change")
    return render(
        request,
        "plans/plan_detail.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "plan": plan,
            "steps": _steps(plan) if plan else [],
            "versions": versions,
            "assessments": enrolment.assessments.order_by("-assessed_on", "-pk"),
            "can_change": can_change,
            "agreement_form": AgreementForm(instance=plan, initial={"agreed_on": today()})
            if plan and can_change and not plan.agreed_on
            else None,
        },
    )


def _posted_rows(formset):
    """The filled-in rows of a posted step formset, as initial data for a redisplay."""
    rows = []
    for form in formset.forms:
        if form.has_changed():
            rows.append({name: form[name].value() for name in (*services.STEP_FIELDS, "DELETE")})
    return rows


@project_view("enrolments.change")
@require_http_methods(["GET", "POST"])
def plan_edit(request, enrolment_id):
    """Write a new version. The form starts from the latest version (copy-forward); saving
    always creates a new version. "Add another step" re-displays the form with one more row,
    without saving and without JavaScript."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    latest = ActionPlan.objects.filter(enrolment=enrolment).order_by("-version").first()
    if request.method == "POST" and "add_step" in request.POST:
        posted = step_formset(enrolment=enrolment, data=request.POST)
        rows = _posted_rows(posted)
        blank_rows = len(posted.forms) - len(rows)
        form = PlanForm(
            initial={
                "goals": request.POST.get("goals", ""),
                "based_on_version": request.POST.get("based_on_version") or 0,
            }
        )
        formset = step_formset(enrolment=enrolment, initial=rows, extra=blank_rows + 1)
        # Keyboard and screen-reader users land in the new row.
        formset.forms[-1].fields["description"].widget.attrs["autofocus"] = True
    elif request.method == "POST":
        form = PlanForm(request.POST)
        formset = step_formset(enrolment=enrolment, data=request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                plan = services.save_plan_version(
                    enrolment=enrolment,
                    goals=form.cleaned_data["goals"],
                    steps=formset.steps(),
                    by=request.user,
                    based_on_version=form.cleaned_data.get("based_on_version"),
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the plan was saved.") % {"version": plan.version},
                )
                return redirect(_plan_url("plan_detail", request.project, enrolment))
    else:
        steps = _steps(latest) if latest else []
        form = PlanForm(
            initial={
                "goals": latest.goals if latest else "",
                "based_on_version": latest.version if latest else 0,
            }
        )
        formset = step_formset(
            enrolment=enrolment,
            initial=[
                {
                    "description": step.description,
                    "responsible_organisation": step.responsible_organisation_id,
                    "responsible_person": step.responsible_person,
                    "due_on": step.due_on,
                    "status": step.status,
                    "intervention": step.intervention_id,
                }
                for step in steps
            ],
            extra=1 if steps else 3,
        )
    return render(
        request,
        "plans/plan_edit.html",
        {
            "project": request.project,
            "enrolment": enrolment,
            "latest": latest,
            "form": form,
            "formset": formset,
        },
    )


@project_view("enrolments.view")
def plan_version(request, enrolment_id, version):
    """One version, and what changed since the one before it."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    plan = _version_or_404(enrolment, version)
    previous = (
        ActionPlan.objects.filter(enrolment=enrolment, version__lt=plan.version)
        .order_by("-version")
        .first()
    )
    steps = _steps(plan)
    context = {
        "project": request.project,
        "enrolment": enrolment,
        "plan": plan,
        "steps": steps,
        "previous": previous,
        "latest_version": ActionPlan.objects.filter(enrolment=enrolment)
        .order_by("-version")
        .values_list("version", flat=True)
        .first(),
    }
    if previous:
        context["goals_diff"] = services.goals_diff(previous.goals, plan.goals)
        context["steps_diff"] = services.steps_diff(_steps(previous), steps)
    return render(request, "plans/plan_version.html", context)


@project_view("enrolments.change")
@require_http_methods(["GET", "POST"])
def plan_agree(request, enrolment_id, version):
    """Record the participant's agreement to a version. htmx gets the agreement section back;
    without JavaScript the form posts here and is redirected to the plan."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    plan = _version_or_404(enrolment, version)
    if request.method == "POST":
        form = AgreementForm(request.POST, instance=plan)
        if form.is_valid():
            try:
                plan = services.record_agreement(
                    plan=plan,
                    agreed_on=form.cleaned_data["agreed_on"],
                    agreement_method=form.cleaned_data["agreement_method"],
                    by=request.user,
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                if request.htmx:
                    return render(
                        request,
                        "plans/_agreement.html",
                        {
                            "project": request.project,
                            "enrolment": enrolment,
                            "plan": plan,
                            "can_change": True,
                            "just_saved": True,
                        },
                    )
                messages.success(request, _("The agreement was recorded."))
                return redirect(_plan_url("plan_detail", request.project, enrolment))
    else:
        form = AgreementForm(instance=plan, initial={"agreed_on": plan.agreed_on or today()})
    context = {
        "project": request.project,
        "enrolment": enrolment,
        "plan": plan,
        "agreement_form": form,
        "can_change": True,
    }
    if request.htmx:
        return render(request, "plans/_agreement.html", context)
    return render(request, "plans/plan_agree.html", context)


@project_view("enrolments.view")
def plan_print(request, enrolment_id, version):
    """The plan in plain words for the participant, in the page's language, to print."""
    enrolment = get_visible_enrolment(request, enrolment_id)
    plan = _version_or_404(enrolment, version)
    log_action(
        by=request.user,
        action="view",
        obj=plan,
        project=request.project,
        reason="printable plan",
    )
    project = request.project
    english = (get_language() or "sv").startswith("en")
    return render(
        request,
        "plans/plan_print.html",
        {
            "project": project,
            "project_title": (project.title_en if english and project.title_en else project.title),
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "plan": plan,
            "steps": _steps(plan),
            "goals": [line.strip() for line in plan.goals.splitlines() if line.strip()],
        },
    )


# --- correcting the order of the steps (issue 11) -----------------------------------------------


@project_view("enrolments.correct")
@require_http_methods(["GET", "POST"])
def plan_steps_order(request, enrolment_id):
    """Change the order of the current plan's steps, with a reason kept in the participant's
    history (no new version: the plan's content is unchanged)."""
    from participants.corrections import read_token, version_token

    from .forms import StepOrderForm

    enrolment = get_visible_enrolment(request, enrolment_id)
    plan = ActionPlan.objects.filter(enrolment=enrolment).order_by("-version").first()
    if plan is None:
        raise Http404
    steps = _steps(plan)
    if request.method == "POST":
        form = StepOrderForm(request.POST, steps=steps)
        if form.is_valid():
            try:
                services.reorder_steps(
                    plan=plan,
                    by=request.user,
                    order=form.order(),
                    reason=form.cleaned_data["reason"],
                    expected=read_token(form.cleaned_data.get("original")),
                )
            except ValidationError as error:
                _add_service_errors(form, error)
                data = form.data.copy()
                data["original"] = version_token(services.step_order_token_values(plan))
                form.data = data
            else:
                messages.success(
                    request, _("The order of the steps is saved and kept in the history.")
                )
                return redirect(_plan_url("plan_detail", request.project, enrolment))
    else:
        form = StepOrderForm(
            steps=steps,
            initial={"original": version_token(services.step_order_token_values(plan))},
        )
    return render(
        request,
        "plans/plan_steps_order.html",
        {"project": request.project, "enrolment": enrolment, "plan": plan, "form": form},
    )
