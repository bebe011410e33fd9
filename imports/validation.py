"""The dry run: every row of an uploaded table checked against the project, nothing written.

check() reads the file, turns each row into a RowPlan (parsed values, or the errors naming the
row, the column and the reason) and matches the people and enrolments that already exist — in a
few queries for the whole file, never one per row. The same plan is what services.write_rows()
writes, so the preview and the import cannot disagree.
"""

import contextvars
import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.clock import today
from core.collection import without_collection
from core.models import Membership
from core.periods import period_error
from core.validators import NAME_MAX_LENGTH, clean_text
from enrolments.models import Enrolment, FollowUp, Status
from enrolments.registration import (
    CASE_WORKER_ROLES,
    MAX_MONTHS_WITHOUT_WORK,
    project_organisations,
)
from interventions.models import Intervention, Participation
from participants import identity as idn
from participants.models import Consent, Participant
from surveys.models import Occasion, SurveyAnswer
from surveys.services import questions_for

from . import columns as cols
from .models import RowKey
from .reader import FORMULA, FileRefused, Table, read_table

CHUNK = 2000  # ids per IN (...) query
MAX_HOURS = Decimal("99999.9")
EXCEL_EPOCH = dt.date(1899, 12, 30)
PERSON_FIELDS = ("gender", "region_of_birth", "arrival_year", "education_level")
ENROLMENT_FIELDS = (
    "referred_on",
    "referred_by_id",
    "case_worker_id",
    "started_on",
    "labour_market_status",
    "months_without_work",
    "income_source",
    "swedish_level",
    "area_id",
    "exited_on",
    "exit_reason",
    "exit_status",
    "exit_income_source",
)
CLOSED_FOR_IMPORT = (Status.DECLINED, Status.WITHDRAWN)


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# --- identity numbers are never quoted -----------------------------------------------------------

# Ten or twelve digits with an optional - or + before the last four, alone or inside a text.
IDENTITY_LIKE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def looks_like_identity(value) -> bool:
    if isinstance(value, bool):
        return False
    return bool(IDENTITY_LIKE.search(str(value)))


_identity_header: contextvars.ContextVar[str] = contextvars.ContextVar(
    "import_identity_header", default=""
)


def identity_column_name() -> str:
    """The file's own header of the identity number column, or the format's name for it."""
    if header := _identity_header.get():
        return header
    column = cols.BY_KEY["identity_number"]
    return column.sv if (get_language() or "sv").startswith("sv") else column.en


def misplaced_identity() -> RowError:
    """A cell that looks like an identity number in a column for something else. The report
    names the row and the column, never the number."""
    return RowError(
        "",
        _("Looks like an identity number: put it in the column %(column)s.")
        % {"column": identity_column_name()},
    )


def shown(text, limit: int = 60) -> str:
    """A cell's text to quote in a message; refuses (with the misplaced-number message) a cell
    that looks like an identity number."""
    if looks_like_identity(text):
        raise misplaced_identity()
    return str(text)[:limit]


def scrub(text: str) -> str:
    """The last net before a message is stored or shown: any identity-number-like digits in it
    are replaced (a message is never meant to hold one)."""
    return IDENTITY_LIKE.sub("…", str(text))


@dataclass(slots=True)
class RowPlan:
    number: int
    errors: list = field(default_factory=list)  # [(column header, message)]
    identity: idn.IdentityNumber | None = None
    hash: str | None = None
    row_key: str = ""
    person: dict = field(default_factory=dict)
    consent_date: dt.date | None = None
    enrolment: dict = field(default_factory=dict)  # only the cells the file fills
    target_groups: set = field(default_factory=set)
    follow_ups: dict = field(default_factory=dict)  # day -> dict or None (only planned)
    participations: dict = field(default_factory=dict)  # intervention id -> hours
    # Filled by matching:
    participant_id: int | None = None
    enrolment_id: int | None = None
    needs_consent: bool = False
    in_project: bool = False  # the person is already enrolled in this project
    action: str = ""  # "create" | "update" | "unchanged" for the enrolment
    merged: dict = field(default_factory=dict)  # the enrolment's values after the import
    fu_headers: dict = field(default_factory=dict)  # follow-up day -> its date column
    # Survey answers: (occasion, template key) -> 1–5; occasion -> the date column's date;
    # (occasion, part) -> the file's header. Filled by matching: the answers to write,
    # [(occasion, template key, value, answered on)], and how many are already recorded.
    answers: dict = field(default_factory=dict)
    answer_dates: dict = field(default_factory=dict)
    survey_headers: dict = field(default_factory=dict)
    new_answers: list = field(default_factory=list)
    known_answers: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Plan:
    rows: list[RowPlan]
    notes: list[str]
    table: Table
    ctx: "Context | None" = None
    existing: dict = field(default_factory=dict)  # enrolment id -> dict of current values
    # What match() looked up, and a digest of what it found (see fingerprint()).
    hashes: set = field(default_factory=set)
    keys: set = field(default_factory=set)
    surveys: bool = False  # the file has survey columns: the digest covers recorded answers
    fingerprint: str = ""

    @property
    def valid(self) -> list[RowPlan]:
        return [r for r in self.rows if r.ok]

    @property
    def rejected(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.ok]

    def counts(self) -> dict:
        valid = self.valid
        return {
            "rows": len(self.rows),
            "valid_rows": len(valid),
            "rejected_rows": len(self.rows) - len(valid),
            # "Already registered" means in this project: a person the file's number finds in
            # another project only is counted as new, so a check reveals nothing about other
            # projects (the look-up itself is audited per person).
            "new_people": sum(1 for r in valid if not r.in_project),
            "existing_people": sum(1 for r in valid if r.in_project),
            "new_enrolments": sum(1 for r in valid if r.action == "create"),
            "updated_enrolments": sum(1 for r in valid if r.action == "update"),
            "unchanged_enrolments": sum(1 for r in valid if r.action == "unchanged"),
            "new_answers": sum(len(r.new_answers) for r in valid),
            "answers_already_recorded": sum(r.known_answers for r in valid),
        }

    def errors(self) -> list[list]:
        return [[r.number, column, message] for r in self.rows for column, message in r.errors]


