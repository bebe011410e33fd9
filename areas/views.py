"""The area programme's pages (seed 002), under /projects/<id>/area/: the figures of every area
(households that became self-sufficient, context statistics as a trend, local initiatives),
their management, and households as a unit with their own pages (docs/areas.md).

A programme shows its own records and its parts' (`Project.counted_project_ids()`); every object
is looked up within them, so another project's id is a 404. Members of a household are people:
only those whose enrolment the reader may see are shown (enrolments.access), and every list of
them is a logged read. The figures are in areas/figures.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.audit import log_people_shown
from core.clock import today
from core.decorators import project_view
from core.forms import add_errors
from core.models import Area, AreaStatistic, LocalInitiative
from core.policy import Capability, can, disclosure_for
from enrolments.access import visible_enrolments
from enrolments.households import self_sufficient_exits
from enrolments.models import IncomeSource
from participants.models import Household, Participant

from . import charts, figures, services
from .forms import AreaStatisticForm, HouseholdForm, LocalInitiativeForm

PAGE_SIZE = 50
VIEW = Capability.PROJECT_VIEW.value
CHANGE = Capability.PROJECT_CHANGE.value
HOUSEHOLDS_VIEW = Capability.ENROLMENTS_VIEW.value
HOUSEHOLDS_CHANGE = Capability.PARTICIPANTS_CHANGE.value


def _render(request, template, **context):
    return render(request, f"areas/{template}", {"project": request.project, **context})


# --- the index ----------------------------------------------------------------------------------


def _measure_labels():
    return {
        "population_20_64": _("Population aged 20–64"),
        "employment_rate": _("Employment rate"),
        "social_assistance_share": _("Share on social assistance"),
    }


def _format(value, is_share: bool) -> str:
    from django.template.defaultfilters import floatformat

    if is_share:
        return f"{floatformat(value, 1)} %"
    return floatformat(value, "0g")


def _trend_charts(area, statistics) -> list[dict]:
    """One small chart per measure with at least one value: its geometry, title and a
    description saying the first and last values (the table beside it has every year)."""
    labels = _measure_labels()
    found = []
    for measure in figures.MEASURES:
        is_share = measure != "population_20_64"
        points = [{"label": s.year, "value": getattr(s, measure)} for s in statistics]
        known = [p for p in points if p["value"] is not None]
        if not known:
            continue
        first, last = known[0], known[-1]
        title = _("%(measure)s in %(area)s") % {"measure": labels[measure], "area": area.name}
        if first is last:
            desc = _("%(value)s in %(year)s.") % {
                "value": _format(first["value"], is_share),
                "year": first["label"],
            }
        else:
            desc = _("From %(first)s in %(first_year)s to %(last)s in %(last_year)s.") % {
                "first": _format(first["value"], is_share),
                "first_year": first["label"],
                "last": _format(last["value"], is_share),
                "last_year": last["label"],
            }
        found.append(
            {
                "id": f"trend-{area.pk}-{measure}",
                "title": title,
                "desc": desc,
                "chart": charts.trend_chart(points, is_share=is_share),
            }
        )
    return found


@project_view(VIEW)
def index(request):
    """Every area of the project (for a programme: of its parts): its households, how many
    became self-sufficient and when, its context statistics as a trend and its initiatives."""
    project = request.project
    threshold = disclosure_for(request.membership)
    areas = list(figures.area_choices(project))
    household = figures.household_figures(project, threshold, areas=areas)
    initiatives, budgets = figures.initiatives_by_area(project.counted_project_ids())
    keys = list(household.by_area)
    extra = [k for k in initiatives if k not in keys]
    keys += extra
    area_of = {a.pk: a for a in areas}
    area_of.update({a.pk: a for a in Area.objects.filter(pk__in=[k for k in keys if k])})
    statistics = figures.statistics_by_area([k for k in keys if k])
    parts = figures.parts_by_area(project)
    sections = []
    for key in keys:
        area = area_of.get(key)
        share = household.by_area.get(key)
        if area is None and not (share and share.total):
            continue
        sections.append(
            {
                "key": str(key) if key is not None else "none",
                "area": area,
                "label": area.name if area else _("No area given"),
                "parts": parts.get(key, []),
                "households": share,
                "series": household.series.get(key),
                "statistics": statistics.get(key, []),
                "charts": _trend_charts(area, statistics.get(key, [])) if area else [],
                "initiatives": initiatives.get(key, []),
                "budget": budgets.get(key),
            }
        )
    membership = request.membership
    return _render(
        request,
        "index.html",
        figures=household,
        threshold=threshold,
        sections=sections,
        overall_series=household.series.get("all"),
        several=len(household.by_area) > 1,
        can_change=can(membership, CHANGE),
        kept_area_ids=set(figures.areas_kept_by(project).values_list("pk", flat=True))
        if can(membership, CHANGE)
        else set(),
        can_see_households=can(membership, HOUSEHOLDS_VIEW),
        can_add_household=can(membership, HOUSEHOLDS_CHANGE),
        can_see_goals=can(membership, Capability.GOALS_VIEW),
        is_programme=project.kind == project.Kind.PROGRAMME,
        is_index=True,
    )


# --- context statistics -------------------------------------------------------------------------


def _statistic(request, statistic_id) -> AreaStatistic:
    return get_object_or_404(
        AreaStatistic.objects.select_related("area"),
        pk=statistic_id,
        area__in=figures.areas_kept_by(request.project),
    )


def _statistic_form(request, instance):
    form = AreaStatisticForm(
        request.POST if request.method == "POST" else None,
        instance=instance,
        project=request.project,
        initial={"area": request.GET.get("area")} if instance.pk is None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            statistic = services.save_statistic(by=request.user, project=request.project, form=form)
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request,
                _("The statistics of %(area)s for %(year)s are saved.")
                % {"area": statistic.area.name, "year": statistic.year},
            )
            return redirect(_area_url(request, statistic.area_id))
    return _render(request, "statistic_form.html", form=form, statistic=instance)


def _area_url(request, area_id) -> str:
    from django.urls import reverse

    return reverse("areas:index", kwargs={"project_id": request.project.pk}) + (f"#area-{area_id}")


@project_view(CHANGE)
def statistic_add(request):
    return _statistic_form(request, AreaStatistic())


@project_view(CHANGE)
def statistic_edit(request, statistic_id):
    return _statistic_form(request, _statistic(request, statistic_id))


@project_view(CHANGE)
def statistic_remove(request, statistic_id):
    statistic = _statistic(request, statistic_id)
    message = _("The statistics of %(area)s for %(year)s are removed.") % {
        "area": statistic.area.name,
        "year": statistic.year,
    }
    return _confirm_remove(
        request, statistic, services.remove_statistic, message, "statistic_remove.html"
    )


def _confirm_remove(request, entry, remove, message, template):
    """GET asks, POST removes (through `remove`, audited) and goes back to the entry's area."""
    if request.method == "POST":
        remove(by=request.user, project=request.project, **{_name(entry): entry})
        messages.success(request, message)
        return redirect(_area_url(request, entry.area_id))
    return _render(request, template, **{_name(entry): entry})


