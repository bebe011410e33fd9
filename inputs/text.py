"""Every text field of every form and API serializer cleans its value with
core.validators.clean_text, by default: a field written tomorrow gets it without asking.

Django's forms.CharField (and its subclasses: e-mail, URL, slug, hidden fields…) and DRF's
serializers.CharField are given the cleaning step once, at start-up (InputsConfig.ready). A
field that keeps its text exactly as sent says so with strip=False (Django) or
trim_whitespace=False (DRF): passwords, and the project bank's confirmed text, whose bytes must
match what was checked. A Textarea (or a DRF field styled as one) is multi-line: newlines
and tabs stay; so is a hidden field, which gets no default limit. Any other field without a
max_length gets one: TEXT_MAX_LENGTH for multi-line text, LINE_MAX_LENGTH for a line (names:
their model's or form's own 100).
"""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.validators import LINE_MAX_LENGTH, TEXT_MAX_LENGTH, clean_text

_installed = False


def _form_field_is_multiline(field) -> bool:
    # A hidden field carries what the server rendered (ids, a text being confirmed): its lines
    # stay, and it gets no default limit (a group session's row ids grow with the group).
    return isinstance(field.widget, forms.Textarea | forms.HiddenInput)


def _serializer_field_is_multiline(field) -> bool:
    return field.style.get("base_template") == "textarea.html"


def clean_field_value(value: str, *, multiline: bool, max_length: int | None) -> str:
    """clean_text with the default limit when the field has none of its own."""
    default = TEXT_MAX_LENGTH if multiline else LINE_MAX_LENGTH
    return clean_text(
        value, multiline=multiline, max_length=default if max_length is None else None
    )


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True

    form_to_python = forms.CharField.to_python

    def to_python(self, value):
        value = form_to_python(self, value)
        if self.strip and isinstance(value, str) and value:
            if isinstance(self.widget, forms.HiddenInput):
                value = clean_text(value, multiline=True)
            else:
                value = clean_field_value(
                    value, multiline=_form_field_is_multiline(self), max_length=self.max_length
                )
            if not value:
                return self.empty_value
        return value

    forms.CharField.to_python = to_python

    serializer_to_internal = serializers.CharField.to_internal_value

    def to_internal_value(self, data):
        value = serializer_to_internal(self, data)
        if self.trim_whitespace and isinstance(value, str) and value:
            try:
                value = clean_field_value(
                    value,
                    multiline=_serializer_field_is_multiline(self),
                    max_length=self.max_length,
                )
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages, code=error.code) from error
        return value

    serializers.CharField.to_internal_value = to_internal_value