def _by_names(pairs) -> dict:
    mapping = {}
    for pk, *names in pairs:
        for name in names:
            if name:
                mapping.setdefault(cols.normalise(name), pk)
    return mapping


class Context:
    """The project's lookups, read once per file."""

    def __init__(self, project, user):
        self.project = project
        self.user = user
        self.today = today()
        self.target_groups = _by_names(
            project.target_groups.values_list("pk", "code", "name", "name_en")
        )
        self.areas = _by_names(project.areas.values_list("pk", "name"))
        self.organisations = _by_names(project_organisations(project).values_list("pk", "name"))
        self.case_workers = _by_names(
            Membership.objects.filter(project=project, role__in=CASE_WORKER_ROLES).values_list(
                "user_id", "user__username", "user__email"
            )
        )
        self.default_case_worker = (
            user.pk
            if Membership.objects.filter(
                project=project, user=user, role__in=CASE_WORKER_ROLES
            ).exists()
            else None
        )
        self.interventions = _by_names(
            Intervention.objects.filter(project=project).values_list("pk", "name")
        )
        self.follow_up_days = list(project.follow_up_days_or_default)
        membership = Membership.objects.filter(project=project, user=user).first()
        self.consent_organisations = sorted(
            {project.owner_id, *([membership.organisation_id] if membership else [])}
        )
        # The survey question of each scale template, as surveys.services.template_question
        # finds it (None: the project tree has none yet; the write creates it). Read once.
        self.survey_questions = current_template_questions(project)


def current_template_questions(project) -> dict:
    """Template key -> the id of the project tree's current question made from it, or None."""
    found = dict.fromkeys(cols.SURVEY_QUESTIONS)
    for key, pk in (
        questions_for(project)
        .filter(key__in=cols.SURVEY_QUESTIONS, replaced_by__isnull=True)
        .order_by("id")
        .values_list("key", "pk")
    ):
        found[key] = pk  # the last one, as template_question() takes it
    return found


# --- cell parsing -----------------------------------------------------------------------------


def _text(value) -> str:
    if value is FORMULA:
        raise RowError(
            "",
            _(
                "The cell holds a formula without a calculated value: open the file "
                "in Excel, let it calculate and save it again."
            ),
        )
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _name_text(value) -> str:
    """A name: never digits of an identity number (typed into the wrong column); cleaned as a
    name typed into a form is (core.validators.clean_text: no invisible or control
    characters, NFC, at most 100 characters)."""
    text = _text(value)
    if looks_like_identity(text):
        raise misplaced_identity()
    try:
        return clean_text(text, max_length=NAME_MAX_LENGTH)
    except ValidationError as error:
        raise RowError("", error.messages[0]) from error


