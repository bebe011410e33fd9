"""The import's column format: every column, its Swedish and English headers, and its code lists.

docs/import-format.md describes the same format for people; the template file is made from the
COLUMNS list below, so the two cannot drift apart. Headers are matched after normalising case,
spaces, hyphens and underscores; code values are matched by their code, their English label
and their Swedish label (and a few common short forms).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from enrolments.models import (
    ExitReason,
    FollowUp,
    IncomeSource,
    LabourMarketStatus,
    OutcomeStatus,
    SwedishLevel,
)
from participants.models import EducationLevel, Gender, RegionOfBirth
from surveys.catalogue import TEMPLATES as SURVEY_TEMPLATES

# Numbered groups: "Follow-up 1 day", "Intervention 2 hours", ... up to this many of each.
MAX_GROUPS = 20
TEMPLATE_FOLLOW_UPS = 2
TEMPLATE_INTERVENTIONS = 2


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    sv: str
    kind: str  # text | identity | code | date | year | integer | hours | list | lookup
    help: str = ""
    choices: type | None = None
    aliases: tuple[str, ...] = ()


COLUMNS: list[Column] = [
    Column(
        "row_key",
        "External id",
        "Externt id",
        "text",
        _(
            "Your own key for the row. Required for an anonymous row, so a second import of the "
            "same file finds the same person; optional for an identified row."
        ),
        aliases=("row key", "radnyckel", "external_id", "id"),
    ),
    Column(
        "identity_number",
        "Identity number",
        "Personnummer",
        "identity",
        _(
            "Personnummer or samordningsnummer, 10 or 12 digits, hyphen optional. Empty: an "
            "anonymous row."
        ),
        aliases=(
            "personal identity number",
            "personnummer/samordningsnummer",
            "samordningsnummer",
            "pnr",
        ),
    ),
    Column(
        "given_name",
        "Given name",
        "Förnamn",
        "text",
        _("Required for an identified row, empty for an anonymous one."),
        aliases=("first name",),
    ),
    Column(
        "family_name",
        "Family name",
        "Efternamn",
        "text",
        _("Required for an identified row, empty for an anonymous one."),
        aliases=("last name", "surname"),
    ),
    Column("gender", "Gender", "Kön", "code", _("Required."), choices=Gender),
    Column(
        "birth_year",
        "Birth year",
        "Födelseår",
        "year",
        _(
            "Required for an anonymous row (four digits); an identified row takes it from the "
            "number."
        ),
        aliases=("year of birth",),
    ),
    Column(
        "region_of_birth", "Region of birth", "Födelseregion", "code", "", choices=RegionOfBirth
    ),
    Column(
        "arrival_year",
        "Year of arrival",
        "Invandringsår",
        "year",
        _("Year of arrival in Sweden, four digits."),
        aliases=("arrival year", "år för ankomst till sverige"),
    ),
    Column(
        "education_level",
        "Education level",
        "Utbildningsnivå",
        "code",
        "",
        choices=EducationLevel,
        aliases=("education",),
    ),
    Column(
        "consent_date",
        "Consent date",
        "Samtycke datum",
        "date",
        _(
            "Required for an identified row: the day the person consented to registration in "
            "the project."
        ),
        aliases=("consent given on", "datum för samtycke", "samtycke"),
    ),
    Column(
        "target_groups",
        "Target groups",
        "Målgrupper",
        "list",
        _("Codes or names of the project's target groups, separated by | or ,."),
        aliases=("target group", "målgrupp"),
    ),
    Column("area", "Area", "Område", "lookup", _("Name of one of the project's areas.")),
    Column(
        "referred_on",
        "Referral date",
        "Anvisningsdatum",
        "date",
        _("Required."),
        aliases=("referred on", "anvisad datum", "datum för anvisning"),
    ),
    Column(
        "referred_by",
        "Referred by",
        "Anvisad av",
        "lookup",
        _("Name of an organisation taking part in the project."),
    ),
    Column(
        "case_worker",
        "Case worker",
        "Handläggare",
        "lookup",
        _("User name or e-mail of a case worker or manager in the project. Empty: you."),
        aliases=("responsible case worker", "ansvarig handläggare"),
    ),
    Column(
        "started_on",
        "Start date",
        "Startdatum",
        "date",
        _("Empty while the person has not started."),
        aliases=("started on",),
    ),
    Column(
        "labour_market_status",
        "Labour-market status at start",
        "Arbetsmarknadsstatus vid start",
        "code",
        "",
        choices=LabourMarketStatus,
        aliases=("labour market status", "arbetsmarknadsstatus"),
    ),
    Column(
        "months_without_work",
        "Months without work at start",
        "Månader utan arbete vid start",
        "integer",
        _("Whole number from 0 to 600."),
        aliases=("months without work", "månader utan arbete"),
    ),
    Column(
        "income_source",
        "Income source at start",
        "Försörjning vid start",
        "code",
        "",
        choices=IncomeSource,
        aliases=("income source", "försörjning"),
    ),
    Column(
        "swedish_level",
        "Swedish level at start",
        "Svenskanivå vid start",
        "code",
        "",
        choices=SwedishLevel,
        aliases=("swedish level", "svenskanivå"),
    ),
    Column(
        "exited_on",
        "Exit date",
        "Avslutsdatum",
        "date",
        _(
            "With an exit date, the exit reason, the status and the income source at exit are "
            "required."
        ),
        aliases=("exited on", "avslutad datum"),
    ),
    Column("exit_reason", "Exit reason", "Avslutsorsak", "code", "", choices=ExitReason),
    Column(
        "exit_status",
        "Status at exit",
        "Status vid avslut",
        "code",
        "",
        choices=OutcomeStatus,
        aliases=("outcome at exit", "exit status", "utfall vid avslut"),
    ),
    Column(
        "exit_income_source",
        "Income source at exit",
        "Försörjning vid avslut",
        "code",
        "",
        choices=IncomeSource,
    ),
]
BY_KEY = {c.key: c for c in COLUMNS}

# Numbered groups. "{n}" is the group's number.
FOLLOW_UP_PARTS = {
    "day": ("Follow-up {n} day", "Uppföljning {n} dag", "integer"),
    "date": ("Follow-up {n} date", "Uppföljning {n} datum", "date"),
    "status": ("Follow-up {n} status", "Uppföljning {n} status", "code"),
    "income_source": ("Follow-up {n} income source", "Uppföljning {n} försörjning", "code"),
    "source": ("Follow-up {n} source", "Uppföljning {n} källa", "code"),
}
INTERVENTION_PARTS = {
    "name": ("Intervention {n}", "Insats {n}", "lookup"),
    "hours": ("Intervention {n} hours", "Insats {n} timmar", "hours"),
}

# Survey answers: a column per occasion and scale question template (surveys/catalogue.py), and
# a date per occasion. "Survey at exit: job chances" / "Enkät vid avslut: jobbchanser" /
# survey_exit_job_chances (the machine name, as docs/microdata.md names the same variable).
# occasion -> (English, Swedish, other accepted names)
SURVEY_OCCASIONS = {
    "entry": ("Survey at entry", "Enkät vid start", ("survey at start", "survey entry")),
    "exit": ("Survey at exit", "Enkät vid avslut", ("survey exit",)),
    "follow_up": ("Survey at follow-up", "Enkät vid uppföljning", ("survey follow-up",)),
}
# part -> (English, Swedish): the scale templates' short names, and the date.
SURVEY_WORDS = {
    "job_chances": ("job chances", "jobbchanser"),
    "network": ("network", "nätverk"),
    "self_confidence": ("self-confidence", "självförtroende"),
    "satisfaction": ("satisfaction", "nöjdhet"),
}
SURVEY_QUESTIONS = tuple(
    key for key, template in SURVEY_TEMPLATES.items() if template["kind"] == "scale"
)
SURVEY_DATE = "date"
SURVEY_PARTS = {
    **{key: SURVEY_WORDS.get(key, (key.replace("_", " "),) * 2) for key in SURVEY_QUESTIONS},
    SURVEY_DATE: ("date", "datum"),
}
TEMPLATE_SURVEY_OCCASIONS = ("exit",)


def survey_header(occasion: str, part: str, language: str = "en") -> str:
    """The format's name of a survey column: "Survey at exit: job chances"."""
    pick = 1 if language.startswith("sv") else 0
    return f"{SURVEY_OCCASIONS[occasion][pick]}: {SURVEY_PARTS[part][pick]}"