def _name(entry) -> str:
    return {AreaStatistic: "statistic", LocalInitiative: "initiative"}[type(entry)]


# --- local initiatives --------------------------------------------------------------------------


def _initiative(request, initiative_id) -> LocalInitiative:
    return get_object_or_404(
        LocalInitiative.objects.select_related("area"),
        pk=initiative_id,
        project_id__in=request.project.counted_project_ids(),
    )


def _initiative_form(request, instance):
    form = LocalInitiativeForm(
        request.POST if request.method == "POST" else None,
        instance=instance,
        project=request.project,
        initial={"area": request.GET.get("area")} if instance.pk is None else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.save_initiative(
                by=request.user, project=request.project, form=form
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request, _("The initiative “%(title)s” is saved.") % {"title": initiative.title}
            )
            return redirect(_area_url(request, initiative.area_id))
    return _render(request, "initiative_form.html", form=form, initiative=instance)


@project_view(CHANGE)
def initiative_add(request):
    return _initiative_form(request, LocalInitiative(project=request.project))


@project_view(CHANGE)
def initiative_edit(request, initiative_id):
    return _initiative_form(request, _initiative(request, initiative_id))


@project_view(CHANGE)
def initiative_remove(request, initiative_id):
    initiative = _initiative(request, initiative_id)
    message = _("The initiative “%(title)s” is removed.") % {"title": initiative.title}
    return _confirm_remove(
        request, initiative, services.remove_initiative, message, "initiative_remove.html"
    )


# --- households ---------------------------------------------------------------------------------


def _households(request):
    """The households of the project's counted projects, with their self-sufficiency and
    whether a member is hidden from the reader (`has_hidden_member`): a household's status is
    made of every member's exit, so it is shown — and may be filtered on — only where the reader
    may see every member; otherwise it would tell the outcome of a person they may not see."""
    ids = request.project.counted_project_ids()
    hidden = Participant.objects.filter(household_id=OuterRef("pk")).exclude(
        pk__in=visible_enrolments(request).values("participant_id")
    )
    return figures.with_self_sufficiency(
        Household.objects.filter(project_id__in=ids)
        .select_related("area", "contact_worker", "project")
        .annotate(has_hidden_member=Exists(hidden)),
        ids,
    )


def _visible_members(request, household_ids) -> dict[int, list[dict]]:
    """household id -> the members the reader may see, each with an enrolment of theirs to
    link to: through the one visibility rule (enrolments.access.visible_enrolments)."""
    found: dict[int, dict[int, dict]] = {}
    rows = (
        visible_enrolments(request)
        .filter(
            participant__household_id__in=household_ids,
            project_id__in=request.project.counted_project_ids(),
        )
        .select_related("participant")
        .order_by("participant_id", "-referred_on", "-pk")
    )
    for enrolment in rows:
        household = found.setdefault(enrolment.participant.household_id, {})
        household.setdefault(
            enrolment.participant_id,
            {"participant": enrolment.participant, "enrolments": []},
        )["enrolments"].append(enrolment)
    return {h: list(members.values()) for h, members in found.items()}


@project_view(HOUSEHOLDS_VIEW)
def households(request):
    """The households, a page at a time, filtered by area and by self-sufficiency."""
    ids = request.project.counted_project_ids()
    areas = list(figures.area_choices(request.project))
    chosen_area = request.GET.get("area", "")
    status = request.GET.get("status", "")
    rows = _households(request)
    if chosen_area == "none":
        rows = rows.filter(area__isnull=True)
    elif chosen_area.isdigit() and int(chosen_area) in {a.pk for a in areas}:
        rows = rows.filter(area_id=int(chosen_area))
    else:
        chosen_area = ""
    if status in ("yes", "no", "unknown"):
        # Only households whose every member the reader may see: their status is shown.
        rows = rows.filter(figures.self_sufficiency_filter(status, ids), has_hidden_member=False)
    else:
        status = ""
    page = Paginator(rows.order_by("reference", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))

    def query(number):
        params = request.GET.copy()
        params["page"] = number
        return "?" + params.urlencode()

    page.previous_query = query(page.previous_page_number()) if page.has_previous() else ""
    page.next_query = query(page.next_page_number()) if page.has_next() else ""
    members = _visible_members(request, [h.pk for h in page])
    for household in page:
        household.visible_members = members.get(household.pk, [])
    shown = [m["participant"].pk for ms in members.values() for m in ms]
    if shown:
        log_people_shown(
            by=request.user, project=request.project, person_ids=shown, reason="household list"
        )
    return _render(
        request,
        "households.html",
        page=page,
        areas=areas,
        chosen_area=chosen_area,
        status=status,
        filtered=bool(chosen_area or status),
        can_add=can(request.membership, HOUSEHOLDS_CHANGE),
    )


def _income_label(value: str) -> str:
    return str(dict(IncomeSource.choices).get(value, value)) if value else _("not recorded")


@project_view(HOUSEHOLDS_VIEW)
def household(request, household_id):
    """One household: its fields, the members the reader may see, and whether it became
    self-sufficient — when (the last member's exit) and on what (the members' exit income) — or
    which members are not there yet."""
    found = get_object_or_404(_households(request), pk=household_id)
    members = _visible_members(request, [found.pk]).get(found.pk, [])
    all_members = Participant.objects.filter(household=found).count()
    ids = request.project.counted_project_ids()
    good: dict[int, list] = {}
    for enrolment in self_sufficient_exits(ids).filter(
        participant_id__in=[m["participant"].pk for m in members]
    ):
        good.setdefault(enrolment.participant_id, []).append(enrolment)
    not_yet, sources = [], []
    for member in members:
        exits = [e for e in member["enrolments"] if e.exited_on]
        member["exit"] = exits[0] if exits else None
        member["income"] = _income_label(exits[0].exit_income_source) if exits else ""
        mine = good.get(member["participant"].pk, [])
        member["self_sufficient"] = bool(mine)
        if mine:
            sources.extend(_income_label(e.exit_income_source) for e in mine)
        else:
            not_yet.append(member)
    if members:
        log_people_shown(
            by=request.user,
            project=request.project,
            person_ids=[m["participant"].pk for m in members],
            reason="household page",
        )
    return _render(
        request,
        "household.html",
        household=found,
        members=members,
        hidden_members=all_members - len(members),
        sources=list(dict.fromkeys(sources)),
        not_yet=not_yet,
        can_edit=can(request.membership, HOUSEHOLDS_CHANGE)
        and found.project_id == request.project.pk,
    )


def _choosable(request, household):
    """The participants the reader may see who are enrolled in the project (or its parts) and
    in no other household."""
    enrolled = visible_enrolments(request).filter(
        project_id__in=request.project.counted_project_ids(), participant_id=OuterRef("pk")
    )
    free = Q(household__isnull=True)
    if household.pk:
        free |= Q(household=household)
    return (
        Participant.objects.filter(Exists(enrolled))
        .filter(free)
        .order_by("family_name", "given_name", "pk")
    )


def _household_form(request, household):
    choosable = _choosable(request, household)
    hidden = []
    if household.pk:
        hidden = list(
            Participant.objects.filter(household=household)
            .exclude(pk__in=choosable.values("pk"))
            .values_list("pk", flat=True)
        )
    form = HouseholdForm(
        request.POST if request.method == "POST" else None,
        instance=household,
        project=request.project,
        choosable=choosable,
        hidden_members=len(hidden),
    )
    if request.method == "POST" and form.is_valid():
        changed = list(form.changed_data)
        try:
            saved = services.save_household(
                by=request.user,
                project=request.project,
                household=form.save(commit=False),
                members=form.cleaned_data["members"],
                kept=hidden,
                fields=[name for name in changed if name != "members"]
                if household.pk
                else [name for name in form.fields if name != "members"],
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request, _("The household %(reference)s is saved.") % {"reference": saved}
            )
            return redirect("areas:household", project_id=request.project.pk, household_id=saved.pk)
    shown = [p.pk for p in form.fields["members"].queryset]
    if shown:
        log_people_shown(
            by=request.user,
            project=request.project,
            person_ids=shown,
            reason="household members to choose",
        )
    return _render(
        request, "household_form.html", form=form, household=household, hidden_members=len(hidden)
    )


@project_view(HOUSEHOLDS_CHANGE)
def household_add(request):
    return _household_form(request, Household(project=request.project, contacted_on=today()))


@project_view(HOUSEHOLDS_CHANGE)
def household_edit(request, household_id):
    """A household of this project itself (a part's households are changed in the part, where
    its members are enrolled)."""
    found = Household.objects.filter(project=request.project, pk=household_id).first()
    if found is None:
        raise Http404
    return _household_form(request, found)
