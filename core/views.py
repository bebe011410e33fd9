from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from .decorators import project_view
from .models import Membership, Project
from .policy import Capability, can, sees_people
from .signals import project_page_sections


def home(request):
    if request.user.is_authenticated:
        return redirect("core:project_list")
    return redirect("accounts:login")


@login_required
def project_list(request):
    """The projects the user is a member of, with their role in each."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project", "project__owner", "project__parent", "organisation")
        .order_by("project__starts_on", "project__title")
    )
    return render(request, "core/project_list.html", {"memberships": memberships})


@project_view("project.view")
def project_detail(request):
    project = request.project
    language = (get_language() or "sv")[:2]
    sections = list(project.sections.filter(language=language)) or list(
        project.sections.filter(language="sv")
    )
    # Exact counts of people, so only for roles that see people: the aggregate-only roles get
    # these figures on the goals dashboard, with small numbers hidden (docs/disclosure.md). A
    # parent counts its parts' enrolments too (docs/rollups.md).
    counts = None
    if sees_people(request.membership):
        enrolments = project.enrolments.model.objects
        counts = enrolments.filter(project_id__in=project.counted_project_ids()).counts()
    visible_projects = Project.objects.visible_to(request.user)
    context = {
        "project": project,
        "membership": request.membership,
        "sections": sections,
        "sections_language": sections[0].language if sections else language,
        "partners": project.partners.select_related("organisation"),
        "municipalities": project.municipalities.all(),
        "areas": project.areas.select_related("municipality"),
        "target_groups": project.target_groups.all(),
        "interventions": project.interventions.select_related("category", "provider"),
        "children": project.children.filter(pk__in=visible_projects),
        "children_count": project.children.count(),
        "twins": project.twins.all(),
        # A pre-study and the implementation projects made from it, linked both ways.
        "implementations": list(project.implementations.only("pk", "title")),
        "visible_ids": set(visible_projects.values_list("pk", flat=True)),
        "counts": counts,
        "period_changes": project.period_changes.select_related("changed_by"),
        "can_change_period": can(request.membership, Capability.PROJECT_SETTINGS),
        # Other apps' parts of the page (a parent's sub-project table: reports/rollups.py).
        "extra_sections": [
            html
            for _receiver, html in project_page_sections.send(
                sender=Project, request=request, project=project, membership=request.membership
            )
            if html
        ],
    }
    return render(request, "core/project_detail.html", context)
