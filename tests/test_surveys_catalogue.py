"""The participants' languages are complete: every template question, every answer label and
every text of the participant's page exists in each of the seven languages, with the same
placeholders as the English, and each language writes its own digits and direction."""

import re

import pytest

from surveys.catalogue import (
    AGREEMENT,
    LANGUAGES,
    PAGE_TEXT,
    SATISFACTION_SCALE,
    TEMPLATES,
    in_digits,
)

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_the_seven_languages_the_issue_names_are_offered():
    assert set(LANGUAGES) >= {"sv", "en", "ar", "so", "ti", "prs", "fa"}
    assert {code for code, (_name, direction, _d) in LANGUAGES.items() if direction == "rtl"} == {
        "ar",
        "prs",
        "fa",
    }


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_template_and_scale_is_translated(language):
    for key, template in TEMPLATES.items():
        assert template["text"].get(language, "").strip(), (key, language)
        if template["kind"] == "scale":
            labels = template["options"].get(language) or []
            assert len(labels) == 5 and all(label.strip() for label in labels), (key, language)
    for scale in (AGREEMENT, SATISFACTION_SCALE):
        assert len(set(scale[language])) == 5, language  # five different answers


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_text_is_there_with_the_same_placeholders(language):
    for key, texts in PAGE_TEXT.items():
        text = texts.get(language, "")
        assert text.strip(), (key, language)
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(texts["en"])), (
            key,
            language,
        )
        # str.format must fill it without a KeyError or a stray brace.
        text.format(name="N", n=1, m=2, project="P", link="L", date="D")


def test_numbers_are_written_in_the_languages_own_digits():
    assert in_digits(2015, "ar") == "٢٠١٥"
    assert in_digits("2015-07-22", "fa") == "۲۰۱۵-۰۷-۲۲"
    assert in_digits("2015-07-22", "prs") == "۲۰۱۵-۰۷-۲۲"
    assert in_digits(5, "so") == in_digits(5, "ti") == in_digits(5, "sv") == "5"
