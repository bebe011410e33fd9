"""{% export_url "xlsx" %}: the current page's address with its filters, asking for a file."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context, fmt: str, style: str = "", table: str = "") -> str:
    """`table` names one of several tables on the page (`?table=flow`)."""
    request = context["request"]
    query = request.GET.copy()
    for key in ("format", "csv", "page", "table"):
        query.pop(key, None)
    query["format"] = fmt
    if style:
        query["csv"] = style
    if table:
        query["table"] = table
    return f"{request.path}?{query.urlencode()}"
