"""The public project page (docs/public-page.md).

Public, without login: the index of published projects (the project bank), a project's page in
Swedish (/public/projects/<id>/) and English (/en/public/projects/<id>/), and the same as JSON
(/public/projects/<id>.json). A project that is not published answers 404, the same as one
that does not exist.

For the project's manager (`project.publish`): the preview of exactly what is (or will be)
public, publishing and withdrawing (reports/publishing.py, audited).
"""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.decorators import project_view
from core.policy import Capability, project_threshold

from . import publishing


def _published(project_id):
    return get_object_or_404(publishing.published_projects().select_related("owner"), pk=project_id)


@require_GET
def index(request):
    """Every published project, newest period first."""
    english = (translation.get_language() or "sv").startswith("en")
    projects = [
        {
            "project": p,
            "title": p.title_en if english and p.title_en else p.title,
            "title_language": "en" if english and p.title_en else "sv",
        }
        for p in publishing.published_projects()
        .select_related("owner")
        .order_by("-starts_on", "title")
    ]
    return render(request, "public/index.html", {"projects": projects})


@require_GET
def project_page(request, project_id):
    """A published project's public page in the current language."""
    project = _published(project_id)
    context = publishing.page_context(project)
    other = "en" if (translation.get_language() or "sv").startswith("sv") else "sv"
    context["other_language"] = other
    context["other_url"] = translate_url(request.path, other)
    return render(request, "public/project.html", context)


@require_GET
def project_json(request, project_id):
    """The public page as JSON: both languages, or one with ?language=sv or ?language=en."""
    project = _published(project_id)
    asked = request.GET.get("language", "")
    if asked and asked not in publishing.LANGUAGES:
        raise Http404
    languages = (asked,) if asked else publishing.LANGUAGES
    response = JsonResponse(
        publishing.public_document(project, languages=languages),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@project_view(Capability.PROJECT_PUBLISH)
@require_http_methods(["GET", "POST"])
def manage(request):
    """The manager's page: whether the project is published, the preview of exactly what the
    public sees, and the button to publish or withdraw (POST action=publish|withdraw)."""
    from goals import summaries

    project = request.project
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "publish":
            publishing.publish(project, by=request.user)
            messages.success(request, _("The public page is published."))
        elif action == "withdraw":
            publishing.withdraw(project, by=request.user)
            messages.success(
                request, _("The public page is withdrawn: its address now answers “not found”.")
            )
        return redirect("publish:manage", project_id=project.pk)
    # Bring the stored figures up to date as the dashboard does (a small project is counted
    # now, a large one keeps its last figures while a refresh runs); the preview then shows
    # the stored figures, exactly as the public page does.
    summaries.read(project, threshold=project_threshold(project))
    context = publishing.page_context(project, preview=True)
    return render(request, "public/manage.html", context)