def survey_key(occasion: str, part: str) -> str:
    """The machine name of a survey column: survey_exit_job_chances."""
    return f"survey_{occasion}_{part}"


NOT_REACHED = "not_reached"
NOT_REACHED_WORDS = ("not_reached", "not reached", "ej nådd", "inte nådd", "ej anträffad")


_PARENTHESES = re.compile(r"\(.*?\)")
_SEPARATORS = re.compile(r"[\s_\-–:./]+")


def normalise(text) -> str:
    """Lower case, no accents on the comparison's mind (å ä ö kept), single spaces."""
    text = unicodedata.normalize("NFC", str(text or "")).strip().lower()
    text = text.replace("\ufeff", "").replace("*", "")
    text = _PARENTHESES.sub(" ", text)  # "Gender (required)" -> "gender"
    text = _SEPARATORS.sub(" ", text)
    return text.strip()


def _header_index() -> dict[str, tuple]:
    index: dict[str, tuple] = {}
    for column in COLUMNS:
        for name in (column.key, column.en, column.sv, *column.aliases):
            index[normalise(name)] = ("column", column.key)
    for n in range(1, MAX_GROUPS + 1):
        for part, (en, sv, _kind) in FOLLOW_UP_PARTS.items():
            for name in (en, sv):
                index[normalise(name.format(n=n))] = ("follow_up", n, part)
        for part, (en, sv, _kind) in INTERVENTION_PARTS.items():
            for name in (en, sv):
                index[normalise(name.format(n=n))] = ("intervention", n, part)
    for occasion, (en, sv, others) in SURVEY_OCCASIONS.items():
        for part, (part_en, part_sv) in SURVEY_PARTS.items():
            names = [survey_key(occasion, part), f"{en} {part_en}", f"{sv} {part_sv}"]
            names += [f"{other} {part_en}" for other in others]
            for name in names:
                index[normalise(name)] = ("survey", occasion, part)
    return index