def _key_text(value) -> str:
    """An external id: a valid identity number there would be kept in clear, so it is refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = _text(value)
    match = IDENTITY_LIKE.search(text)
    if match:
        try:
            idn.parse_identity_number(match.group(0))
        except ValidationError:
            return text
        raise misplaced_identity()
    return text


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_SERIAL = re.compile(r"\d{5}")
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")
_LIST_SEPARATOR = re.compile(r"[|,]")


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = _text(value)
    text = text.split(" ")[0].split("T")[0] if ("T" in text or " 00:00" in text) else text
    try:
        if match := _ISO.match(text):
            y, m, d = match.groups()
        elif match := _COMPACT.match(text):
            y, m, d = match.groups()
        elif match := _DAY_FIRST.match(text):
            d, m, y = match.groups()
        elif _SERIAL.fullmatch(text):
            return _serial(int(text))
        else:
            raise ValueError
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise RowError(
            "",
            _(
                "“%(value)s” is not a date: write YYYY-MM-DD, for example "
                "2024-03-31 (DD/MM/YYYY and Excel dates are also understood)."
            )
            % {"value": shown(text, 40)},
        ) from None


def _serial(number) -> dt.date:
    if not 1 <= number <= 2958465 or number != int(number):
        raise RowError(
            "",
            _("The number %(value)s is not a date: write YYYY-MM-DD.") % {"value": shown(number)},
        )
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def parse_int(value, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise RowError("", message)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _text(value).replace(" ", "").replace("\u00a0", "")
        if not _WHOLE_NUMBER.fullmatch(text):
            raise RowError("", message)
        number = int(text)
    if not low <= number <= high:
        raise RowError("", message)
    return number


def _hours_refused() -> RowError:
    return RowError(
        "", _("Write the hours as a number from 0, with at most one decimal, e.g. 12,5.")
    )


def parse_hours(value) -> Decimal:
    if isinstance(value, bool):
        raise _hours_refused()
    text = _text(value).replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise _hours_refused() from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS or hours != round(hours, 1):
        raise _hours_refused()
    return hours.quantize(Decimal("0.1"))


def _normalised(text: str) -> str:
    """cols.normalise() of a cell's text, remembered for short texts: a file repeats the same
    few codes and names on every row. (normalise depends on the text alone.) What is
    remembered is forgotten when the file's check ends (check()): a cell may hold something
    personal typed into the wrong column."""
    if len(text) > _REMEMBERED_LENGTH:
        return cols.normalise(text)
    return _normalised_short(text)


_REMEMBERED_LENGTH = 60


@functools.lru_cache(maxsize=4096)
def _normalised_short(text: str) -> str:
    return cols.normalise(text)


def parse_code(value, mapping: dict, choices) -> str:
    text = _text(value)
    code = mapping.get(_normalised(text))
    if code is None:
        allowed = ", ".join(c.value for c in choices) if choices else ""
        raise RowError(
            "",
            _("“%(value)s” is not one of the codes: %(allowed)s.")
            % {"value": shown(text), "allowed": allowed},
        )
    return code


def parse_lookup(value, mapping: dict, message: str):
    text = _text(value)
    found = mapping.get(_normalised(text))
    if found is None:
        raise RowError("", message % {"value": shown(text)})
    return found


# --- the file's columns -----------------------------------------------------------------------


@dataclass
class Layout:
    simple: dict  # key -> (index, header)
    follow_ups: dict  # n -> {part: (index, header)}
    interventions: dict  # n -> {part: (index, header)}
    surveys: dict = field(default_factory=dict)  # occasion -> {part: (index, header)}


REQUIRED_COLUMNS = ("gender", "referred_on")


def layout_of(table: Table) -> tuple[Layout, list[str]]:
    simple, follow_ups, interventions, surveys, notes, seen = {}, {}, {}, {}, [], {}
    if any(looks_like_identity(header) for header in table.headers):
        raise FileRefused(
            _(
                "The first row holds an identity number, not the names of the columns: the "
                "first row of the file names the columns (download the template)."
            )
        )
    for index, header in enumerate(table.headers):
        if not header:
            continue
        target = cols.match_header(header)
        if target is None:
            notes.append(
                _("The column “%(header)s” is not part of the format and is ignored.")
                % {"header": header[:80]}
            )
            continue
        if target in seen:
            raise FileRefused(
                _("The columns “%(first)s” and “%(second)s” mean the same; keep one of them.")
                % {"first": seen[target], "second": header[:80]}
            )
        seen[target] = header[:80]
        if target[0] == "column":
            simple[target[1]] = (index, header)
        elif target[0] == "follow_up":
            follow_ups.setdefault(target[1], {})[target[2]] = (index, header)
        elif target[0] == "survey":
            surveys.setdefault(target[1], {})[target[2]] = (index, header)
        else:
            interventions.setdefault(target[1], {})[target[2]] = (index, header)
    missing = [cols.BY_KEY[k] for k in REQUIRED_COLUMNS if k not in simple]
    if "identity_number" not in simple and "row_key" not in simple:
        missing.append(cols.BY_KEY["identity_number"])
    if missing:
        raise FileRefused(
            _(
                "Columns are missing: %(columns)s. The first row of the file names the columns "
                "(download the template)."
            )
            % {"columns": ", ".join(f"“{c.sv}” / “{c.en}”" for c in missing)}
        )
    return Layout(simple, follow_ups, interventions, surveys), notes


# --- one row ----------------------------------------------------------------------------------


class RowChecker:
    def __init__(self, ctx: Context, layout: Layout):
        self.ctx = ctx
        self.layout = layout
        self.code_maps = {c.key: cols.code_map(c.choices) for c in cols.COLUMNS if c.choices}
        self.fu_status = cols.follow_up_status_map()
        self.fu_income = cols.code_map(cols.IncomeSource)
        self.fu_source = cols.code_map(FollowUp.Source)
        # Messages every row passes to its parsers, translated once per file (the language
        # does not change during a check).
        self.year_message = _("Write the year with four digits, between 1900 and this year.")
        self.months_message = _("Months without work is a whole number from 0 to %(max)s.") % {
            "max": MAX_MONTHS_WITHOUT_WORK
        }
        self.lookups = (
            ("area", "area_id", ctx.areas, _("“%(value)s” is not an area of this project.")),
            (
                "referred_by",
                "referred_by_id",
                ctx.organisations,
                _("“%(value)s” is not an organisation taking part in this project."),
            ),
            (
                "case_worker",
                "case_worker_id",
                ctx.case_workers,
                _(
                    "“%(value)s” is not the user name or e-mail of a case worker or manager in "
                    "this project."
                ),
            ),
        )
        self.follow_up_day_message = _(
            "The follow-up day is a whole number of days after the exit, from 1 to 3650."
        )
        self.intervention_message = _(
            "“%(value)s” is not an intervention of this project (see the intervention catalogue)."
        )

    def check(self, number: int, values: list) -> RowPlan:
        plan = RowPlan(number=number)
        cells = {}
        for key, (index, header) in self.layout.simple.items():
            value = values[index] if index < len(values) else ""
            if value is FORMULA or (value != "" and str(value).strip() != ""):
                cells[key] = (value, header)

        def take(key, parse):
            if key not in cells:
                return None
            value, header = cells[key]
            try:
                return parse(value)
            except RowError as error:
                plan.errors.append((header, error.message))
                return None

        def header_of(key):
            if key in self.layout.simple:
                return self.layout.simple[key][1]
            column = cols.BY_KEY[key]
            return column.sv if (get_language() or "sv").startswith("sv") else column.en

        def required(key):
            plan.errors.append((header_of(key), _("This field is required.")))

        ctx = self.ctx
        number_text = take("identity_number", _text)
        plan.row_key = (take("row_key", _key_text) or "")[:100]
        if number_text:
            if isinstance(cells["identity_number"][0], int | float):
                number_text = str(int(cells["identity_number"][0]))
            try:
                plan.identity = idn.parse_identity_number(number_text)
                plan.hash = idn.keyed_hash(plan.identity)
            except ValidationError as error:
                plan.errors.append((header_of("identity_number"), error.messages[0]))
        anonymous = not number_text

        person = plan.person
        for key in ("given_name", "family_name"):
            person[key] = take(key, _name_text) or ""
        for key in ("gender", "region_of_birth", "education_level"):
            person[key] = take(
                key, lambda v, k=key: parse_code(v, self.code_maps[k], cols.BY_KEY[k].choices)
            )
        year_message = self.year_message
        person["birth_year"] = take(
            "birth_year", lambda v: parse_int(v, 1900, ctx.today.year, year_message)
        )
        person["arrival_year"] = take(
            "arrival_year", lambda v: parse_int(v, 1900, ctx.today.year, year_message)
        )
        if person["gender"] is None and "gender" not in cells:
            required("gender")
        person["region_of_birth"] = person["region_of_birth"] or "unknown"
        person["education_level"] = person["education_level"] or "unknown"
        if anonymous:
            for key in ("given_name", "family_name"):
                if person[key]:
                    plan.errors.append(
                        (
                            header_of(key),
                            _(
                                "An anonymous row (no identity number) has no name: remove "
                                "the name or add the number."
                            ),
                        )
                    )
            if not plan.row_key and "row_key" not in cells:
                required("row_key")
            if person["birth_year"] is None and "birth_year" not in cells:
                required("birth_year")
        else:
            for key in ("given_name", "family_name"):
                if not person[key] and key not in cells:  # a refused cell has its own error
                    required(key)
            if plan.identity is not None:
                person["birth_year"] = plan.identity.birth_date.year
            plan.consent_date = take("consent_date", parse_date)
            if "consent_date" not in cells:
                plan.errors.append(
                    (
                        header_of("consent_date"),
                        _(
                            "An identified person needs the date of their consent to "
                            "registration in the project; without consent, register them "
                            "anonymously."
                        ),
                    )
                )
            elif plan.consent_date and plan.consent_date > ctx.today:
                plan.errors.append(
                    (header_of("consent_date"), _("The consent cannot be given in the future."))
                )
        if (
            person["arrival_year"]
            and person["birth_year"]
            and person["arrival_year"] < person["birth_year"]
        ):
            plan.errors.append(
                (
                    header_of("arrival_year"),
                    _("The year of arrival cannot be before the birth year."),
                )
            )
        if not plan.errors:
            self._model_check(plan, anonymous, header_of)

        # Enrolment
        e = plan.enrolment
        for key in ("referred_on", "started_on", "exited_on"):
            value = take(key, parse_date)
            if value is not None:
                if value > ctx.today:
                    plan.errors.append((header_of(key), _("The date cannot be in the future.")))
                e[key] = value
        if "referred_on" not in cells:
            required("referred_on")
        for key in (
            "labour_market_status",
            "income_source",
            "swedish_level",
            "exit_reason",
            "exit_status",
            "exit_income_source",
        ):
            value = take(
                key, lambda v, k=key: parse_code(v, self.code_maps[k], cols.BY_KEY[k].choices)
            )
            if value is not None:
                e[key] = value
        months = take(
            "months_without_work",
            lambda v: parse_int(v, 0, MAX_MONTHS_WITHOUT_WORK, self.months_message),
        )
        if months is not None:
            e["months_without_work"] = months
        for key, name, mapping, message in self.lookups:
            value = take(key, lambda v, m=mapping, msg=message: parse_lookup(v, m, msg))
            if value is not None:
                e[name] = value
        if "target_groups" in cells:
            value, header = cells["target_groups"]
            for part in _LIST_SEPARATOR.split(_text(value) if value is not FORMULA else ""):
                if not part.strip():
                    continue
                found = ctx.target_groups.get(_normalised(part))
                if found is None:
                    try:
                        message = _("“%(value)s” is not a target group of this project.") % {
                            "value": shown(part.strip())
                        }
                    except RowError as error:
                        message = error.message
                    plan.errors.append((header, message))
                else:
                    plan.target_groups.add(found)
            if value is FORMULA:
                take("target_groups", _text)
        self._follow_ups(plan, values)
        self._interventions(plan, values)
        self._surveys(plan, values)
        return plan

    def _model_check(self, plan, anonymous, header_of):
        """The participant model's own validation (clean_fields and clean) of the person's
        values, with the model's messages. Building a model instance per row is most of the
        check's time, so a row whose values plainly pass (vouched_for) skips it."""
        person = plan.person
        if vouched_for(person, anonymous):
            return
        participant = Participant(
            is_anonymous=anonymous,
            given_name=person["given_name"],
            family_name=person["family_name"],
            gender=person["gender"] or "",
            birth_year=person["birth_year"] or 1900,
            region_of_birth=person["region_of_birth"],
            arrival_year=person["arrival_year"],
            education_level=person["education_level"],
        )
        try:
            participant.clean_fields(
                exclude=["identity_hash", "identity_encrypted", "household", "created_by", "gender"]
            )
            participant.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                plan.errors.append((header_of(name) if name in cols.BY_KEY else name, messages[0]))

    def _follow_ups(self, plan, values):
        for n, parts in sorted(self.layout.follow_ups.items()):
            raw = {}
            for part, (index, header) in parts.items():
                value = values[index] if index < len(values) else ""
                if value is FORMULA or str(value).strip():
                    raw[part] = (value, header)
            if not raw:
                continue
            group = {}
            errors_before = len(plan.errors)
            for part, (value, header) in raw.items():
                try:
                    if part == "day":
                        group["day"] = parse_int(value, 1, 3650, self.follow_up_day_message)
                    elif part == "date":
                        group["recorded_on"] = parse_date(value)
                    elif part == "status":
                        group["status"] = parse_code(value, self.fu_status, cols.OutcomeStatus)
                    elif part == "income_source":
                        group["income_source"] = parse_code(
                            value, self.fu_income, cols.IncomeSource
                        )
                    elif part == "source":
                        group["source"] = parse_code(value, self.fu_source, FollowUp.Source)
                except RowError as error:
                    plan.errors.append((header, error.message))
            if len(plan.errors) > errors_before:
                continue
            header = lambda part, parts=parts, n=n: (  # noqa: E731
                parts[part][1] if part in parts else cols.FOLLOW_UP_PARTS[part][0].format(n=n)
            )
            if "day" not in group:
                plan.errors.append(
                    (
                        header("day"),
                        _(
                            "Say which follow-up (days after the exit) "
                            "the columns of this group are about."
                        ),
                    )
                )
                continue
            day = group["day"]
            if day in plan.follow_ups:
                plan.errors.append(
                    (
                        header("day"),
                        _("Follow-up day %(day)s appears twice in the row.") % {"day": day},
                    )
                )
                continue
            recorded_on = group.get("recorded_on")
            status = group.get("status")
            if recorded_on is None and status is None:
                plan.follow_ups[day] = None  # planned only
                continue
            if recorded_on is None:
                plan.errors.append(
                    (header("date"), _("Write the date the follow-up was recorded."))
                )
                continue
            if status is None:
                plan.errors.append(
                    (header("status"), _("Choose the participant's status, or “not reached”."))
                )
                continue
            if recorded_on > self.ctx.today:
                plan.errors.append((header("date"), _("The date cannot be in the future.")))
                continue
            reached = status != cols.NOT_REACHED
            if reached and not group.get("source"):
                plan.errors.append((header("source"), _("Say where the information comes from.")))
                continue
            plan.fu_headers[day] = header("date")
            plan.follow_ups[day] = {
                "reached": reached,
                "status": status if reached else "",
                "income_source": group.get("income_source", "") if reached else "",
                "source": group.get("source", "") if reached else "",
                "recorded_on": recorded_on,
            }

    def _interventions(self, plan, values):
        for n, parts in sorted(self.layout.interventions.items()):
            cells = {}
            for part, (index, header) in parts.items():
                value = values[index] if index < len(values) else ""
                if value is FORMULA or str(value).strip():
                    cells[part] = (value, header)
            if not cells:
                continue
            try:
                if "name" not in cells:
                    raise RowError(
                        cols.INTERVENTION_PARTS["name"][0].format(n=n),
                        _("Write the name of the intervention the hours are for."),
                    )
                value, header = cells["name"]
                try:
                    intervention = parse_lookup(
                        value, self.ctx.interventions, self.intervention_message
                    )
                except RowError as error:
                    raise RowError(header, error.message) from None
                hours = Decimal("0.0")
                if "hours" in cells:
                    value, header = cells["hours"]
                    try:
                        hours = parse_hours(value)
                    except RowError as error:
                        raise RowError(header, error.message) from None
                if intervention in plan.participations:
                    raise RowError(
                        cells["name"][1], _("The intervention appears twice in the row.")
                    )
                plan.participations[intervention] = hours
            except RowError as error:
                plan.errors.append((error.column, error.message))

    def _surveys(self, plan, values):
        """The survey answers' cells: 1–5 (empty: no answer), and each occasion's date. Which
        date an answer gets, and whether it is already recorded, match() decides."""
        for occasion, parts in self.layout.surveys.items():
            for part, (index, header) in parts.items():
                value = values[index] if index < len(values) else ""
                if not (value is FORMULA or str(value).strip()):
                    continue
                plan.survey_headers[occasion, part] = header
                try:
                    if part == cols.SURVEY_DATE:
                        answered_on = parse_date(value)
                        if answered_on > self.ctx.today:
                            raise RowError("", _("The date cannot be in the future."))
                        plan.answer_dates[occasion] = answered_on
                    else:
                        plan.answers[occasion, part] = parse_answer(value)
                except RowError as error:
                    plan.errors.append((header, error.message))


