"""The evaluators' microdata: one row per enrolment, pseudonymised (docs/microdata.md).

`build(project)` describes the data set of one project — its variables (the columns, in the
reader's language, with their codes and labels for the data dictionary), how many rows and
people it has and whether it may be given out at all — and `Dataset.rows()` reads it: ONE
query over the project's enrolments with everything else (hours per intervention category,
follow-ups, survey answers, target groups) as correlated subqueries computed by the database,
read with `.iterator()`, so a large project streams in flat memory with no query per row.

What is never in it: names, identity numbers, the enrolment's or the person's id, exact dates,
free text (notes, interpreter language, document references), who recorded anything, protected
identity. What protects people in small projects is in `withheld_values` and docs/microdata.md.
"""

import dataclasses
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Count,
    Sum,
)
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import export
from core.models import Area, Organisation, TargetGroup
from core.policy import project_threshold
from enrolments.models import (
    Enrolment,
    ExitReason,
    FollowUp,
    IncomeSource,
    LabourMarketStatus,
    OutcomeStatus,
    Status,
    SwedishLevel,
)
from interventions.models import InterventionCategory, Participation
from participants.models import EducationLevel, Gender, RegionOfBirth
from surveys.models import Kind, Occasion, SurveyAnswer
from surveys.services import questions_for

from .checks import MIN_KEY_LENGTH

PSEUDONYM_LENGTH = 16  # hex digits: 64 bits, no collision in any project's lifetime
TENTH = Decimal("0.1")  # hours are recorded to the tenth
ZERO_HOURS = Decimal("0.0")
CODE = "code"  # a text column whose values are codes listed in the dictionary

# Age at the start (start year minus birth year), in the bands ESF 2014–2020 and ESF+ report by:
# below 25 = under 18 + 18–24, 18–29 = 18–24 + 25–29, above 54 = 55 or older.
AGE_BANDS = (
    (0, 17, "under_18"),
    (18, 24, "18_24"),
    (25, 29, "25_29"),
    (30, 54, "30_54"),
    (55, 200, "55_plus"),
)

# The variables that, combined, could single a person out to someone who knows the project
# (quasi-identifiers): a value fewer than the project's threshold of people share is left out.
QUASI_IDENTIFIERS = {
    "birth_year": "participant__birth_year",
    "gender": "participant__gender",
    "region_of_birth": "participant__region_of_birth",
    "arrival_year": "participant__arrival_year",
    "area": "area_id",
}


# --- pseudonyms -------------------------------------------------------------------------------


def _key() -> bytes:
    key = getattr(settings, "PSEUDONYM_KEY", "") or ""
    if len(key) < MIN_KEY_LENGTH:  # never pseudonymise with a weak key (microdata.checks)
        raise ImproperlyConfigured("PSEUDONYM_KEY is missing or too short.")
    return key.encode()


