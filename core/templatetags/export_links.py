"""{% export_url "xlsx" %}: the current page's address with its filters, asking for a file."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context, fmt: str, style: str = "") -> str:
    request = context["request"]
    query = request.GET.copy()
    for key in ("format", "csv", "page"):
        query.pop(key, None)
    query["format"] = fmt
    if style:
        query["csv"] = style
    return f"{request.path}?{query.urlencode()}"