def _field(name):
    return Participant._meta.get_field(name)


_NAME_LENGTHS = (
    ("given_name", _field("given_name").max_length),
    ("family_name", _field("family_name").max_length),
)
_CHOICES = tuple(
    (name, frozenset(value for value, _label in _field(name).choices))
    for name in ("region_of_birth", "education_level")
)


def vouched_for(person: dict, anonymous: bool) -> bool:
    """True when RowChecker._model_check's model validation cannot refuse these values: names
    within the model's length, codes among the model's choices, years between 1900 and 2100
    (well inside the field's range), the arrival not before the birth and no name on an
    anonymous row. Anything else (or anything unexpected) is left to the model itself.
    tests/test_import.py checks this against the model."""
    for name, length in _NAME_LENGTHS:
        value = person[name]
        if type(value) is not str or len(value) > length or (anonymous and value):
            return False
    for name, allowed in _CHOICES:
        value = person[name]
        if type(value) is not str or value not in allowed:
            return False
    birth = person["birth_year"] or 1900
    arrival = person["arrival_year"]
    if type(birth) is not int or not 1900 <= birth <= 2100:
        return False
    return arrival is None or (type(arrival) is int and birth <= arrival <= 2100)


def parse_answer(value) -> int:
    """A survey answer: a whole number from 1 to 5 (a number cell 4.0 is 4, as for every whole
    number of the format)."""
    # shown() refuses a cell that looks like an identity number, without quoting it.
    message = _(
        "“%(value)s” is not an answer: write a whole number from 1 to 5, or leave the cell "
        "empty when the participant did not answer."
    ) % {"value": shown(_text(value), 40)}
    return parse_int(value, 1, 5, message)


