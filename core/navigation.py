"""The project menu: one list, filtered by the membership's capabilities."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, capability). Every project page shows the entries the role may use.
PROJECT_MENU = [
    ("core:project_detail", _("Overview"), "project.view"),
    ("enrolments:case_list", _("Participants"), "enrolments.view"),
    ("participants:intake", _("Register a participant"), "participants.change"),
    ("enrolments:follow_up_worklist", _("Follow-ups"), "enrolments.view"),
    ("interventions:catalogue", _("Interventions"), "interventions.view"),
    ("goals:dashboard", _("Goals"), "goals.view"),
    ("surveys:index", _("Surveys"), "project.view"),
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
