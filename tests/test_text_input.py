"""Names and free text are cleaned by one function (core.validators.clean_text) on every way in:
invisible formatting characters (bidirectional overrides and isolates, zero-width characters)
removed, other control characters refused with a message, NFC, trimmed, and a length limit.
Every form and API text field applies it by default (inputs/text.py)."""

import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

from core.validators import TEXT_MAX_LENGTH, _visible, clean_text
from enrolments.models import ContactNote
from participants.models import Participant

from .test_double_submit import NOTE, note_path
from .test_exit_followups import world  # noqa: F401  (fixture)
from .test_participant_page import login

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
INVISIBLE = BIDI + ZERO_WIDTH

# Text with many of the characters that matter: letters with combining marks, the invisible
# ones, control characters, line breaks and spaces.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from([*INVISIBLE, "\n", "\r", "\t", " ", "\x00", "\x1b", "a", "\u030a"]),
    )
)


def _between_letters(text: str, i: int) -> bool:
    """A zero-width (non-)joiner between two letters is spelling (Persian, Dari, Indic)."""
    if text[i] not in "\u200c\u200d" or i in (0, len(text) - 1):
        return False
    return all(unicodedata.category(c)[0] in "LM" for c in (text[i - 1], text[i + 1]))


def forbidden(text: str, multiline: bool) -> list[str]:
    allowed = "\n\t" if multiline else ""
    return [
        c
        for i, c in enumerate(text)
        if (unicodedata.category(c) in ("Cf", "Cc", "Cs") and c not in allowed or c in INVISIBLE)
        and not _between_letters(text, i)
    ]


@given(TEXT, st.booleans())
def test_cleaned_text_holds_no_forbidden_character_and_cleaning_again_changes_nothing(
    text, multiline
):
    try:
        cleaned = clean_text(text, multiline=multiline)
    except ValidationError as error:
        assert error.code == "control"
        return
    assert forbidden(cleaned, multiline) == []
    assert cleaned == unicodedata.normalize("NFC", cleaned) == cleaned.strip()
    assert clean_text(cleaned, multiline=multiline) == cleaned


@pytest.mark.parametrize("multiline", [False, True])
def test_a_printable_text_needs_no_cleaning_of_characters(multiline):
    """clean_text() skips the character steps (_visible) for a text str.isprintable() accepts:
    for every such character of Unicode they would keep it as it is."""
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable())
    assert len(printable) > 100_000
    assert _visible(printable, multiline) == printable


