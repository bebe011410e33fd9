"""Every string the interface shows has a Swedish translation, and the compiled catalogue is
the one the message file describes."""

import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
IGNORE = [".venv", "tests", "bench", "staticfiles", "demo", "docs", ".pytest_cache", ".ruff_cache"]


def parse_po(path: Path) -> dict:
    """msgid (or (msgid, msgid_plural)) -> (list of msgstr forms, fuzzy?)."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current, fuzzy = {}, None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[current] += _unquote(line)
            else:
                current, _, rest = line.partition(" ")
                fields[current] = _unquote(rest)
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        msgid = fields["msgid"]
        if "msgctxt" in fields:  # as GNU gettext stores it: context, EOT, message
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        key = (msgid, fields["msgid_plural"]) if "msgid_plural" in fields else msgid
        forms = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        entries[key] = (forms, fuzzy)
    return entries


def _unquote(text: str) -> str:
    text = text.strip()[1:-1]
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def test_every_interface_string_has_a_swedish_translation(tmp_path, settings):
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed: cannot extract strings to compare")
    # makemessages writes into any locale/ folder above the files it reads, so it runs on a
    # copy of the source tree: the committed message file is never touched by the test.
    tree = tmp_path / "tree"
    shutil.copytree(BASE, tree, ignore=shutil.ignore_patterns(*IGNORE, ".git", "*.sqlite3"))
    settings.LOCALE_PATHS = [str(tree / "locale")]
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        call_command(
            "makemessages", locale=["sv"], ignore_patterns=IGNORE, no_obsolete=True, verbosity=0
        )
    finally:
        os.chdir(cwd)
    locale_dir = tree / "locale"
    extracted = parse_po(locale_dir / "sv" / "LC_MESSAGES" / "django.po")
    committed = parse_po(PO)
    missing_from_file = sorted(str(k) for k in extracted if k not in committed)
    untranslated = sorted(
        str(k) for k, (forms, fuzzy) in extracted.items() if fuzzy or not all(forms)
    )
    assert not missing_from_file, f"Run `make messages` and translate: {missing_from_file[:20]}"
    assert not untranslated, f"Untranslated or fuzzy Swedish strings: {untranslated[:20]}"


def test_compiled_swedish_catalogue_matches_the_message_file():
    with MO.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for key, (forms, _fuzzy) in parse_po(PO).items():
        if isinstance(key, tuple):
            assert catalogue.ngettext(key[0], key[1], 1) == forms[0], key
            assert catalogue.ngettext(key[0], key[1], 2) == forms[1], key
        elif "\x04" in key:
            context, message = key.split("\x04")
            assert catalogue.pgettext(context, message) == forms[0], key
        else:
            assert catalogue.gettext(key) == forms[0], f"Run `make messages`: {key!r} is stale"


def test_english_message_file_exists():
    assert (BASE / "locale" / "en" / "LC_MESSAGES" / "django.po").exists()


# Words a template may show untranslated: the product's name, the currency, and each language's
# name written in that language (the switch offers "På svenska" and "In English").
# Names and protocol words that are the same in every language (the API header "Authorization:
# Bearer …" is typed by programs, not read as prose).
UNTRANSLATED_ALLOWED = {
    "Följsam",
    "kr",
    "På",
    "svenska",
    "In",
    "English",
    "Authorization",
    "Bearer",
}
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]{2,}")
LABEL_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"§]*)"')


def test_templates_show_no_text_outside_translation_tags():
    from django.template.base import Lexer, TokenType

    offenders = []
    for path in sorted((BASE / "templates").rglob("*.html")):
        tokens = Lexer(path.read_text(encoding="utf-8")).tokenize()
        # Keep literal text; every template tag or variable becomes a placeholder.
        parts, in_block = [], False
        for token in tokens:
            name = token.contents.split(" ", 1)[0] if token.token_type == TokenType.BLOCK else ""
            if name in ("blocktranslate", "blocktrans"):
                in_block = True
            elif name in ("endblocktranslate", "endblocktrans"):
                in_block = False
            keep = token.token_type == TokenType.TEXT and not in_block
            parts.append(token.contents if keep else "§")
        text = "".join(parts)
        labels = LABEL_ATTRIBUTE.findall(text)
        visible = re.sub(r"<[^>]*>", " ", text)
        words = WORD.findall(visible) + [w for label in labels for w in WORD.findall(label)]
        stray = sorted(set(words) - UNTRANSLATED_ALLOWED)
        if stray:
            offenders.append(f"{path.relative_to(BASE)}: {stray}")
    assert not offenders, "Text not marked for translation:\n" + "\n".join(offenders)
