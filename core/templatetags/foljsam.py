from django import template

from core.navigation import project_menu

register = template.Library()


@register.inclusion_tag("core/_project_nav.html", takes_context=True)
def project_nav(context):
    request = context["request"]
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"items": [], "project": None}
    return {"items": project_menu(membership, request.path), "project": membership.project}


@register.filter
def can(membership, capability: str) -> bool:
    """{% if request.membership|can:"goals.change" %}: templates ask the policy (core.policy),
    never a role's name."""
    from core.policy import can as policy_can

    return policy_can(membership, capability)
