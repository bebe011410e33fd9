"""The project's period, changed by its manager with a reason (core/periods.py has the rule and
the service). Managers only (`project.settings`); reached from the project page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import periods
from .decorators import project_view
from .forms import ProjectPeriodForm


@project_view("project.settings")
@require_http_methods(["GET", "POST"])
def project_period(request):
    """Extend (or move) the project's period. Every change is kept with its reason and shown
    on the project page; shortening below the dates already recorded is refused, naming how
    many records fall outside."""
    project = request.project
    form = ProjectPeriodForm(
        request.POST if request.method == "POST" else None,
        initial={"starts_on": project.starts_on, "ends_on": project.ends_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = periods.change_period(
                project=project,
                by=request.user,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(
                request,
                _("The project's period is now %(start)s–%(end)s.")
                % {
                    "start": change.new_starts_on.strftime("%Y-%m-%d"),
                    "end": change.new_ends_on.strftime("%Y-%m-%d"),
                },
            )
            return redirect("core:project_detail", project_id=project.pk)
    return render(
        request,
        "core/project_period.html",
        {
            "project": project,
            "form": form,
            "follow_up_until": periods.follow_up_until(project),
            "changes": project.period_changes.select_related("changed_by"),
        },
    )