HEADERS = _header_index()


def match_header(text):
    """("column", key), ("follow_up", n, part), ("intervention", n, part) or ("survey",
    occasion, part), or None."""
    return HEADERS.get(normalise(text))


# --- code lists -------------------------------------------------------------------------------

EXTRA_CODE_WORDS = {
    Gender: {
        "k": "woman",
        "kvinna": "woman",
        "f": "woman",
        "female": "woman",
        "m": "man",
        "male": "man",
        "annat": "other",
        "okänt": "other",
        "unknown": "other",
    },
    RegionOfBirth: {
        "sverige": "sweden",
        "norden": "nordic",
        "eu": "eu_eea",
        "eu ees": "eu_eea",
        "övriga europa": "europe_other",
        "utanför europa": "outside_europe",
        "okänd": "unknown",
    },
}


def _labels(choice) -> tuple[str, str]:
    with translation.override("en"):
        en = str(choice.label)
    with translation.override("sv"):
        sv = str(choice.label)
    return en, sv


_CODE_CACHE: dict = {}


def code_map(choices) -> dict[str, str]:
    """Normalised code, English label and Swedish label -> code."""
    if choices not in _CODE_CACHE:
        mapping = {}
        for choice in choices:
            en, sv = _labels(choice)
            for word in (choice.value, en, sv):
                mapping[normalise(word)] = choice.value
        for word, code in EXTRA_CODE_WORDS.get(choices, {}).items():
            mapping[normalise(word)] = code
        _CODE_CACHE[choices] = mapping
    return _CODE_CACHE[choices]


def follow_up_status_map() -> dict[str, str]:
    mapping = dict(code_map(OutcomeStatus))
    for word in NOT_REACHED_WORDS:
        mapping[normalise(word)] = NOT_REACHED
    return mapping


def choices_for(group: str, part: str):
    if group == "follow_up":
        return {
            "status": OutcomeStatus,
            "income_source": IncomeSource,
            "source": FollowUp.Source,
        }.get(part)
    return None


def code_rows(choices) -> list[tuple[str, str, str]]:
    """(code, English label, Swedish label) for the documentation and the template."""
    return [(c.value, *_labels(c)) for c in choices]


def template_headers(language: str) -> list[str]:
    """The template's header row, in Swedish or English."""
    pick = 2 if language.startswith("sv") else 1
    headers = [(c.sv if pick == 2 else c.en) for c in COLUMNS]
    for n in range(1, TEMPLATE_FOLLOW_UPS + 1):
        headers += [parts[pick - 1].format(n=n) for parts in FOLLOW_UP_PARTS.values()]
    for n in range(1, TEMPLATE_INTERVENTIONS + 1):
        headers += [parts[pick - 1].format(n=n) for parts in INTERVENTION_PARTS.values()]
    for occasion in TEMPLATE_SURVEY_OCCASIONS:
        headers += [survey_header(occasion, part, language) for part in SURVEY_PARTS]
    return headers
