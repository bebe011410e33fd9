"""Every form that can show field errors shows them in the one error summary of the product
(templates/includes/form_errors.html): at the top of the form, linking to each field, focused by
static/js/foljsam.js when the page loads or an htmx save comes back with errors (WCAG 3.3.1,
2.4.3; docs/accessibility.md). tests/browser/test_focus.py checks the focus in the browser."""

import re
from pathlib import Path

import pytest
from django.forms import (
    CharField,
    CheckboxSelectMultiple,
    ChoiceField,
    Form,
    MultipleChoiceField,
    RadioSelect,
)
from django.template.loader import render_to_string

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORM = re.compile(r"<form\b", re.I)
# A template shows a field's errors when it renders fields through the field includes or reads
# a field's errors itself.
SHOWS_FIELDS = re.compile(
    r"includes/field\.html|_radio_field\.html|_choices\.html|_checkbox\.html|_param_field\.html"
    r"|\.errors\b"
)
SUMMARY = re.compile(
    r'includes/form_errors\.html|participants/_error_summary\.html|class="error-summary"'
)


def test_every_form_with_fields_has_the_error_summary():
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if FORM.search(text) and SHOWS_FIELDS.search(text) and not SUMMARY.search(text):
            missing.append(str(path.relative_to(TEMPLATES.parent)))
    assert not missing, (
        "Forms whose errors have no error summary: "
        + ", ".join(missing)
        + '. Put {% include "includes/form_errors.html" %} (or `with form=…` / `with forms=[…]`) '
        "first inside the <form>: it links to each field with an error, and static/js/foljsam.js "
        "moves focus to it (docs/accessibility.md)."
    )


class _Form(Form):
    name = CharField(label="Name")
    gender = ChoiceField(label="Gender", choices=[("w", "W"), ("m", "M")], widget=RadioSelect)
    purposes = MultipleChoiceField(
        label="Purposes", choices=[("a", "A")], widget=CheckboxSelectMultiple
    )


@pytest.mark.parametrize("key", ["form", "forms"])
def test_the_summary_links_each_error_to_its_field(key):
    form = _Form(data={})
    assert not form.is_valid()
    context = {key: form if key == "form" else [None, _Form(), form]}
    html = render_to_string("includes/form_errors.html", context)
    assert 'class="error-summary"' in html and 'tabindex="-1"' in html
    # A text input by its id; a radio or checkbox group by the group's id (the label of a group
    # points at no one input; Django's rendering and _choices.html give the group that id).
    for anchor in ("#id_name", "#id_gender", "#id_purposes"):
        assert f'href="{anchor}"' in html, html
    # The group's id is on the page when Django renders the widget.
    assert 'id="id_gender"' in str(form["gender"]) and 'id="id_purposes"' in str(form["purposes"])


def test_no_summary_without_errors():
    assert "error-summary" not in render_to_string("includes/form_errors.html", {"form": _Form()})
    assert "error-summary" not in render_to_string("includes/form_errors.html", {})