# --- the whole file ---------------------------------------------------------------------------


@without_collection()
def check(content: bytes, *, filename: str, project, user, progress=None) -> Plan:
    """Read and check every row; raise FileRefused when the file as a whole is unusable."""
    try:
        table = read_table(content, filename)
        layout, notes = layout_of(table)
        identity_column = layout.simple.get("identity_number")
        token = _identity_header.set(identity_column[1][:80] if identity_column else "")
        try:
            return _check(table, layout, notes, project=project, user=user, progress=progress)
        finally:
            _identity_header.reset(token)
    finally:
        _normalised_short.cache_clear()


def _check(table, layout, notes, *, project, user, progress) -> Plan:
    ctx = Context(project, user)
    checker = RowChecker(ctx, layout)
    rows = []
    total = len(table.rows)
    for i, (number, values) in enumerate(table.rows):
        try:
            rows.append(checker.check(number, values))
        except RowError as error:  # a formula where a text was expected, say
            rows.append(RowPlan(number=number, errors=[(error.column, error.message)]))
        if progress and i % 2000 == 0:
            progress(i, total)
    _duplicates(rows, layout)
    plan = Plan(rows=rows, notes=notes, table=table, ctx=ctx)
    match(plan, ctx, layout)
    return plan


def _duplicates(rows, layout):
    seen: dict = {}
    for row in rows:
        if not row.ok:
            continue
        key = ("hash", row.hash) if row.hash else ("key", row.row_key)
        if key in seen:
            header = (
                layout.simple.get("identity_number") if row.hash else layout.simple.get("row_key")
            )
            row.errors.append(
                (
                    header[1] if header else "",
                    _("The same person is already on row %(row)s: one row per person.")
                    % {"row": seen[key]},
                )
            )
        else:
            seen[key] = row.number


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def match(plan: Plan, ctx: Context, layout: Layout):
    """Find the existing people and enrolments, decide per row: create, update or unchanged."""
    project = ctx.project
    valid = [r for r in plan.rows if r.ok]
    hashes = {r.hash for r in valid if r.hash}
    keys = {r.row_key for r in valid if not r.hash}
    plan.hashes, plan.keys = hashes, keys
    plan.surveys = bool(layout.surveys)
    # Taken before the look-ups below: a change after it shows in the write's own fingerprint.
    plan.fingerprint = fingerprint(project, hashes, keys, surveys=plan.surveys)
    by_hash, by_key = {}, {}
    for chunk in _chunks(hashes):
        by_hash.update(
            Participant.objects.filter(identity_hash__in=chunk).values_list("identity_hash", "pk")
        )
    for chunk in _chunks(keys):
        by_key.update(
            RowKey.objects.filter(project=project, key__in=chunk).values_list(
                "key", "participant_id"
            )
        )
    for row in valid:
        row.participant_id = by_hash.get(row.hash) if row.hash else by_key.get(row.row_key)
    people = {r.participant_id for r in valid if r.participant_id}
    latest, consented = {}, set()
    for chunk in _chunks(people):
        for participant_id, pk in (
            Enrolment.objects.filter(project=project, participant_id__in=chunk)
            .values("participant_id")
            .annotate(latest=Max("pk"))
            .values_list("participant_id", "latest")
        ):
            latest[participant_id] = pk
        consented.update(
            Consent.objects.current()
            .filter(
                project=project,
                participant_id__in=chunk,
            )
            .values_list("participant_id", flat=True)
        )
    existing = {}
    for chunk in _chunks(latest.values()):
        for values in Enrolment.objects.filter(pk__in=chunk).values(
            "pk", "status", *ENROLMENT_FIELDS
        ):
            values["target_groups"] = set()
            values["follow_ups"] = {}
            values["participations"] = {}
            values["survey_answers"] = {}  # (occasion, question id) -> value
            existing[values["pk"]] = values
        for enrolment_id, group_id in Enrolment.target_groups.through.objects.filter(
            enrolment_id__in=chunk
        ).values_list("enrolment_id", "targetgroup_id"):
            existing[enrolment_id]["target_groups"].add(group_id)
        for fu in FollowUp.objects.filter(enrolment_id__in=chunk).values(
            "pk",
            "enrolment_id",
            "day",
            "reached",
            "status",
            "income_source",
            "source",
            "recorded_on",
            "due_on",
        ):
            existing[fu["enrolment_id"]]["follow_ups"][fu["day"]] = fu
        for p in Participation.objects.filter(enrolment_id__in=chunk).values(
            "pk", "enrolment_id", "intervention_id", "attended_hours", "started_on"
        ):
            existing[p["enrolment_id"]]["participations"].setdefault(p["intervention_id"], p)
        if plan.surveys:
            for answer in SurveyAnswer.objects.filter(enrolment_id__in=chunk).values(
                "enrolment_id", "occasion", "question_id", "value"
            ):
                existing[answer["enrolment_id"]]["survey_answers"][
                    answer["occasion"], answer["question_id"]
                ] = answer["value"]
    plan.existing = existing

    def header(key):
        return layout.simple[key][1] if key in layout.simple else cols.BY_KEY[key].en

    for row in valid:
        row.in_project = row.participant_id in latest or (
            row.participant_id is not None and not row.hash
        )
        row.needs_consent = row.hash is not None and row.participant_id not in consented
        current = existing.get(latest.get(row.participant_id)) if row.participant_id else None
        merged = dict.fromkeys(ENROLMENT_FIELDS)
        if current:
            merged.update({name: current[name] for name in ENROLMENT_FIELDS})
            for name in (
                "labour_market_status",
                "income_source",
                "swedish_level",
                "exit_reason",
                "exit_status",
                "exit_income_source",
            ):
                merged[name] = merged[name] or None
        merged.update(row.enrolment)
        if merged["case_worker_id"] is None:
            merged["case_worker_id"] = ctx.default_case_worker
        if merged["case_worker_id"] is None:
            row.errors.append(
                (
                    header("case_worker"),
                    _(
                        "Name the responsible case worker: you are not a case worker or manager in "
                        "this project yourself."
                    ),
                )
            )
        _check_dates(row, merged, header, project)
        if row.participations and not merged["started_on"]:
            row.errors.append(
                (
                    header("started_on"),
                    _("Hours in an intervention need the participant's start date."),
                )
            )
        recorded = {d for d, f in row.follow_ups.items() if f}
        if row.follow_ups and not merged["exited_on"]:
            row.errors.append((header("exited_on"), _("Follow-ups need the exit date.")))
        elif merged["exited_on"]:
            for day in recorded:
                due = merged["exited_on"] + dt.timedelta(days=day)
                earliest = max(merged["exited_on"], due - dt.timedelta(days=14))
                outside = period_error(
                    project,
                    row.follow_ups[day]["recorded_on"],
                    row.fu_headers.get(day, ""),
                    follow_up=True,
                )
                if outside:
                    row.errors.append((row.fu_headers.get(day, ""), outside))
                elif row.follow_ups[day]["recorded_on"] < earliest:
                    row.errors.append(
                        (
                            row.fu_headers.get(day, ""),
                            _(
                                "Follow-up day %(day)s is due on %(due)s and can be recorded from "
                                "%(earliest)s."
                            )
                            % {
                                "day": day,
                                "due": due.isoformat(),
                                "earliest": earliest.isoformat(),
                            },
                        )
                    )
        _check_answers(row, merged, current, ctx, layout)
        if not row.ok:
            continue
        row.merged = merged
        if current is None:
            row.action = "create"
            continue
        row.enrolment_id = current["pk"]
        changed = (
            any(
                merged[name] != (current[name] if current[name] != "" else None)
                for name in ENROLMENT_FIELDS
            )
            or not row.target_groups <= current["target_groups"]
            or row.needs_consent
            or any(
                _follow_up_changed(current["follow_ups"].get(day), values)
                for day, values in row.follow_ups.items()
            )
            or any(
                intervention not in current["participations"]
                or current["participations"][intervention]["attended_hours"] != hours
                for intervention, hours in row.participations.items()
            )
            or (
                merged["exited_on"]
                and any(day not in current["follow_ups"] for day in ctx.follow_up_days)
            )
            or bool(row.new_answers)
        )
        if changed and current["status"] in CLOSED_FOR_IMPORT:
            row.errors.append(
                (
                    header("referred_on"),
                    _(
                        "The person's enrolment in this project is “%(status)s” and cannot "
                        "be changed by an import."
                    )
                    % {"status": Status(current["status"]).label},
                )
            )
            continue
        row.action = "update" if changed else "unchanged"


