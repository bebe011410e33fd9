"""Read the text of a project-bank page, as a user copies it from the browser, into fields.

The parser reads text only: it never looks up a project it knows, and it never guesses. A field
whose label is not in the text is reported as missing; a label whose value cannot be read (an
amount that is not a number, a period without two dates) is reported as unreadable and left
empty. The database is not touched here (projectbank.services matches organisations and
municipalities and creates the project).

The layout of a project-bank page (seeds 000, 001, 003, 004):

    <page chrome: "Logotyp på utskrifter", "Stäng", banners>
    <title>
    ProgramområdeProgramområde 2 Ökat arbetskraftsutbud      label and value run together,
    ProjektfasFörprojektering                                or "Label: value", "Label<TAB>value",
    ...                                                      or the value on the next line
    In English
    Sammanfattning                                           a heading is a line of its own
    <paragraphs>
    ...
    Medfinansiärer / Samarbetspartners / Kommun              bullet lists

A municipality's own page (seed 002) has a title, an introduction and short headings of its own:
the introduction becomes the summary and each short heading a section of kind "other".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_BYTES = 1_000_000  # a project-bank page is 5–20 kB; anything past 1 MB is not one
MAX_LIST_ITEM = 200  # an organisation's name (Organisation.name)

# Field name -> labels as they appear on the page (Swedish and English). Longest first when
# matching, so "Telefonnummer" wins over "Telefon" and "Total projektbudget" over "Projektbudget".
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "programme_area": ("Programområde", "Programme area", "Program area"),
    "phase": ("Projektfas", "Project phase"),
    "owner": ("Projektägare", "Project owner"),
    "contact_name": ("Kontaktperson", "Contact person"),
    "contact_email": ("E-postadress", "E-post", "E-mail address", "E-mail", "Email"),
    "contact_phone": ("Telefonnummer", "Telefon", "Phone number", "Telephone", "Phone"),
    "esf_grant": ("Beviljat ESF-stöd", "ESF-stöd", "Granted ESF support", "ESF grant"),
    "total_budget": (
        "Total projektbudget",
        "Projektbudget",
        "Total project budget",
        "Total budget",
    ),
    "period": ("Projektperiod", "Project period"),
    "region": ("Region",),
}
FIELD_ORDER = [
    "title",
    "programme_area",
    "phase",
    "owner",
    "contact_name",
    "contact_email",
    "contact_phone",
    "esf_grant",
    "total_budget",
    "period",
    "region",
]
# The longest value a field may have (the model's max_length).
MAX_LENGTH = {
    "title": 250,
    "programme_area": 200,
    "owner": 200,
    "contact_name": 150,
    "contact_email": 254,
    "contact_phone": 40,
    "region": 100,
}

# Narrative section headings -> (ProjectSection.Key, language).
SECTION_HEADINGS: dict[str, tuple[str, str]] = {
    "sammanfattning": ("summary", "sv"),
    "bakgrund": ("background", "sv"),
    "syfte": ("purpose", "sv"),
    "målsättning": ("goals", "sv"),
    "mål": ("goals", "sv"),
    "tillgänglighet för personer med funktionsnedsättning": ("accessibility", "sv"),
    "tillgänglighet": ("accessibility", "sv"),
    "jämställdhetsintegrering": ("gender_mainstreaming", "sv"),
    "jämställdhet": ("gender_mainstreaming", "sv"),
    "transnationellt samarbete": ("transnational", "sv"),
    "summary": ("summary", "en"),
    "background": ("background", "en"),
    "purpose": ("purpose", "en"),
    "aim": ("purpose", "en"),
    "objectives": ("goals", "en"),
    "goals": ("goals", "en"),
    "accessibility for persons with disabilities": ("accessibility", "en"),
    "accessibility for people with disabilities": ("accessibility", "en"),
    "accessibility": ("accessibility", "en"),
    "gender mainstreaming": ("gender_mainstreaming", "en"),
    "gender equality": ("gender_mainstreaming", "en"),
    "transnational cooperation": ("transnational", "en"),
    "transnational co-operation": ("transnational", "en"),
}
SECTION_ORDER = [
    "summary",
    "background",
    "purpose",
    "goals",
    "accessibility",
    "gender_mainstreaming",
    "transnational",
]
# List headings -> list name.
LIST_HEADINGS: dict[str, str] = {
    "medfinansiärer": "co_financiers",
    "medfinansiär": "co_financiers",
    "co-financiers": "co_financiers",
    "co-funders": "co_financiers",
    "samarbetspartners": "partners",
    "samarbetspartner": "partners",
    "partners": "partners",
    "cooperation partners": "partners",
    "kommun": "municipalities",
    "kommuner": "municipalities",
    "municipality": "municipalities",
    "municipalities": "municipalities",
}
# Lines of the page's frame, not of the project: the print logo, the close button, the
# language link. They are listed among the unused lines in the preview.
CHROME = {
    "logotyp på utskrifter",
    "stäng",
    "close",
    "in english",
    "på svenska",
    "skriv ut",
    "print",
}
PHASES = {
    "förprojektering": "pre_study",
    "förstudie": "pre_study",
    "pre-study": "pre_study",
    "prestudy": "pre_study",
    "pre-project": "pre_study",
    "project planning": "pre_study",
    "genomförande": "implementation",
    "implementation": "implementation",
    "avslutad": "closed",
    "avslutat": "closed",
    "avslutat projekt": "closed",
    "closed": "closed",
    "completed": "closed",
    "finished": "closed",
}
BULLETS = "•·●▪■◦‣*-–—"
SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
SWEDISH_WORDS = {"och", "att", "det", "som", "för", "med", "är", "på", "av", "en", "till", "i"}
ENGLISH_WORDS = {"the", "and", "of", "to", "is", "for", "with", "in", "a", "that", "are", "on"}


class TextTooLarge(ValueError):
    pass


@dataclass
class Section:
    key: str  # a ProjectSection.Key value
    language: str  # "sv" or "en"
    body: str
    heading: str = ""  # the page's heading; kept in the database for sections of kind "other"

    @property
    def first_lines(self) -> str:
        """The first two lines, at most 300 characters, for the preview."""
        lines = [line for line in self.body.splitlines() if line.strip()]
        text = "\n".join(lines[:2])
        return text if len(text) <= 300 else text[:299].rstrip() + "…"


@dataclass
class ParsedPage:
    """What the text says. `values` holds every field found and read; `missing` the fields
    whose label is not in the text; `unreadable` maps a field to the raw text that could not
    be read."""

    values: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)
    unreadable: dict = field(default_factory=dict)
    sections: list = field(default_factory=list)
    co_financiers: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    municipalities: list = field(default_factory=list)
    unused_lines: list = field(default_factory=list)
    recognised: bool = False  # any label or heading of a project-bank page found

    def get(self, name, default=None):
        return self.values.get(name, default)

    @property
    def title(self) -> str:
        return self.values.get("title", "")

    def section(self, key: str, language: str = "sv", heading: str = "") -> Section | None:
        for section in self.sections:
            if section.key == key and section.language == language:
                if key != "other" or section.heading == heading:
                    return section
        return None

    def missing_sections(self, language: str = "sv") -> list[str]:
        present = {s.key for s in self.sections if s.language == language}
        return [key for key in SECTION_ORDER if key not in present]

    @property
    def has_english(self) -> bool:
        return any(s.language == "en" for s in self.sections)


# --- values ------------------------------------------------------------------------------------


def normalise_spaces(value: str) -> str:
    return value.translate({ord(c): " " for c in SPACES})


_AMOUNT = re.compile(
    r"^(?P<int>\d{1,3}(?:[ .]\d{3})+|\d+)(?:,(?P<dec>\d{1,2}))?$",
)
_CURRENCY = re.compile(r"(?i)\b(?:sek|kr|kronor)\b\.?|:-")


def parse_amount(value: str) -> int | Decimal | None:
    """'12 464 585 kr', '12 464 585 SEK', 'SEK 1 147 500', '860 624:-', '454 155,00 kr' ->
    a whole number of kronor (a Decimal when öre are given). None when it is not an amount."""
    text = _CURRENCY.sub(" ", normalise_spaces(value)).strip()
    text = re.sub(r"\s+", " ", text)
    match = _AMOUNT.match(text)
    if not match:
        return None
    whole = int(re.sub(r"[ .]", "", match["int"]))
    if whole >= 10**12:  # past the database's 14 digits: not an amount a project has
        return None
    decimals = match["dec"]
    if decimals and int(decimals):
        try:
            return Decimal(f"{whole}.{decimals}")
        except InvalidOperation:  # pragma: no cover - the regex allows digits only
            return None
    return whole


_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_PERIOD = re.compile(rf"^{_DATE}\s*(?:till|to|until|–|—|-|−)\s*{_DATE}$", re.IGNORECASE)


def parse_period(value: str) -> tuple[dt.date, dt.date] | None:
    """'2009-01-15 till 2013-03-31' (or 'to', or a dash) -> two dates, the end not before the
    start. None when the text is not such a period."""
    match = _PERIOD.match(normalise_spaces(value).strip())
    if not match:
        return None
    try:
        y1, m1, d1, y2, m2, d2 = (int(part) for part in match.groups())
        starts, ends = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
    except ValueError:
        return None
    if ends < starts:
        return None
    return starts, ends


def parse_phase(value: str) -> str | None:
    return PHASES.get(normalise_spaces(value).strip().rstrip(".").casefold())


def _email(value: str) -> str | None:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def _phone(value: str) -> str | None:
    """As written, when it has the digits of a phone number (at least five)."""
    value = value.strip()
    if len(re.findall(r"\d", value)) >= 5:
        return value
    return None


def _text(value: str) -> str | None:
    return value.strip() or None


READERS = {
    "phase": parse_phase,
    "contact_email": _email,
    "contact_phone": _phone,
    "esf_grant": parse_amount,
    "total_budget": parse_amount,
    "period": parse_period,
}

# --- lines --------------------------------------------------------------------------------------

_LABELS = sorted(
    ((label, name) for name, labels in FIELD_LABELS.items() for label in labels),
    key=lambda pair: -len(pair[0]),
)


def _clean(line: str) -> str:
    return re.sub(r"\s+", " ", normalise_spaces(line)).strip()


def _key(line: str) -> str:
    return _clean(line).rstrip(":").strip().casefold()


def _match_label(line: str) -> tuple[str, str, str, int] | None:
    """(field, label, rest of the line, doubt) when the line starts with a field's label
    followed by a plausible value (or nothing: the value is then on the next line). Doubt is 1
    when only a space separates label and value ("Region Skåne satsar …" may be a sentence),
    0 for the page's own forms: run together, colon, tab, or the label alone."""
    tab = "\t" in line
    text = _clean(line)
    if len(text) > 300:
        return None
    for label, name in _LABELS:
        if text[: len(label)].casefold() != label.casefold():
            continue
        rest = text[len(label) :]
        if rest.startswith(":") or rest == "":
            return name, label, rest.lstrip(": ").strip(), 0
        if rest.startswith(" "):
            return name, label, rest.lstrip(": ").strip(), 0 if tab else 1
        # Run together ("ProjektfasGenomförande"): the value must look like a value of its own.
        first = rest[0]
        if name == "contact_email" and _email(rest):
            return name, label, rest, 0
        if name in ("contact_phone", "esf_grant", "total_budget", "period") and (
            first.isdigit() or first in "+("
        ):
            return name, label, rest, 0
        if first.isupper() or first.isdigit():
            return name, label, rest, 0
    return None


