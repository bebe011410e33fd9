"""The pre-study's working pages (docs/prestudy.md): an overview, the registers a pre-study
manager keeps — stakeholders, events, proposed activities, risks, the gender-equality SWOT, the
accessibility plan, the target-group mapping — and the checklist of what the pre-study promised.

Members who may read the pre-study (`prestudy.view`) see every page; its manager
(`prestudy.change`) adds, changes and removes entries. Every register is described once by a
`Register`; adding, changing and removing an entry are the same three views for all of them
(`entry_views`), each write audited with the names of the fields it changed. Another project's
entry is a 404: entries are looked up within the project of the URL."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.audit import log_action
from core.decorators import project_view
from core.models import LogEntry, Project
from core.policy import Capability
from interventions.models import InterventionCategory

from . import checklist
from .forms import (
    ActivityForm,
    EventForm,
    MappingForm,
    MeasureForm,
    RiskForm,
    StakeholderForm,
    SwotForm,
)
from .models import (
    AccessibilityMeasure,
    ProposedActivity,
    Risk,
    Stakeholder,
    SwotItem,
    TargetGroupMapping,
    Workshop,
)

VIEW = Capability.PRESTUDY_VIEW.value
CHANGE = Capability.PRESTUDY_CHANGE.value


@dataclass(frozen=True)
class Register:
    """One register's pages. URL names: `list_name` for the list, `<entry>_add`,
    `<entry>_edit` and `<entry>_remove` (kwarg `<entry>_id`) for an entry."""

    entry: str
    list_name: str
    model: type
    form_class: type
    title: Promise  # the list page's heading
    add_title: Promise  # "Add a stakeholder"
    edit_title: Promise  # "Change a stakeholder"
    remove_title: Promise  # "Remove a stakeholder"
    # What else goes with the entry when it is removed, said on the confirmation page.
    remove_note: Callable | None = None

    @property
    def kwarg(self) -> str:
        return f"{self.entry}_id"

    def list_url(self, project) -> str:
        return reverse(f"prestudy:{self.list_name}", kwargs={"project_id": project.pk})


def _stakeholder_note(stakeholder) -> str:
    events = stakeholder.workshops.count()
    proposals = stakeholder.proposals.count()
    if not events and not proposals:
        return ""
    return _(
        "It is also taken off the events it took part in (%(events)s) and the activities it is "
        "a partner in (%(proposals)s)."
    ) % {"events": events, "proposals": proposals}


STAKEHOLDERS = Register(
    "stakeholder",
    "stakeholders",
    Stakeholder,
    StakeholderForm,
    gettext_lazy("Stakeholders"),
    gettext_lazy("Add a stakeholder"),
    gettext_lazy("Change a stakeholder"),
    gettext_lazy("Remove a stakeholder"),
    remove_note=_stakeholder_note,
)
EVENTS = Register(
    "event",
    "events",
    Workshop,
    EventForm,
    gettext_lazy("Workshops and other events"),
    gettext_lazy("Add an event"),
    gettext_lazy("Change an event"),
    gettext_lazy("Remove an event"),
)
ACTIVITIES = Register(
    "activity",
    "activities",
    ProposedActivity,
    ActivityForm,
    gettext_lazy("Proposed activities"),
    gettext_lazy("Propose an activity"),
    gettext_lazy("Change a proposed activity"),
    gettext_lazy("Remove a proposed activity"),
)
RISKS = Register(
    "risk",
    "risks",
    Risk,
    RiskForm,
    gettext_lazy("Risk register"),
    gettext_lazy("Add a risk"),
    gettext_lazy("Change a risk"),
    gettext_lazy("Remove a risk"),
)
SWOT = Register(
    "swot",
    "swot",
    SwotItem,
    SwotForm,
    gettext_lazy("Gender-equality SWOT"),
    gettext_lazy("Add a SWOT entry"),
    gettext_lazy("Change a SWOT entry"),
    gettext_lazy("Remove a SWOT entry"),
)
MEASURES = Register(
    "measure",
    "accessibility",
    AccessibilityMeasure,
    MeasureForm,
    gettext_lazy("Accessibility plan"),
    gettext_lazy("Add an accessibility measure"),
    gettext_lazy("Change an accessibility measure"),
    gettext_lazy("Remove an accessibility measure"),
)
MAPPINGS = Register(
    "mapping",
    "mappings",
    TargetGroupMapping,
    MappingForm,
    gettext_lazy("Target-group mapping"),
    gettext_lazy("Map a target group"),
    gettext_lazy("Change a target-group mapping"),
    gettext_lazy("Remove a target-group mapping"),
)
REGISTERS = [STAKEHOLDERS, EVENTS, ACTIVITIES, RISKS, SWOT, MEASURES, MAPPINGS]


def _page(request, template, **context):
    return render(request, f"prestudy/{template}", {"project": request.project, **context})


# --- adding, changing and removing an entry, for every register --------------------------------


def _values(obj, names) -> dict:
    """The entry's values of the form's fields, many-to-many ones as sorted ids."""
    if obj is None or obj.pk is None:
        return {}
    values = model_to_dict(obj, fields=names)
    return {
        name: sorted(item.pk for item in value) if isinstance(value, list) else value
        for name, value in values.items()
    }


def _save_entry(request, register: Register, entry):
    adding = entry is None
    before = _values(entry, register.form_class._meta.fields)
    form = register.form_class(
        request.POST if request.method == "POST" else None, instance=entry, project=request.project
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
                after = _values(saved, list(form.fields))
                changed = sorted(
                    name
                    for name, value in after.items()
                    if before.get(name, None if adding else value) != value
                    and (not adding or value not in (None, "", []))
                )
                if adding or changed:
                    log_action(
                        by=request.user,
                        action=LogEntry.Action.CREATE if adding else LogEntry.Action.CHANGE,
                        obj=saved,
                        project=request.project,
                        fields=changed,
                    )
        except IntegrityError:
            if adding:
                form.instance.pk = None
            form.add_error(
                None,
                _(
                    "The entry could not be saved: someone saved a similar entry at the same "
                    "time. Look at the register and try again."
                ),
            )
        else:
            messages.success(request, _("“%(entry)s” is saved.") % {"entry": saved})
            return redirect(register.list_url(request.project))
    return _page(
        request,
        "entry_form.html",
        form=form,
        register=register,
        list_url=register.list_url(request.project),
        entry=entry,
        heading=register.add_title if adding else register.edit_title,
    )


def _remove_entry(request, register: Register, entry):
    if request.method == "POST":
        label = str(entry)
        with transaction.atomic():
            log_action(
                by=request.user, action=LogEntry.Action.DELETE, obj=entry, project=request.project
            )
            entry.delete()
        messages.success(request, _("“%(entry)s” is removed.") % {"entry": label})
        return redirect(register.list_url(request.project))
    return _page(
        request,
        "entry_remove.html",
        register=register,
        list_url=register.list_url(request.project),
        entry=entry,
        note=register.remove_note(entry) if register.remove_note else "",
    )


def _entry(request, register: Register, kwargs):
    return get_object_or_404(
        register.model.objects.filter(project=request.project), pk=kwargs[register.kwarg]
    )


def entry_views(register: Register):
    """The add, change and remove views of a register's entries (prestudy/urls.py)."""

    def add(request):
        return _save_entry(request, register, None)

    def edit(request, **kwargs):
        return _save_entry(request, register, _entry(request, register, kwargs))

    def remove(request, **kwargs):
        return _remove_entry(request, register, _entry(request, register, kwargs))

    views = {}
    for action, view in (("add", add), ("edit", edit), ("remove", remove)):
        view.__name__ = view.__qualname__ = f"{register.entry}_{action}"
        view.__module__ = __name__
        views[action] = project_view(CHANGE)(view)
    return views


