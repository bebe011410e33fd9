"""The dashboard's table cells as template tags: the same markup as reports/_value.html,
_fraction.html, _interval.html and _status.html, without an {% include %} per cell (a dashboard
has hundreds of breakdown cells, and includes made up most of its rendering time)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()
DASH = "—"


def _one_decimal(value) -> str:
    """What floatformat:1 gives (12,3 in Swedish, 12.3 in English), at a fraction of its cost:
    a dashboard has about a thousand of these."""
    return f"{float(value):.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))


def hidden_text(reason: str, threshold) -> str:
    """Why a figure is not shown, truthfully (core.disclosure's reasons)."""
    if reason == "small":
        return gettext("fewer than %(n)s") % {"n": threshold}
    if reason == "small_part":
        return gettext("hidden: a part of the group is fewer than %(n)s") % {"n": threshold}
    return gettext("hidden to protect another figure")


@register.simple_tag(takes_context=True)
def hidden(context, reason, threshold=None):
    """{% hidden reason [threshold] %}: the text for a figure hidden for `reason` (the page's
    threshold unless one is given)."""
    return hidden_text(reason, threshold or context.get("threshold"))


@register.simple_tag(takes_context=True)
def goal_value(context, value, is_share, suppressed=False, reason=""):
    if suppressed:
        return hidden_text(reason, context.get("threshold"))
    if value is None:
        return DASH
    if is_share:
        return f"{_one_decimal(value)} %"
    return floatformat(value, "-1g")


@register.simple_tag(takes_context=True)
def goal_fraction(context, cell):
    if cell.suppressed:
        return hidden_text(getattr(cell, "reason", ""), context.get("threshold"))
    if cell.numerator is None:
        return DASH
    if cell.denominator is None:
        return str(cell.numerator)
    return format_html('<span class="nowrap">{} / {}</span>', cell.numerator, cell.denominator)


@register.simple_tag
def goal_interval(low, high):
    if low is None or high is None:
        return DASH
    return format_html(
        '<span class="nowrap">{}–{} %</span>', floatformat(low, 1), floatformat(high, 1)
    )


@register.simple_tag
def goal_status(status, code):
    if not status:
        return DASH
    return format_html(
        '<span class="goal-status status-{}"><span class="status-icon" aria-hidden="true">{}</span>'
        " {}</span>",
        code,
        status["icon"],
        status["text"],
    )
