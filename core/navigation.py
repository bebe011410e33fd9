"""The project menu: one list, filtered by the membership's capabilities."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


def _is_prestudy(project) -> bool:
    return project.phase == project.Phase.PRE_STUDY


def _has_areas(project) -> bool:
    """A programme (over areas, seed 002) or one of its area parts: no query."""
    return project.kind in (project.Kind.PROGRAMME, project.Kind.AREA_PART)


# Entries shown only for some projects: url name → the question asked of the project.
SHOWN_FOR = {"prestudy:index": _is_prestudy, "areas:index": _has_areas}

# (url name, label, capability). Every project page shows the entries the role may use.
PROJECT_MENU = [
    ("core:project_detail", _("Overview"), "project.view"),
    ("enrolments:case_list", _("Participants"), "enrolments.view"),
    ("participants:intake", _("Register a participant"), "participants.change"),
    ("enrolments:follow_up_worklist", _("Follow-ups"), "enrolments.view"),
    ("interventions:catalogue", _("Interventions"), "interventions.view"),
    ("goals:dashboard", _("Goals"), "goals.view"),
    ("surveys:index", _("Surveys"), "project.view"),
    ("prestudy:index", _("Pre-study"), "prestudy.view"),
    ("areas:index", _("Areas and households"), "project.view"),
    ("esf:indicators", _("ESF indicators"), "reports.view"),
    ("status_reports:list", _("Status reports"), "reports.view"),
    ("microdata:index", _("Microdata for evaluation"), "reports.pseudonymised"),
    ("imports:index", _("Import"), "project.change"),
    ("project_settings:index", _("Project settings"), "project.settings"),
    ("publish:manage", _("Public page"), "project.publish"),
    ("core:audit_search", _("Audit log"), "audit.search"),
]


def project_menu(membership, current_path: str) -> list[dict]:
    items = []
    for url_name, label, capability in PROJECT_MENU:
        if not membership.has_capability(capability):
            continue
        shown_for = SHOWN_FOR.get(url_name)
        if shown_for is not None and not shown_for(membership.project):
            continue
        try:
            url = reverse(url_name, kwargs={"project_id": membership.project_id})
        except NoReverseMatch:  # an app that is not installed in this deployment
            continue
        items.append(
            {
                "url": url,
                "label": label,
                "current": current_path == url
                or (url_name != "core:project_detail" and current_path.startswith(url)),
            }
        )
    return items
