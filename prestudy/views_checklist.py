"""The pre-study checklist's pages (docs/prestudy.md): the six items with what each register
says, and recording an item done with its date and evidence. Whether an item is done is the one
rule of prestudy/checklist.py; recording an item done that its register does not back is refused
by the form (prestudy/forms.py ChecklistItemForm)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import log_action
from core.decorators import project_view
from core.models import LogEntry
from core.policy import Capability

from . import checklist
from .forms import ChecklistItemForm
from .models import Deliverable
from .views import CHANGE, VIEW, _page

# The page of the register that backs each checklist item, and who may open it (none: the
# evidence alone). Confirmed partners are kept in the project settings.
ITEM_REGISTER = {
    "target_groups_mapped": ("prestudy:mappings", VIEW),
    "interventions_specified": ("prestudy:activities", VIEW),
    "risk_analysis": ("prestudy:risks", VIEW),
    "gender_swot": ("prestudy:swot", VIEW),
    "partners_confirmed": ("project_settings:partners", Capability.PROJECT_SETTINGS.value),
}


def _register_url(request, item: str) -> str | None:
    name, capability = ITEM_REGISTER.get(item, (None, None))
    if name is None or not request.membership.has_capability(capability):
        return None
    return reverse(name, kwargs={"project_id": request.project.pk})


@project_view(VIEW)
def checklist_page(request):
    status = checklist.status(request.project.pk)
    rows = [
        {"item": item, "register_url": _register_url(request, item), **row}
        for item, row in status.items()
    ]
    return _page(
        request,
        "checklist.html",
        rows=rows,
        done=sum(1 for row in rows if row["done"]),
        total=len(rows),
    )


@project_view(CHANGE)
def checklist_item(request, item):
    if item not in checklist.ITEMS:
        raise Http404
    project = request.project
    deliverable = Deliverable.objects.filter(project=project, item=item).first()
    form = ChecklistItemForm(
        request.POST if request.method == "POST" else None,
        instance=deliverable,
        project=project,
        item=item,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            row, created = Deliverable.objects.select_for_update().get_or_create(
                project=project, item=item
            )
            changed = [
                name
                for name in ("done_on", "evidence")
                if getattr(row, name) != form.cleaned_data[name]
            ]
            for name in changed:
                setattr(row, name, form.cleaned_data[name])
            row.full_clean()
            row.save()
            if created or changed:
                log_action(
                    by=request.user,
                    action=LogEntry.Action.CREATE if created else LogEntry.Action.CHANGE,
                    obj=row,
                    project=project,
                    fields=changed,
                )
        label = checklist.ITEMS[item]
        if row.done_on:
            messages.success(request, _("“%(item)s” is recorded done.") % {"item": label})
        else:
            messages.success(request, _("“%(item)s” is recorded not done.") % {"item": label})
        return redirect("prestudy:checklist", project_id=project.pk)
    backed = checklist.register_backing(project.pk)[item]
    return _page(
        request,
        "checklist_item.html",
        form=form,
        item=item,
        label=checklist.ITEMS[item],
        needs=checklist.REGISTER_NEEDS.get(item),
        backed=backed,
        register_url=_register_url(request, item),
    )
