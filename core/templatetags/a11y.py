"""Template helpers for the error summary (templates/includes/form_errors.html): where each
error's link points, and whether any of several forms has errors. docs/accessibility.md."""

from django import template

register = template.Library()


@register.filter
def error_anchor(bound_field) -> str:
    """The id an error summary links to for a field: the input its label points at, or — for
    radio buttons and checkbox groups, whose label points at no one input — the group itself
    (Django's own rendering and templates/participants/_choices.html give the group that id)."""
    return bound_field.id_for_label or bound_field.auto_id or ""


@register.simple_tag(takes_context=True)
def forms_with_errors(context) -> list:
    """The forms of the summary that have errors: the context's `forms` (a list) if it has one,
    else its `form`; an empty list when none has errors."""
    forms = context.get("forms") or context.get("form")
    if not forms:
        return []
    if not isinstance(forms, list | tuple):
        forms = [forms]
    return [form for form in forms if form is not None and getattr(form, "errors", None)]
