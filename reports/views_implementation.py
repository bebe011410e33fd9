"""The page that starts a pre-study's implementation project (reports/implementation.py,
docs/prestudy.md): the checklist's state, what will be carried over, the implementation
projects already started, and the form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.decorators import project_view
from core.forms import add_errors
from core.models import Project
from core.policy import Capability
from prestudy import checklist

from .forms_implementation import StartImplementationForm
from .implementation import carry_over, start_implementation


@project_view(Capability.PRESTUDY_CHANGE)
def start(request):
    project = request.project
    context = {"project": project, "is_prestudy": project.phase == Project.Phase.PRE_STUDY}
    if not context["is_prestudy"]:
        return render(request, "reports/implementation/start.html", context)

    plan = carry_over(project)
    form = StartImplementationForm(
        request.POST if request.method == "POST" else None, prestudy=project, carry_over=plan
    )
    if request.method == "POST" and form.is_valid():
        try:
            implementation = start_implementation(
                by=request.user, prestudy=project, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request,
                _("The implementation project %(title)s is started from the pre-study.")
                % {"title": implementation.title},
            )
            return redirect("core:project_detail", project_id=implementation.pk)

    items = checklist.status(project.pk)
    visible = set(Project.objects.visible_to(request.user).values_list("pk", flat=True))
    context.update(
        form=form,
        plan=plan,
        checklist_items=list(items.values()),
        checklist_done=sum(1 for row in items.values() if row["done"]),
        implementations=[
            (implementation, implementation.pk in visible)
            for implementation in project.implementations.order_by("starts_on", "pk")
        ],
    )
    return render(request, "reports/implementation/start.html", context)