# --- the overview ---------------------------------------------------------------------------------


def _count_of(model):
    """A subquery: the number of `model`'s entries of the outer project."""
    return Coalesce(
        Subquery(
            model.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _stakeholders_by_kind(project):
    found = {
        row["kind"]: row
        for row in Stakeholder.objects.filter(project=project)
        .order_by()
        .values("kind")
        .annotate(
            registered=Count("pk", distinct=True),
            took_part=Count("pk", filter=Q(workshops__isnull=False), distinct=True),
        )
    }
    return [
        {"label": label, **found[kind]} for kind, label in Stakeholder.Kind.choices if kind in found
    ]


def _activities_by_category(project):
    """Categories with proposed activities: the category, its count and estimated volume."""
    return (
        InterventionCategory.objects.filter(proposedactivity__project=project)
        .annotate(
            activity_count=Count("proposedactivity"),
            volume=Sum("proposedactivity__estimated_volume"),
        )
        .order_by("order", "code")
    )


@project_view(VIEW)
def index(request):
    project = request.project
    counts = (
        Project.objects.filter(pk=project.pk)
        .values(**{f"n_{r.list_name}": _count_of(r.model) for r in REGISTERS})
        .get()
    )
    status = checklist.status(project.pk)
    return _page(
        request,
        "index.html",
        registers=[(r, counts[f"n_{r.list_name}"]) for r in REGISTERS],
        checklist_done=sum(1 for row in status.values() if row["done"]),
        checklist_total=len(status),
        stakeholders_by_kind=_stakeholders_by_kind(project),
        activities_by_category=_activities_by_category(project),
        implementations=project.implementations.order_by("title"),
        # Linked only where the reader is a member (another project is a 404 to them).
        visible_ids=set(
            Project.objects.visible_to(request.user)
            .filter(Q(prestudy=project) | Q(pk=project.prestudy_id))
            .values_list("pk", flat=True)
        ),
        is_prestudy=project.phase == Project.Phase.PRE_STUDY,
    )


# --- the registers' lists -------------------------------------------------------------------------


@project_view(VIEW)
def stakeholders(request):
    rows = (
        Stakeholder.objects.filter(project=request.project)
        .select_related("organisation")
        .prefetch_related("workshops")
        .order_by("name")
    )
    return _page(
        request,
        "stakeholders.html",
        register=STAKEHOLDERS,
        stakeholders=rows,
        by_kind=_stakeholders_by_kind(request.project),
    )


@project_view(VIEW)
def events(request):
    rows = (
        Workshop.objects.filter(project=request.project)
        .prefetch_related("stakeholders")
        .order_by("held_on", "title")
    )
    return _page(
        request,
        "events.html",
        register=EVENTS,
        events=rows,
        has_stakeholders=request.project.stakeholders.exists(),
    )


@project_view(VIEW)
def activities(request):
    rows = (
        ProposedActivity.objects.filter(project=request.project)
        .select_related("category")
        .prefetch_related("target_groups", "proposed_by")
        .order_by("category__order", "category__code", "title")
    )
    return _page(
        request,
        "activities.html",
        register=ACTIVITIES,
        activities=rows,
        by_category=_activities_by_category(request.project),
    )


# Bands of a risk's score (likelihood × impact: 1–25), each with a name: the matrix's colour is
# never the only sign of how serious a cell is.
RISK_BANDS = [
    {"lowest": 1, "highest": 4, "code": "low", "label": gettext_lazy("Low")},
    {"lowest": 5, "highest": 9, "code": "medium", "label": gettext_lazy("Medium")},
    {"lowest": 10, "highest": 16, "code": "high", "label": gettext_lazy("High")},
    {"lowest": 20, "highest": 25, "code": "very-high", "label": gettext_lazy("Very high")},
]


def risk_band(score: int) -> dict:
    return next(band for band in RISK_BANDS if score <= band["highest"])


def risk_matrix(project) -> list[dict]:
    """Rows of likelihood 5 down to 1, each with its cells of impact 1 to 5: the number of
    risks, the score and its band (one query)."""
    counts = {
        (row["likelihood"], row["impact"]): row["n"]
        for row in Risk.objects.filter(project=project)
        .order_by()
        .values("likelihood", "impact")
        .annotate(n=Count("pk"))
    }
    return [
        {
            "likelihood": likelihood,
            "cells": [
                {
                    "impact": impact,
                    "count": counts.get((likelihood, impact), 0),
                    "score": likelihood * impact,
                    "band": risk_band(likelihood * impact),
                }
                for impact in range(1, 6)
            ],
        }
        for likelihood in range(5, 0, -1)
    ]


@project_view(VIEW)
def risks(request):
    rows = (
        Risk.objects.filter(project=request.project)
        .alias(by_score=F("likelihood") * F("impact"))
        .order_by("-by_score", "-impact", "-likelihood", "pk")
    )
    return _page(
        request,
        "risks.html",
        register=RISKS,
        risks=[{"risk": risk, "band": risk_band(risk.score)} for risk in rows],
        matrix=risk_matrix(request.project),
        bands=RISK_BANDS,
    )


@project_view(VIEW)
def swot(request):
    entries = SwotItem.objects.filter(project=request.project).order_by("recorded_on", "pk")
    by_quadrant = {quadrant: [] for quadrant in SwotItem.Quadrant.values}
    for entry in entries:
        by_quadrant[entry.quadrant].append(entry)
    return _page(
        request,
        "swot.html",
        register=SWOT,
        quadrants=[
            {"code": code, "label": label, "entries": by_quadrant[code]}
            for code, label in SwotItem.Quadrant.choices
        ],
        empty=not any(by_quadrant.values()),
    )


def _in_choice_order(field: str, choices) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(choices)),
        default=Value(len(choices)),
        output_field=IntegerField(),
    )


@project_view(VIEW)
def accessibility(request):
    rows = (
        AccessibilityMeasure.objects.filter(project=request.project)
        .alias(aspect_order=_in_choice_order("aspect", AccessibilityMeasure.Aspect.values))
        .order_by("aspect_order", "due_on", "pk")
    )
    return _page(
        request,
        "accessibility.html",
        register=MEASURES,
        measures=rows,
        today=clock.today(),
    )


@project_view(VIEW)
def mappings(request):
    rows = (
        TargetGroupMapping.objects.filter(project=request.project)
        .select_related("target_group")
        .order_by("target_group__name")
    )
    unmapped = request.project.target_groups.exclude(
        pk__in=TargetGroupMapping.objects.filter(project=request.project).values("target_group")
    ).order_by("name")
    return _page(
        request,
        "mappings.html",
        register=MAPPINGS,
        mappings=rows,
        unmapped=unmapped,
        has_target_groups=request.project.target_groups.exists(),
    )