def fingerprint(project, hashes: set, keys: set, *, surveys: bool = False) -> str:
    """A digest of everything match() reads about the file's people: who the numbers and
    external ids find, their enrolments in the project (with status and last change), consents,
    target groups, follow-ups and participations — and, for a file with survey columns, their
    survey answers and which questions the templates' columns write to. The import compares it
    inside its write transaction with the one taken by its check: equal means the prepared write
    is still right."""
    digest = hashlib.sha256()
    people = set()
    for chunk in _chunks(sorted(hashes)):
        for found, pk in (
            Participant.objects.filter(identity_hash__in=chunk)
            .order_by("pk")
            .values_list("identity_hash", "pk")
        ):
            digest.update(f"p{found}:{pk};".encode())
            people.add(pk)
    for chunk in _chunks(sorted(keys)):
        for key, pk in (
            RowKey.objects.filter(project=project, key__in=chunk)
            .order_by("pk")
            .values_list("key", "participant_id")
        ):
            digest.update(f"k{key}:{pk};".encode())
            people.add(pk)
    enrolments = []
    for chunk in _chunks(sorted(people)):
        for values in (
            Enrolment.objects.filter(project=project, participant_id__in=chunk)
            .order_by("pk")
            .values_list("pk", "status", "updated_at")
        ):
            digest.update(f"e{values};".encode())
            enrolments.append(values[0])
        for pk in (
            Consent.objects.current()
            .filter(project=project, participant_id__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            digest.update(f"c{pk};".encode())
    if surveys:
        digest.update(f"q{sorted(current_template_questions(project).items())};".encode())
    answers = ((SurveyAnswer, "a"),) if surveys else ()
    for chunk in _chunks(enrolments):
        for model, what in ((FollowUp, "f"), (Participation, "i"), *answers):
            for values in (
                model.objects.filter(enrolment_id__in=chunk)
                .order_by("pk")
                .values_list("pk", "updated_at")
            ):
                digest.update(f"{what}{values};".encode())
        for values in (
            Enrolment.target_groups.through.objects.filter(enrolment_id__in=chunk)
            .order_by("pk")
            .values_list("enrolment_id", "targetgroup_id")
        ):
            digest.update(f"t{values};".encode())
    return digest.hexdigest()


def _check_answers(row, merged, current, ctx, layout):
    """Give each survey answer of the row its date, and sort out those already recorded: the
    same answer is left as it is (counted); a different one is a row error, as an import never
    changes a recorded answer. An answer whose date cannot be had is a row error naming its
    column."""
    if not row.answers:
        return
    recorded = current["survey_answers"] if current else {}
    referred, started, exited = merged["referred_on"], merged["started_on"], merged["exited_on"]
    language = get_language() or "sv"
    for occasion in Occasion.values:
        keys = [key for (on, key) in row.answers if on == occasion]
        if not keys:
            continue
        first = row.survey_headers[occasion, keys[0]]
        date_cell = layout.surveys.get(occasion, {}).get(cols.SURVEY_DATE)
        date_column = (
            date_cell[1] if date_cell else cols.survey_header(occasion, cols.SURVEY_DATE, language)
        )
        answered_on = row.answer_dates.get(occasion)
        if occasion != Occasion.ENTRY and not exited:
            row.errors.append(
                (
                    first,
                    _(
                        "An answer at exit or at a follow-up needs the exit date (column "
                        "%(column)s)."
                    )
                    % {"column": _exit_column(layout, language)},
                )
            )
            continue
        if answered_on is None:
            column = first
            if occasion == Occasion.ENTRY:
                answered_on = started or referred
            elif occasion == Occasion.EXIT:
                answered_on = exited
            else:
                day = min(ctx.follow_up_days)
                answered_on = exited + dt.timedelta(days=day)
                if answered_on > ctx.today:
                    row.errors.append(
                        (
                            first,
                            _(
                                "The follow-up on day %(day)s is due on %(due)s, in the future: "
                                "write the date the participant answered in the column "
                                "%(column)s."
                            )
                            % {"day": day, "due": answered_on.isoformat(), "column": date_column},
                        )
                    )
                    continue
        else:
            column = date_column
            if referred and answered_on < referred:
                row.errors.append((column, _("The date cannot be before the referral.")))
                continue
            if occasion == Occasion.FOLLOW_UP and answered_on < exited:
                row.errors.append(
                    (column, _("An answer at a follow-up cannot be dated before the exit."))
                )
                continue
        outside = period_error(
            ctx.project, answered_on, column, follow_up=occasion != Occasion.ENTRY
        )
        if outside:
            row.errors.append((column, outside))
            continue
        for key in keys:
            value = row.answers[occasion, key]
            question = ctx.survey_questions.get(key)
            if question is None or (occasion, question) not in recorded:
                row.new_answers.append((occasion, key, value, answered_on))
            elif recorded[occasion, question] == value:
                row.known_answers += 1
            else:
                row.errors.append(
                    (
                        row.survey_headers[occasion, key],
                        _(
                            "This question already has a different answer at this occasion: "
                            "an import does not change a recorded answer."
                        ),
                    )
                )


def _exit_column(layout, language: str) -> str:
    if "exited_on" in layout.simple:
        return layout.simple["exited_on"][1]
    column = cols.BY_KEY["exited_on"]
    return column.sv if language.startswith("sv") else column.en


def _follow_up_changed(current, values) -> bool:
    if current is None:
        return True
    if values is None:
        return False
    return any(current[name] != value for name, value in values.items())


def _check_dates(row, merged, header, project):
    referred, started, exited = merged["referred_on"], merged["started_on"], merged["exited_on"]
    # Within the project's period (core/periods.py), each named by its column.
    for key, value in (("referred_on", referred), ("started_on", started), ("exited_on", exited)):
        outside = period_error(project, value, header(key))
        if outside:
            row.errors.append((header(key), outside))
    if referred and started and started < referred:
        row.errors.append((header("started_on"), _("The start cannot be before the referral.")))
    if exited and not started:
        row.errors.append((header("exited_on"), _("A participant who never started cannot exit.")))
    elif exited and started and exited < started:
        row.errors.append((header("exited_on"), _("The exit date cannot be before the start.")))
    if exited:
        for name in ("exit_reason", "exit_status", "exit_income_source"):
            if not merged[name]:
                row.errors.append((header(name), _("This field is required with an exit date.")))
