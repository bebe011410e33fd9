"""The pre-study checklist (seed 003): what a pre-study promised to deliver. The one rule for
when an item is done, asked by the checklist page and the `prestudy_checklist` goal:

an item is **done** when the manager has recorded it done (a date and the evidence) *and*, for
the items a register shows, the register agrees — a risk analysis needs at least one risk, a
gender-equality SWOT an entry in every quadrant, confirmed partners at least one partner and no
partner without a confirmation date. Recording an item done that its register does not back is
refused with the reason (prestudy/forms.py), so the goal never counts an empty claim.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import Deliverable, ProposedActivity, Risk, SwotItem, TargetGroupMapping

ITEMS = {
    "target_groups_mapped": _("Target groups mapped"),
    "interventions_specified": _("Interventions specified"),
    "risk_analysis": _("Risk analysis done"),
    "gender_swot": _("Gender-equality SWOT done (all four quadrants)"),
    "partners_confirmed": _("Every partner has confirmed taking part"),
    "application_submitted": _("Application for the implementation submitted"),
}
# What the register must hold for the item (items not named here rest on the evidence alone).
REGISTER_NEEDS = {
    "target_groups_mapped": _("Map at least one target group first."),
    "interventions_specified": _("Propose at least one activity first."),
    "risk_analysis": _("Record at least one risk first."),
    "gender_swot": _("The SWOT needs an entry in each of its four quadrants first."),
    "partners_confirmed": _(
        "Add the partners, each with the date they confirmed taking part, first."
    ),
}


def _register_exists(project):
    """Exists() expressions of the registers, for `project` (a pk or an OuterRef)."""
    from core.models import ProjectPartner

    return {
        "target_groups_mapped": Exists(TargetGroupMapping.objects.filter(project=project)),
        "interventions_specified": Exists(ProposedActivity.objects.filter(project=project)),
        "risk_analysis": Exists(Risk.objects.filter(project=project)),
        "partners_any": Exists(ProjectPartner.objects.filter(project=project)),
        "partners_unconfirmed": Exists(
            ProjectPartner.objects.filter(project=project, confirmed_on__isnull=True)
        ),
        **{
            f"swot_{quadrant}": Exists(SwotItem.objects.filter(project=project, quadrant=quadrant))
            for quadrant in SwotItem.Quadrant.values
        },
    }


def register_backing(project_id: int) -> dict[str, bool]:
    """Item -> does the register back it (True for items without a register), in one query."""
    from core.models import Project

    row = Project.objects.filter(pk=project_id).values(**_register_exists(OuterRef("pk"))).get()
    return {
        "target_groups_mapped": row["target_groups_mapped"],
        "interventions_specified": row["interventions_specified"],
        "risk_analysis": row["risk_analysis"],
        "gender_swot": all(row[f"swot_{q}"] for q in SwotItem.Quadrant.values),
        "partners_confirmed": row["partners_any"] and not row["partners_unconfirmed"],
        "application_submitted": True,
    }


def status(project_id: int) -> dict[str, dict]:
    """Item -> {"label", "deliverable" (or None), "backed", "done"}, in the order of ITEMS."""
    backed = register_backing(project_id)
    recorded = {d.item: d for d in Deliverable.objects.filter(project_id=project_id)}
    rows = {}
    for item, label in ITEMS.items():
        deliverable = recorded.get(item)
        recorded_done = deliverable is not None and deliverable.done_on is not None
        rows[item] = {
            "label": label,
            "deliverable": deliverable,
            "backed": backed[item],
            "needs": REGISTER_NEEDS.get(item),
            "done": recorded_done and backed[item],
        }
    return rows