def pseudonym(project_id: int, participant_id: int, *, key: bytes | None = None) -> str:
    """The person's pseudonym in the project: HMAC-SHA256 under PSEUDONYM_KEY of the project's
    and the person's ids. The same in every download of the project, another in another project;
    without the key nobody can compute it from an id (ids are small numbers: a plain hash of
    them would be undone by trying them all)."""
    message = f"participant|{project_id}|{participant_id}".encode()
    return hmac.new(key or _key(), message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def household_pseudonym(project_id: int, household_id: int, *, key: bytes | None = None) -> str:
    message = f"household|{project_id}|{household_id}".encode()
    return hmac.new(key or _key(), message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


# --- variables --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    """One column: its stable name (the same in every language), its header in the reader's
    language, what it means, its kind (export.TEXT/INTEGER/DECIMAL or CODE) and, for a coded
    column, its codes with their labels."""

    name: str
    header: str
    description: str
    kind: str = export.TEXT
    codes: tuple = ()

    @property
    def export_kind(self) -> str:
        return export.TEXT if self.kind == CODE else self.kind

    @property
    def kind_label(self) -> str:
        return {
            CODE: _("code"),
            export.TEXT: _("text"),
            export.INTEGER: _("whole number"),
            export.DECIMAL: _("decimal number"),
        }[self.kind]


def _choices(choices) -> tuple:
    return tuple((value, str(label)) for value, label in choices)


def _yes_no() -> tuple:
    return ((1, _("yes")), (0, _("no")))


def _month(value: dt.date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


def _days(start: dt.date | None, end: dt.date | None) -> int | None:
    return (end - start).days if start and end else None


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def age_band(birth_year: int | None, year: int | None) -> str | None:
    if not birth_year or not year:
        return None
    age = year - birth_year
    for low, high, code in AGE_BANDS:
        if low <= age <= high:
            return code
    return None


@dataclass
class Dataset:
    project: Any
    variables: list[Variable]
    people: int
    enrolments: int
    threshold: int
    withheld_values: dict[str, set]
    categories: list
    days: list[int]
    target_groups: list
    # (column stem, question): the scale questions answered in the project. Free-text answers
    # never leave (docs/surveys.md, "Privacy").
    questions: list = dataclasses.field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """A file about fewer people than the threshold is not given out at all."""
        return self.people >= self.threshold

    @property
    def columns(self) -> list[export.Column]:
        return [export.Column(v.name, v.header, v.export_kind) for v in self.variables]

    def enrolments_query(self):
        return (
            Enrolment.objects.filter(project=self.project)
            .order_by("pk")
            .values(
                "pk",
                "participant_id",
                "participant__household_id",
                "participant__birth_year",
                "participant__gender",
                "participant__region_of_birth",
                "participant__arrival_year",
                "participant__education_level",
                "participant__disability",
                "area_id",
                "referred_by_id",
                "referred_on",
                "started_on",
                "labour_market_status",
                "months_without_work",
                "income_source",
                "swedish_level",
                "status",
                "exited_on",
                "exit_reason",
                "exit_status",
                "exit_income_source",
            )
        )

    def side_queries(self) -> dict:
        """The rows that hang off an enrolment, each ordered by enrolment: hours summed per
        enrolment and category by the database (one grouped query), follow-ups, survey
        answers and target groups."""
        mine = {"enrolment__project": self.project}
        return {
            "hours": Participation.objects.filter(**mine)
            .order_by()
            .values("enrolment_id", "intervention__category_id")
            .annotate(total=Sum("attended_hours"))
            .order_by("enrolment_id"),
            "follow_ups": FollowUp.objects.filter(**mine)
            .order_by("enrolment_id")
            .values("enrolment_id", "day", "reached", "status", "income_source", "source"),
            "answers": SurveyAnswer.objects.filter(**mine)
            .order_by("enrolment_id")
            .filter(value__isnull=False, question__kind=Kind.SCALE)
            .values("enrolment_id", "occasion", "question_id", "value"),
            "groups": Enrolment.target_groups.through.objects.filter(**mine)
            .order_by("enrolment_id")
            .values("enrolment_id", "targetgroup_id"),
        }

    def rows(self):
        """The rows as dicts keyed by variable name. Five streamed queries, each ordered by
        enrolment, read side by side (a merge join): no query per row, memory flat."""
        key = _key()
        project_id = self.project.pk
        stems = {question.pk: stem for stem, question in self.questions}
        withheld_values = self.withheld_values
        sides = {
            name: _Stream(query.iterator(chunk_size=2000))
            for name, query in self.side_queries().items()
        }
        category_codes = {category.pk: category.code for category in self.categories}
        group_codes = {group.pk: group.code for group in self.target_groups}
        days = set(self.days)
        for record in self.enrolments_query().iterator(chunk_size=2000):
            enrolment_id = record["pk"]
            row = {
                "pseudonym": pseudonym(project_id, record["participant_id"], key=key),
                "household": household_pseudonym(
                    project_id, record["participant__household_id"], key=key
                )
                if record["participant__household_id"]
                else None,
                "age_band": age_band(
                    record["participant__birth_year"],
                    (record["started_on"] or record["referred_on"]).year,
                ),
                "education_level": record["participant__education_level"] or None,
                "disability": _flag(record["participant__disability"]),
                "referred_by": record["referred_by_id"],
                "referral_month": _month(record["referred_on"]),
                "start_month": _month(record["started_on"]),
                "days_referral_to_start": _days(record["referred_on"], record["started_on"]),
                "labour_market_status": record["labour_market_status"] or None,
                "months_without_work": record["months_without_work"],
                "income_source": record["income_source"] or None,
                "swedish_level": record["swedish_level"] or None,
                "status": record["status"],
                "exit_month": _month(record["exited_on"]),
                "days_start_to_exit": _days(record["started_on"], record["exited_on"]),
                "exit_reason": record["exit_reason"] or None,
                "exit_status": record["exit_status"] or None,
                "exit_income_source": record["exit_income_source"] or None,
            }
            withheld = []
            for name, path in QUASI_IDENTIFIERS.items():
                value = record[path]
                if value in withheld_values[name]:
                    withheld.append(name)
                    value = None
                row[name] = value if value != "" else None
            row["withheld"] = " ".join(withheld) or None
            for code in group_codes.values():
                row[f"target_group_{code}"] = 0
            for side in sides["groups"].take(enrolment_id):
                row[f"target_group_{group_codes[side['targetgroup_id']]}"] = 1
            for code in category_codes.values():
                row[f"hours_{code}"] = ZERO_HOURS
            for side in sides["hours"].take(enrolment_id):
                code = category_codes[side["intervention__category_id"]]
                row[f"hours_{code}"] = Decimal(side["total"] or 0).quantize(TENTH)
            for day in self.days:
                for field in ("reached", "status", "income_source", "source"):
                    row[f"followup_{day}_{field}"] = None
            for side in sides["follow_ups"].take(enrolment_id):
                if side["day"] in days:
                    day = side["day"]
                    row[f"followup_{day}_reached"] = _flag(side["reached"])
                    for field in ("status", "income_source", "source"):
                        row[f"followup_{day}_{field}"] = side[field] or None
            for occasion in Occasion.values:
                for stem in stems.values():
                    row[f"survey_{occasion}_{stem}"] = None
            for side in sides["answers"].take(enrolment_id):
                stem = stems.get(side["question_id"])
                if stem:
                    row[f"survey_{side['occasion']}_{stem}"] = side["value"]
            yield row

    def dictionary_rows(self):
        """The data dictionary, one row per variable followed by one per code of a coded one:
        {column, variable, description, kind, code, label}."""
        for variable in self.variables:
            yield {
                "column": variable.header,
                "variable": variable.name,
                "description": variable.description,
                "kind": variable.kind_label,
                "code": None,
                "label": None,
            }
            for code, label in variable.codes:
                yield {
                    "column": None,
                    "variable": variable.name,
                    "description": None,
                    "kind": None,
                    "code": code,
                    "label": label,
                }


class _Stream:
    """Rows ordered by `enrolment_id`, handed out one enrolment at a time as the enrolments
    (in the same order) go by."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.next = next(self.rows, None)

    def take(self, enrolment_id) -> list[dict]:
        taken = []
        while self.next is not None and self.next["enrolment_id"] <= enrolment_id:
            if self.next["enrolment_id"] == enrolment_id:
                taken.append(self.next)
            self.next = next(self.rows, None)
        return taken


def dictionary_columns() -> list[export.Column]:
    return [
        export.Column("column", _("Column")),
        export.Column("variable", _("Variable")),
        export.Column("description", _("Meaning")),
        export.Column("kind", _("Type")),
        export.Column("code", _("Code")),
        export.Column("label", _("Label")),
    ]


def withheld_values(project, threshold: int) -> dict[str, set]:
    """For each quasi-identifier, the values fewer than `threshold` people of the project share:
    one grouped query each."""
    enrolments = Enrolment.objects.filter(project=project).order_by()
    rare = {}
    for name, path in QUASI_IDENTIFIERS.items():
        rare[name] = set(
            enrolments.values(path)
            .annotate(people=Count("participant", distinct=True))
            .filter(people__lt=threshold)
            .exclude(**{f"{path}__isnull": True})
            .values_list(path, flat=True)
        )
    return rare


def survey_questions(project) -> list[tuple[str, object]]:
    """(column stem, question) of each scale question answered in the project, in the order they
    were made. The stem is the template's key (job_chances) when one question of the project has
    it, otherwise q and the question's id, so two wordings never share a column."""
    answered = SurveyAnswer.objects.filter(enrolment__project=project).values("question_id")
    questions = list(questions_for(project).filter(kind=Kind.SCALE, pk__in=answered).order_by("pk"))
    keys = [q.key for q in questions if q.key]
    return [(q.key if q.key and keys.count(q.key) == 1 else f"q{q.pk}", q) for q in questions]


def _survey_variables(questions) -> list[Variable]:
    language = (get_language() or "sv")[:2]
    variables = []
    for occasion, occasion_label in Occasion.choices:
        for stem, question in questions:
            wording = question.text_in(language) or question.text_in("sv")
            variables.append(
                Variable(
                    f"survey_{occasion}_{stem}",
                    f"{wording} ({occasion_label})",
                    _(
                        "Survey answer on the scale 1 (lowest) to 5 (highest); empty when "
                        "not answered."
                    ),
                    export.INTEGER,
                )
            )
    return variables


def build(project) -> Dataset:
    """The data set of `project`, with its variables in the active language."""
    threshold = project_threshold(project)
    enrolments = Enrolment.objects.filter(project=project).order_by()
    counts = enrolments.aggregate(
        enrolments=Count("pk"), people=Count("participant", distinct=True)
    )
    rare = withheld_values(project, threshold)
    categories = list(InterventionCategory.objects.order_by("order", "code"))
    groups = list(TargetGroup.objects.filter(project=project).order_by("code"))
    days = sorted(
        set(project.follow_up_days_or_default)
        | set(
            FollowUp.objects.filter(enrolment__project=project)
            .order_by()
            .values_list("day", flat=True)
            .distinct()
        )
    )
    area_ids = set(project.areas.values_list("pk", flat=True)) | (
        set(enrolments.exclude(area__isnull=True).values_list("area_id", flat=True).distinct())
        - rare["area"]
    )
    areas = Area.objects.filter(pk__in=area_ids).order_by("name")
    referrers = Organisation.objects.filter(
        pk__in=enrolments.exclude(referred_by__isnull=True).values("referred_by_id")
    ).order_by("name")
    questions = survey_questions(project)
    variables = _variables(project, categories, days, groups, areas, referrers, threshold)
    variables += _survey_variables(questions)
    return Dataset(
        questions=questions,
        project=project,
        variables=variables,
        people=counts["people"],
        enrolments=counts["enrolments"],
        threshold=threshold,
        withheld_values=rare,
        categories=categories,
        days=days,
        target_groups=groups,
    )


def _variables(project, categories, days, groups, areas, referrers, threshold) -> list[Variable]:
    rare_note = _(
        "Left empty when fewer than %(n)s people in the project share the value (see withheld)."
    ) % {"n": threshold}
    outcome = _choices(OutcomeStatus.choices)
    income = _choices(IncomeSource.choices)
    variables = [
        Variable(
            "pseudonym",
            _("Pseudonym"),
            _(
                "The person's pseudonym in this project: the same in every download of the "
                "project, another in another project. A person enrolled twice has two rows with "
                "the same pseudonym."
            ),
        ),
        Variable(
            "household",
            _("Household"),
            _("Pseudonym of the person's household in this project; empty when none."),
        ),
        Variable(
            "birth_year", _("Birth year"), _("Year of birth.") + " " + rare_note, export.INTEGER
        ),
        Variable(
            "age_band",
            _("Age at start"),
            _(
                "Age in the year of the start (of the referral when not started): start year "
                "minus birth year. Given also when the birth year is withheld."
            ),
            CODE,
            (
                ("under_18", _("under 18")),
                ("18_24", "18–24"),
                ("25_29", "25–29"),
                ("30_54", "30–54"),
                ("55_plus", _("55 or older")),
            ),
        ),
        Variable("gender", _("Gender"), rare_note, CODE, _choices(Gender.choices)),
        Variable(
            "region_of_birth",
            _("Region of birth"),
            rare_note,
            CODE,
            _choices(RegionOfBirth.choices),
        ),
        Variable(
            "arrival_year",
            _("Year of arrival in Sweden"),
            _("Empty when unknown or born in Sweden.") + " " + rare_note,
            export.INTEGER,
        ),
        Variable(
            "education_level",
            _("Education level"),
            _("Highest education completed, with its ISCED band."),
            CODE,
            _choices(EducationLevel.choices),
        ),
        Variable(
            "disability",
            _("Disability"),
            _("Empty when not recorded."),
            CODE,
            _yes_no(),
        ),
        Variable(
            "area",
            _("Area"),
            _("The area the person lives in, as the project records it.") + " " + rare_note,
            CODE,
            tuple((area.pk, area.name) for area in areas),
        ),
        Variable(
            "withheld",
            _("Withheld"),
            _(
                "The variables left empty in this row because fewer than %(n)s people in the "
                "project share their value, separated by spaces."
            )
            % {"n": threshold},
        ),
    ]
    for group in groups:
        variables.append(
            Variable(
                f"target_group_{group.code}",
                _("Target group: %(name)s") % {"name": _target_group_name(group)},
                _("1 when the enrolment meets the project's target group, else 0."),
                CODE,
                _yes_no(),
            )
        )
    variables += [
        Variable(
            "referred_by",
            _("Referred by"),
            _("The organisation that referred the person."),
            CODE,
            tuple((org.pk, org.name) for org in referrers),
        ),
        Variable(
            "referral_month",
            _("Month of referral"),
            _("Year and month (YYYY-MM) of the referral. Exact dates are not given."),
        ),
        Variable(
            "start_month",
            _("Month of start"),
            _("Year and month (YYYY-MM) of the start; empty when not started."),
        ),
        Variable(
            "days_referral_to_start",
            _("Days from referral to start"),
            _("Whole days."),
            export.INTEGER,
        ),
        Variable(
            "labour_market_status",
            _("Labour-market status at start"),
            _("Baseline."),
            CODE,
            _choices(LabourMarketStatus.choices),
        ),
        Variable(
            "months_without_work",
            _("Months without work at start"),
            _("Baseline."),
            export.INTEGER,
        ),
        Variable(
            "income_source",
            _("Income source at start"),
            _("Baseline."),
            CODE,
            income,
        ),
        Variable(
            "swedish_level",
            _("Swedish level at start"),
            _("Baseline."),
            CODE,
            _choices(SwedishLevel.choices),
        ),
        Variable(
            "status",
            _("Status"),
            _("The enrolment's status on the day of the download."),
            CODE,
            _choices(Status.choices),
        ),
        Variable(
            "exit_month",
            _("Month of exit"),
            _("Year and month (YYYY-MM) of the exit; empty when not exited."),
        ),
        Variable(
            "days_start_to_exit",
            _("Days from start to exit"),
            _("Whole days in the project; empty when not exited."),
            export.INTEGER,
        ),
        Variable("exit_reason", _("Exit reason"), "", CODE, _choices(ExitReason.choices)),
        Variable("exit_status", _("Status at exit"), "", CODE, outcome),
        Variable("exit_income_source", _("Income source at exit"), "", CODE, income),
    ]
    for category in categories:
        variables.append(
            Variable(
                f"hours_{category.code}",
                _("Hours: %(category)s") % {"category": str(category)},
                _(
                    "Hours attended in the project's interventions of this category (0 when "
                    "none), as the attendance pages count them."
                ),
                export.DECIMAL,
            )
        )
    sources = _choices(FollowUp.Source.choices)
    for day in days:
        variables += [
            Variable(
                f"followup_{day}_reached",
                _("Follow-up day %(day)s: reached") % {"day": day},
                _(
                    "1 reached, 0 could not be reached (non-response), empty when not yet "
                    "recorded or not due."
                ),
                CODE,
                _yes_no(),
            ),
            Variable(
                f"followup_{day}_status",
                _("Follow-up day %(day)s: status") % {"day": day},
                _("The person's situation %(day)s days after exit.") % {"day": day},
                CODE,
                outcome,
            ),
            Variable(
                f"followup_{day}_income_source",
                _("Follow-up day %(day)s: income source") % {"day": day},
                "",
                CODE,
                income,
            ),
            Variable(
                f"followup_{day}_source",
                _("Follow-up day %(day)s: source") % {"day": day},
                _("Where the answer came from."),
                CODE,
                sources,
            ),
        ]
    return variables


def _target_group_name(group) -> str:
    from django.utils.translation import get_language

    if (get_language() or "sv").startswith("en") and group.name_en:
        return group.name_en
    return group.name