@given(TEXT)
def test_a_text_is_refused_only_for_a_control_character(text):
    without_invisible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    lines = without_invisible.replace("\r", "\n").replace("\u0085", "\n")
    controls = [c for c in lines if unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t"]
    try:
        clean_text(text, multiline=True)
    except ValidationError:
        assert controls
    else:
        assert not controls


def test_a_name_with_a_right_to_left_override_and_zero_width_characters_is_cleaned():
    assert clean_text(" \u202eLe\u200byla\u2066 \u200d") == "Leyla"
    # Persian spells with a zero-width non-joiner inside a word: kept there, and only there.
    assert clean_text("\u200cمی\u200cخواهم\u200c") == "می\u200cخواهم"
    assert clean_text("A\u030angstr\u00f6m") == "\u00c5ngstr\u00f6m"  # NFC: one "Å"
    with pytest.raises(ValidationError) as error:
        clean_text("Leyla\x00")
    assert error.value.code == "control"
    with pytest.raises(ValidationError):
        clean_text("Leyla\nAhmadi")  # a name is one line
    assert clean_text("Rad ett\r\nRad två\tslut", multiline=True) == "Rad ett\nRad två\tslut"


def test_every_text_field_of_every_form_cleans_by_default():
    class NewForm(forms.Form):
        name = forms.CharField()
        text = forms.CharField(widget=forms.Textarea)
        password = forms.CharField(strip=False, widget=forms.PasswordInput)

    form = NewForm({"name": "\u202eAnna\u200b", "text": "x" * (TEXT_MAX_LENGTH + 1),
                    "password": "\u200bsecret "})  # fmt: skip
    assert not form.is_valid()
    assert form.cleaned_data["name"] == "Anna"
    assert "text" in form.errors
    assert form.cleaned_data["password"] == "\u200bsecret "  # kept exactly as typed
    form = NewForm({"name": "Anna\x07", "text": "ok", "password": "p"})
    assert not form.is_valid() and "name" in form.errors


def test_a_hidden_field_keeps_its_lines_and_has_no_default_limit():
    class ConfirmForm(forms.Form):
        row_ids = forms.CharField(widget=forms.HiddenInput)

    ids = ",".join(str(n) for n in range(1000, 3000))  # a large group session's rows
    form = ConfirmForm({"row_ids": f"\u200b{ids}\nnext"})
    assert form.is_valid() and form.cleaned_data["row_ids"] == f"{ids}\nnext"


def test_an_api_text_field_cleans_and_refuses_like_a_form():
    class NewSerializer(serializers.Serializer):
        name = serializers.CharField()

    ok = NewSerializer(data={"name": "\u202eAnna\u200b"})
    assert ok.is_valid() and ok.validated_data["name"] == "Anna"
    bad = NewSerializer(data={"name": "Anna\x1b"})
    assert not bad.is_valid() and "name" in bad.errors
    long = NewSerializer(data={"name": "x" * 1001})
    assert not long.is_valid() and "name" in long.errors


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_note_with_invisible_characters_is_saved_without_them(client, world):  # noqa: F811
    client = login(client, world.case_worker)
    text = "Ringde\u200b \u202etillbaka\u202c i morgon.\nBokat möte."
    assert client.post(note_path(world), {**NOTE, "text": text}).status_code == 302
    assert ContactNote.objects.get().text == "Ringde tillbaka i morgon.\nBokat möte."


@pytest.mark.django_db
def test_a_one_megabyte_note_is_refused_with_a_message(client, world):  # noqa: F811
    client = login(client, world.case_worker)
    response = client.post(
        note_path(world), {**NOTE, "text": "a" * 1024 * 1024}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert not ContactNote.objects.exists()
    assert "10 000" in response.content.decode()


@pytest.mark.django_db
def test_a_note_with_a_control_character_is_refused(client, world):  # noqa: F811
    client = login(client, world.case_worker)
    response = client.post(note_path(world), {**NOTE, "text": "Ringde\x00 tillbaka"})
    assert response.status_code == 200
    assert not ContactNote.objects.exists()


@pytest.mark.django_db
def test_a_registered_name_is_stored_cleaned(client):
    from .test_intake import registration, url
    from .test_intake import world as intake_world

    w = intake_world.__wrapped__()
    client.force_login(w.case_worker.user)
    data = registration(w, given_name="\u202eLe\u200byla ", family_name="Ahmadi\u2069zadeh")
    client.post(url("register", w.project), data)
    person = Participant.objects.get()
    assert (person.given_name, person.family_name) == ("Leyla", "Ahmadizadeh")


@pytest.mark.django_db
def test_an_imported_name_is_cleaned_like_a_typed_one(settings):
    from django.utils import translation

    from imports.validation import check

    from .test_import import make_world, person_row, to_csv

    settings.FOLJSAM_TODAY = "2010-06-30"
    project, manager = make_world()
    rows = [
        person_row(1, **{"Förnamn": "\u202eLe\u200byla ", "Efternamn": "Ahmadi\u2069zadeh"}),
        person_row(2, **{"Förnamn": "Omar\x1b"}),
        person_row(3, **{"Efternamn": "x" * 101}),
    ]
    with translation.override("en"):
        plan = check(to_csv(rows), filename="f.csv", project=project, user=manager)
    [valid] = plan.valid
    assert (valid.person["given_name"], valid.person["family_name"]) == ("Leyla", "Ahmadizadeh")
    assert len(plan.rejected) == 2
