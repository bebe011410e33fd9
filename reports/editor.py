"""The goal editor: a project manager lists the project's goals, creates one (first the kind of
goal, then its parts explained in plain words), previews the result computed by the real engine
without saving, saves it (goals.services.create_goal), edits it (a new version,
goals.services.save_goal_version) and reads every version. Writes are logged by the services;
nothing here writes to the database directly."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.decorators import project_view
from goals import services
from goals.definitions import TEMPLATES, validate_parameters
from goals.engine import current_versions, evaluate_goal
from goals.models import Goal, GoalVersion

from .display import goal_rows
from .forms import GoalForm, TemplateChoiceForm, describe, initial_for


def unique_key(project, title: str) -> str:
    """A goal key (slug) from its title, unique within the project."""
    base = slugify(title)[:70].strip("-") or "goal"
    taken = set(Goal.objects.filter(project=project).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def preview(project, form: GoalForm, *, key: str = "preview"):
    """Validate the form's definition and compute it with the engine, saving nothing. Returns
    the dashboard row of the result (reports.display.goal_rows) or None with the errors on the
    form."""
    parameters = form.parameters()
    try:
        cleaned = validate_parameters(form.template.code, parameters, project)
        version = GoalVersion(
            goal=Goal(project=project, key=key),
            version=0,
            title=form.cleaned_data["title"],
            title_en=form.cleaned_data.get("title_en", ""),
            template=form.template.code,
            parameters=cleaned,
        )
        result = evaluate_goal(version)
    except ValidationError as error:
        form.add_service_errors(error)
        return None
    row = goal_rows([result], project)[0]
    row["gender"] = next((t for t in row["breakdown"] if t["dimension"] == "gender"), None)
    row["definition"] = describe(form.template.code, cleaned, project)
    return row


@project_view("goals.change")
def goal_list(request):
    """The project's goals with their current version and links to edit and to the versions."""
    project = request.project
    counts = {}
    for version in GoalVersion.objects.filter(goal__project=project).only("goal_id"):
        counts[version.goal_id] = counts.get(version.goal_id, 0) + 1
    rows = [
        {
            "goal": version.goal,
            "version": version,
            "template": TEMPLATES.get(version.template),
            "versions": counts.get(version.goal_id, 0),
        }
        for version in current_versions(project)
    ]
    return render(request, "reports/editor/list.html", {"project": project, "rows": rows})


def _template_step(request, project, data=None):
    chooser = TemplateChoiceForm(data)
    if data is not None:
        chooser.is_valid()
    descriptions = {t.code: t.description for t in TEMPLATES.values()}
    options = [
        {"radio": radio, "description": descriptions[radio.data["value"]]}
        for radio in chooser["template"]
    ]
    return render(
        request,
        "reports/editor/choose_template.html",
        {"project": project, "chooser": chooser, "options": options},
    )


def _editor_page(request, project, form, *, goal=None, result=None):
    return render(
        request,
        "reports/editor/form.html",
        {
            "project": project,
            "form": form,
            "template": form.template,
            "goal": goal,
            "current": goal.current_version if goal else None,
            "preview": result,
        },
    )


@project_view("goals.change")
def goal_new(request):
    """A new goal: step one chooses the template (?template=<code>), step two its parameters,
    with Preview (computed, not saved) and Save."""
    project = request.project
    code = request.POST.get("template") if request.method == "POST" else request.GET.get("template")
    template = TEMPLATES.get(code or "")
    if template is None:
        return _template_step(request, project, request.GET if "template" in request.GET else None)
    if request.method != "POST":
        form = GoalForm(template=template, project=project, initial=initial_for(template, {}))
        return _editor_page(request, project, form)
    form = GoalForm(request.POST, template=template, project=project)
    result = None
    if form.is_valid():
        if "preview" in request.POST:
            result = preview(project, form)
        else:
            data = form.cleaned_data
            try:
                services.create_goal(
                    project=project,
                    key=unique_key(project, data.get("title_en") or data["title"]),
                    title=data["title"],
                    title_en=data.get("title_en", ""),
                    template=template.code,
                    parameters=form.parameters(),
                    by=request.user,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request, _("The goal “%(goal)s” is saved.") % {"goal": data["title"]}
                )
                return redirect("goal_editor:list", project_id=project.pk)
    return _editor_page(request, project, form, result=result)


@project_view("goals.change")
def goal_edit(request, goal_id):
    """Edit a goal: starts from the current version; saving makes a new version."""
    project = request.project
    goal = get_object_or_404(Goal, pk=goal_id, project=project)
    current = goal.current_version
    template = TEMPLATES.get(current.template) if current else None
    if template is None:
        messages.error(request, _("This goal's template no longer exists; it cannot be edited."))
        return redirect("goal_editor:list", project_id=project.pk)
    if request.method != "POST":
        initial = {
            "title": current.title,
            "title_en": current.title_en,
            **initial_for(template, current.parameters),
        }
        form = GoalForm(template=template, project=project, initial=initial)
        return _editor_page(request, project, form, goal=goal)
    form = GoalForm(request.POST, template=template, project=project)
    result = None
    if form.is_valid():
        if "preview" in request.POST:
            result = preview(project, form, key=goal.key)
        else:
            data = form.cleaned_data
            try:
                version = services.save_goal_version(
                    goal=goal,
                    title=data["title"],
                    title_en=data.get("title_en", ""),
                    template=template.code,
                    parameters=form.parameters(),
                    by=request.user,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the goal “%(goal)s” is saved.")
                    % {"version": version.version, "goal": data["title"]},
                )
                return redirect("goal_editor:list", project_id=project.pk)
    return _editor_page(request, project, form, goal=goal, result=result)


@project_view("goals.change")
def goal_versions(request, goal_id):
    """Every version of a goal: who saved it when, and its definition in plain words."""
    project = request.project
    goal = get_object_or_404(Goal, pk=goal_id, project=project)
    versions = [
        {
            "version": version,
            "template": TEMPLATES.get(version.template),
            "definition": describe(version.template, version.parameters, project),
        }
        for version in goal.versions.select_related("created_by").order_by("-version")
    ]
    return render(
        request,
        "reports/editor/versions.html",
        {"project": project, "goal": goal, "versions": versions},
    )