def _is_standalone(lines: list[str], i: int, compact: bool) -> bool:
    """A heading is a paragraph of its own: a blank line (or the start) before it and a blank
    line (or the end) after it. In text pasted without blank lines every line counts."""
    if compact:
        return True
    before = i == 0 or not lines[i - 1].strip()
    after = i == len(lines) - 1 or not lines[i + 1].strip()
    return before and after


def _is_own_heading(paragraph: list[str]) -> bool:
    """A short heading of the page's own (seed 002's "Arbete", "Boende", "Lärande"): one line of
    at most six words, starting with a capital letter, ending without punctuation."""
    if len(paragraph) != 1:
        return False
    text = _clean(paragraph[0])
    if not text or len(text) > 60 or len(text.split()) > 6:
        return False
    return text[0].isupper() and text[-1] not in ".,:;!?)]\"'”" and not text[0].isdigit()


def _language(text: str) -> str:
    words = re.findall(r"[a-zåäöé]+", text.casefold())
    swedish = sum(word in SWEDISH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    return "en" if english > swedish else "sv"


def _body(lines: list[str]) -> str:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return ""
    return "\n".join(line.rstrip() for line in lines[filled[0] : filled[-1] + 1])


def _list_item(line: str) -> str:
    return _clean(line).lstrip(BULLETS).strip()


# --- the page -----------------------------------------------------------------------------------


def check_size(text: str) -> None:
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise TextTooLarge(MAX_BYTES)


def parse(text: str) -> ParsedPage:
    """Parse the pasted text of a project-bank page. Raises TextTooLarge past MAX_BYTES;
    anything else, however odd, gives a ParsedPage (with everything missing, at worst)."""
    check_size(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.lstrip("\ufeff").replace("\x00", "")
    lines = text.split("\n")
    page = ParsedPage()
    nonblank = [line for line in lines if line.strip()]
    if not nonblank:
        page.missing = list(FIELD_ORDER)
        return page
    filled = [i for i, line in enumerate(lines) if line.strip()]
    compact = len(filled) > 1 and filled[-1] - filled[0] + 1 == len(filled)

    # 1. Where the headings are.
    headings: dict[int, tuple] = {}
    for i, line in enumerate(lines):
        key = _key(line)
        if not key or not _is_standalone(lines, i, compact):
            continue
        if key in SECTION_HEADINGS:
            headings[i] = ("section", *SECTION_HEADINGS[key], _clean(line).rstrip(":"))
        elif key in LIST_HEADINGS:
            headings[i] = ("list", LIST_HEADINGS[key])
    first_heading = min(headings) if headings else len(lines)

    # 2. The metadata: labelled lines before the first heading; of each field the first line in
    # the page's own form, else the first at all.
    chosen: dict[str, tuple[int, str, int]] = {}
    for i in range(first_heading):
        match = _match_label(lines[i])
        if match:
            name, _label, rest, doubt = match
            if name not in chosen or doubt < chosen[name][2]:
                chosen[name] = (i, rest, doubt)
    # A doubtful label on the page's first line is its title ("Region Skåne satsar på unga").
    first_line = next((i for i in filled if _key(lines[i]) not in CHROME), None)
    chosen = {n: c for n, c in chosen.items() if not (c[2] and c[0] == first_line)}
    found: dict[str, tuple[int, str]] = {}
    used: set[int] = set()
    for name, (i, rest, _doubt) in sorted(chosen.items(), key=lambda item: item[1][0]):
        used.add(i)
        if not rest:  # the value is on the next non-blank line
            for j in range(i + 1, min(first_heading, i + 4)):
                if lines[j].strip():
                    if not _match_label(lines[j]):
                        rest = _clean(lines[j])
                        used.add(j)
                    break
        found[name] = (i, rest)

    # 3. The title: the line before the first label, or the first line of the page.
    title_index = None
    if found:
        first_label = min(i for i, _ in found.values())
        candidates = [i for i in range(first_label) if lines[i].strip()]
        candidates = [i for i in candidates if _key(lines[i]) not in CHROME]
        title_index = candidates[-1] if candidates else None
    else:
        for i in range(first_heading):
            if lines[i].strip() and _key(lines[i]) not in CHROME:
                title_index = i
                break
    if title_index is not None:
        title = _clean(lines[title_index])
        if len(title) <= MAX_LENGTH["title"]:
            page.values["title"] = title
            used.add(title_index)
        else:
            title_index = None

    for name in FIELD_ORDER[1:]:
        if name not in found:
            continue
        raw = found[name][1]
        page.raw[name] = raw
        value = READERS.get(name, _text)(raw) if raw else None
        if value is not None and name in MAX_LENGTH and len(value) > MAX_LENGTH[name]:
            value = None
        if value is None:
            page.unreadable[name] = raw
        elif name == "period":
            page.values["starts_on"], page.values["ends_on"] = value
        else:
            page.values[name] = value
    page.missing = [
        name for name in FIELD_ORDER if name not in found and not (name == "title" and page.title)
    ]

    # 4. Sections and lists.
    if headings:
        intro_end = first_heading
        _standard_sections(page, lines, headings)
    else:
        intro_end = len(lines)
    start = (title_index + 1) if title_index is not None else 0
    if found:
        start = max([start, *(i + 1 for i in used)])
    if not any(h[0] == "section" for h in headings.values()):
        _own_sections(page, lines[start:intro_end])
        intro_end = start  # the introduction is used
    for i in range(intro_end):
        if lines[i].strip() and i not in used:
            page.unused_lines.append(_clean(lines[i]))
    page.recognised = bool(found or headings)
    return page


def _standard_sections(page: ParsedPage, lines: list[str], headings: dict) -> None:
    positions = sorted(headings)
    for n, i in enumerate(positions):
        end = positions[n + 1] if n + 1 < len(positions) else len(lines)
        content = lines[i + 1 : end]
        heading = headings[i]
        if heading[0] == "list":
            target = getattr(page, heading[1])
            seen = {item.casefold() for item in target}
            for line in content:
                item = _list_item(line)
                if not item:
                    continue
                if len(item) > MAX_LIST_ITEM:  # prose, not a name
                    page.unused_lines.append(item)
                elif item.casefold() not in seen:
                    seen.add(item.casefold())
                    target.append(item)
            continue
        _, key, language, label = heading
        body = _body(content)
        if not body:
            continue
        existing = page.section(key, language)
        if existing:  # the same heading twice: one section, both texts
            existing.body = f"{existing.body}\n\n{body}"
        else:
            page.sections.append(Section(key=key, language=language, body=body, heading=label))
    page.sections.sort(key=lambda s: (s.language != "sv", SECTION_ORDER.index(s.key)))


def _own_sections(page: ParsedPage, lines: list[str]) -> None:
    """A page without the project bank's headings: paragraphs up to the first short heading of
    its own are the summary; each such heading starts a section of kind "other"."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)

    intro: list[list[str]] = []
    own: list[tuple[str, list[list[str]]]] = []
    for n, paragraph in enumerate(paragraphs):
        followed = n + 1 < len(paragraphs) and not _is_own_heading(paragraphs[n + 1])
        if _is_own_heading(paragraph) and followed and (intro or own):
            own.append((_clean(paragraph[0]), []))
        elif own:
            own[-1][1].append(paragraph)
        elif _is_tag(paragraph):
            page.unused_lines.append(_clean(paragraph[0]))
        else:
            intro.append(paragraph)

    def join(paragraphs):
        return "\n\n".join(_body(p) for p in paragraphs)

    language = _language(" ".join(" ".join(p) for p in paragraphs))
    if intro:
        page.sections.append(Section(key="summary", language=language, body=join(intro)))
    for heading, body in own:
        if body:
            page.sections.append(
                Section(key="other", language=language, body=join(body), heading=heading[:200])
            )


def _is_tag(paragraph: list[str]) -> bool:
    """A stray word of the page's frame (an image caption such as "hyllie"): one or two words,
    no capital letter, no punctuation."""
    text = _clean(" ".join(paragraph))
    return (
        len(text.split()) <= 2
        and text == text.lower()
        and re.fullmatch(r"[\w ]+", text) is not None
    )
