"""Goal templates: every row of SPEC's goal table, defined once.

A template names what a goal measures in plain words, which parameters it takes (with their
defaults and how each is checked against the project), and the function in
`goals.engine.measures` that computes it. A goal version stores a template code and a parameters
dict; `validate_parameters()` refuses a dict that cannot be computed with a ValidationError whose
keys are the offending parameters' names.
"""

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enrolments.models import IN_WORK_STATUSES, IncomeSource, LabourMarketStatus, OutcomeStatus
from participants.models import Gender
from prestudy import checklist
from surveys.catalogue import TEMPLATES as SURVEY_TEMPLATES
from surveys.models import Kind, Occasion
from surveys.services import scale_questions_for, template_question

REQUIRED = object()

POPULATIONS = {
    "all": _("everyone who started"),
    "exited": _("everyone who exited"),
    "completers": _("everyone who completed"),
}
CHECKLIST_ITEMS = checklist.ITEMS  # the one list (prestudy/checklist.py)
IN_WORK = sorted(str(s) for s in IN_WORK_STATUSES)
EDUCATION_OR_PROGRAMME = [str(OutcomeStatus.STUDIES), str(OutcomeStatus.OTHER_PROGRAMME)]


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: Any = REQUIRED


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    description: str
    kind: str  # "share" | "count" | "checklist"
    subject: str  # "enrolments" | "households" | "project"
    comparators: tuple[str, ...]
    params: tuple[Param, ...]
    measure: str  # function name in goals.engine.measures

    @property
    def compute(self):
        return getattr(import_module("goals.engine.measures"), self.measure)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


POPULATION_PARAMS = (
    Param("population", "population", "completers"),
    Param("target_group", "target_group", None),
    Param("area", "area", None),
    Param("period_from", "date", None),
    Param("period_to", "date", None),
)
SHARE_COMPARISON = (
    Param("comparator", "comparator", "gte"),
    Param("target", "share"),
    Param("target_high", "share", None),
)
COUNT_COMPARISON = (
    Param("comparator", "comparator", "gte"),
    Param("target", "count"),
    Param("target_high", "count", None),
)

TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in [
        Template(
            "exit_or_survey_share",
            _("Share with a job at exit or a high survey answer"),
            _(
                "Of the population, the share who had one of the given statuses at exit (work, "
                "by default) or answered the survey question at the occasion with at least the "
                "given answer. Those neither in work nor answering are counted as missing."
            ),
            "share",
            "enrolments",
            ("gte", "lte", "range"),
            (
                *POPULATION_PARAMS,
                Param("statuses", "statuses", IN_WORK),
                Param("question", "question", "job_chances"),
                Param("occasion", "occasion", "exit"),
                Param("min_answer", "answer", 4),
                *SHARE_COMPARISON,
            ),
            "exit_or_survey_share",
        ),
        Template(
            "follow_up_share_vs_reference",
            _("Share in work at a follow-up against reference programmes"),
            _(
                "Of the population whose follow-up on the given day is due, the share with one "
                "of the given statuses, compared per year of exit and for the whole period with "
                "the participant-weighted average of the project's reference programmes plus the "
                "given number of percentage points."
            ),
            "share",
            "enrolments",
            ("ref_plus",),
            (
                *POPULATION_PARAMS,
                Param("day", "day", 90),
                Param("statuses", "statuses", IN_WORK),
                Param("delta_pp", "delta_pp", 10),
                Param("comparator", "comparator", "ref_plus"),
            ),
            "follow_up_share_vs_reference",
        ),
        Template(
            "survey_share",
            _("Share answering a survey question within a range"),
            _(
                "Of the population, the share whose answer to the question at the occasion lies "
                "between the lowest and highest answer given (1–5). Those who did not answer are "
                "counted as missing."
            ),
            "share",
            "enrolments",
            ("gte", "lte", "range"),
            (
                *POPULATION_PARAMS,
                Param("question", "question"),
                Param("occasion", "occasion", "exit"),
                Param("min_answer", "answer", 4),
                Param("max_answer", "answer", 5),
                *SHARE_COMPARISON,
            ),
            "survey_share",
        ),
        Template(
            "survey_change",
            _("Share whose survey answer rose between two occasions"),
            _(
                "Of the population, the share whose answer to the question at the later "
                "occasion is at least the given number of steps higher than at the earlier one "
                "(1 by default; 0 counts everyone who did not answer lower). Those without an "
                "answer on both occasions are counted as missing."
            ),
            "share",
            "enrolments",
            ("gte", "lte", "range"),
            (
                *POPULATION_PARAMS,
                Param("question", "question"),
                Param("from_occasion", "occasion", "entry"),
                Param("to_occasion", "occasion", "exit"),
                Param("min_change", "change", 1),
                *SHARE_COMPARISON,
            ),
            "survey_change",
        ),
        Template(
            "follow_up_share",
            _("Share with a status at a follow-up"),
            _(
                "Of the population whose follow-up on the given day is due, the share recorded "
                "with one of the given statuses. Follow-ups not recorded or not reached are "
                "counted as missing."
            ),
            "share",
            "enrolments",
            ("gte", "lte", "range"),
            (
                *POPULATION_PARAMS,
                Param("day", "day", 90),
                Param("statuses", "statuses", IN_WORK),
                *SHARE_COMPARISON,
            ),
            "follow_up_share",
        ),
        Template(
            "follow_up_share_among_not_in_work",
            _("Share in education or a programme among those not in work at a follow-up"),
            _(
                "Of the population whose follow-up on the given day is due and who are not "
                "known to be in work then, the share recorded with one of the given statuses "
                "(studies or another programme, by default). Follow-ups not recorded or not "
                "reached are counted as missing."
            ),
            "share",
            "enrolments",
            ("gte", "lte", "range"),
            (
                *POPULATION_PARAMS,
                Param("day", "day", 90),
                Param("statuses", "statuses", EDUCATION_OR_PROGRAMME),
                Param("excluded_statuses", "statuses", IN_WORK),
                *SHARE_COMPARISON,
            ),
            "follow_up_share_among_not_in_work",
        ),
        Template(
            "gender_split",
            _("Gender split"),
            _(
                "Of the population, the share of the given gender (women, by default), "
                "usually to lie within a range such as 40–60 %."
            ),
            "share",
            "enrolments",
            ("range", "gte", "lte"),
            (
                *POPULATION_PARAMS[1:],
                Param("population", "population", "all"),
                Param("gender", "gender", "woman"),
                Param("ideal", "share", 0.5),
                Param("comparator", "comparator", "range"),
                Param("target", "share", 0.4),
                Param("target_high", "share", 0.6),
            ),
            "gender_split",
        ),
        Template(
            "stakeholder_count",
            _("Number of stakeholders taking part"),
            _(
                "The number of stakeholders in the pre-study register: only those who took part "
                "in at least one workshop or focus group (by default), or all registered."
            ),
            "count",
            "project",
            ("gte", "lte", "range"),
            (Param("only_with_workshop", "bool", True), *COUNT_COMPARISON),
            "stakeholder_count",
        ),
        Template(
            "activity_count",
            _("Number of proposed activities"),
            _(
                "The number of activities the pre-study proposed, in the given intervention "
                "categories (all, when none are given), counted per category; each category "
                "is compared with the target per category when the goal sets one."
            ),
            "count",
            "project",
            ("gte", "lte", "range"),
            (
                Param("categories", "categories", []),
                *COUNT_COMPARISON,
                Param("per_category_target", "count", None),
            ),
            "activity_count",
        ),
        Template(
            "participation_count",
            _("Number of participants in interventions of given categories"),
            _(
                "The number of participants (of the population, optionally only those of the "
                "given labour-market statuses at start, income sources at start, or younger "
                "than the given age at start) who took part in at least one intervention of "
                "the given categories."
            ),
            "count",
            "enrolments",
            ("gte", "lte", "range"),
            (
                *POPULATION_PARAMS[1:],
                Param("population", "population", "all"),
                Param(
                    "categories",
                    "categories",
                    ["basic_education", "vocational_training", "internship"],
                ),
                Param("labour_market_statuses", "labour_market_statuses", []),
                Param("income_sources", "income_sources", []),
                Param("age_below", "age", None),
                # An indicator may have no target yet (seed 000 quantifies them later): it is
                # then counted with the status "no_data".
                Param("comparator", "comparator", "gte"),
                Param("target", "count", None),
                Param("target_high", "count", None),
            ),
            "participation_count",
        ),
        Template(
            "household_share",
            _("Share of households that became self-sufficient"),
            _(
                "Of the households contacted (only those on long-term social assistance at first "
                "contact, by default), the share where every adult member has exited with an "
                "income source other than social assistance or no income. Households without a "
                "registered adult are counted as missing."
            ),
            "share",
            "households",
            ("gte", "lte", "range"),
            (
                Param("long_term_social_assistance_only", "bool", True),
                Param("area", "area", None),
                *SHARE_COMPARISON,
            ),
            "household_share",
        ),
        Template(
            "prestudy_checklist",
            _("Pre-study checklist"),
            _(
                "Items of the pre-study done: each recorded done with a date and its evidence "
                "on the pre-study's checklist page, and backed by its register (target groups "
                "mapped, activities proposed, at least one risk, a SWOT entry in all four "
                "quadrants, every partner with a confirmation date). Met when every item is done."
            ),
            "checklist",
            "project",
            ("gte",),
            (
                Param("items", "checklist_items", list(CHECKLIST_ITEMS)),
                Param("comparator", "comparator", "gte"),
            ),
            "prestudy_checklist",
        ),
    ]
}


def template_choices():
    return [(t.code, t.title) for t in TEMPLATES.values()]


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def scale_question_ids(project) -> set[int]:
    """The questions answered on the scale 1–5 that the project's goals may use (read once per
    count: facts.read_once)."""
    from .facts import read_once

    return read_once(
        ("scale_question_ids", project.pk),
        lambda: set(scale_questions_for(project).order_by().values_list("pk", flat=True)),
    )


def _check(param: Param, value, template: Template, project):
    """Return the cleaned value or raise ValueError with the reason."""
    kind = param.kind
    if value is None and param.default is None:
        return None
    if kind == "population":
        if value not in POPULATIONS:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(POPULATIONS)})
        return value
    if kind == "target_group":
        # A parent's goal may name the target group or area of any of its parts (the records
        # of every part count in it: core.models.Project.counted_project_ids).
        from .engine.population import target_group_codes
        from .facts import counted_ids

        # Compared as text, as the database compares a code (a number given in JSON, say).
        if project is None or str(value) not in target_group_codes(counted_ids(project)):
            raise ValueError(_("The project has no target group “%(value)s”.") % {"value": value})
        return value
    if kind == "area":
        from .engine.population import area_names
        from .facts import counted_ids

        if project is None or str(value) not in area_names(counted_ids(project)):
            raise ValueError(_("The project has no area “%(value)s”.") % {"value": value})
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == "share":
        if not _is_number(value) or not 0 <= value <= 1:
            raise ValueError(_("Enter a share between 0 and 1, e.g. 0.7 for 70 %."))
        return float(value)
    if kind == "count":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(_("Enter a whole number of 0 or more."))
        return value
    if kind == "age":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 120:
            raise ValueError(_("Enter an age in whole years between 1 and 120."))
        return value
    if kind == "delta_pp":
        if not _is_number(value) or not -100 <= value <= 100:
            raise ValueError(_("Enter percentage points between -100 and 100."))
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(_("Enter true or false."))
        return value
    if kind == "day":
        days = project.follow_up_days_or_default if project is not None else [90, 180]
        if not isinstance(value, int) or isinstance(value, bool) or value not in days:
            raise ValueError(
                _("The project has no follow-up on day %(value)s (its days: %(days)s).")
                % {"value": value, "days": ", ".join(str(d) for d in days)}
            )
        return value
    if kind == "question":
        # A goal points at a question (its id), never at a wording: a template key (job_chances)
        # is read as the project's question made from that template (surveys.services).
        if project is None:
            raise ValueError(_("A survey question belongs to a project."))
        if isinstance(value, str) and not value.isdigit():
            if value not in SURVEY_TEMPLATES or SURVEY_TEMPLATES[value]["kind"] != Kind.SCALE:
                raise ValueError(_("Unknown survey question “%(value)s”.") % {"value": value})
            return template_question(project, value).pk
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise ValueError(_("Unknown survey question “%(value)s”.") % {"value": value}) from None
        if isinstance(value, bool) or pk not in scale_question_ids(project):
            raise ValueError(
                _("The project has no survey question “%(value)s” answered on the scale 1–5.")
                % {"value": value}
            )
        return pk
    if kind == "occasion":
        if value not in Occasion.values:
            raise ValueError(_("Unknown survey occasion “%(value)s”.") % {"value": value})
        return value
    if kind == "answer":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValueError(_("Enter an answer between 1 and 5."))
        return value
    if kind == "change":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4:
            raise ValueError(
                _(
                    "Enter a change of 0 to 4 steps: 0 counts everyone who did not answer "
                    "lower, 1 those who answered at least one step higher."
                )
            )
        return value
    if kind == "gender":
        if value not in Gender.values:
            raise ValueError(_("Unknown gender “%(value)s”.") % {"value": value})
        return value
    if kind == "comparator":
        if value not in template.comparators:
            raise ValueError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(template.comparators)}
            )
        return value
    allowed = {
        "statuses": OutcomeStatus.values,
        "income_sources": IncomeSource.values,
        "labour_market_statuses": LabourMarketStatus.values,
        "checklist_items": list(CHECKLIST_ITEMS),
    }
    if kind == "categories":
        from goals.facts import categories

        allowed["categories"] = [code for _, code, *_ in categories()]
    if kind in allowed:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Enter a list of codes."))
        unknown = [v for v in value if v not in allowed[kind]]
        if unknown:
            raise ValueError(_("Unknown value “%(value)s”.") % {"value": unknown[0]})
        if kind in ("statuses", "checklist_items") and not value:
            raise ValueError(_("Choose at least one."))
        return list(dict.fromkeys(value))
    raise ValueError(f"unknown parameter kind {kind}")  # a programming error


def validate_parameters(template_code: str, parameters, project=None) -> dict:
    """Check a goal's parameters against its template and the project; return them complete
    (defaults filled in). Raises ValidationError keyed by the parameter's name."""
    template = TEMPLATES.get(template_code)
    if template is None:
        raise ValidationError(
            {"template": _("Unknown goal template “%(value)s”.") % {"value": template_code}}
        )
    if not isinstance(parameters, dict):
        raise ValidationError({"parameters": _("The parameters must be a JSON object.")})
    errors: dict[str, list] = {}
    known = {p.name for p in template.params}
    for name in parameters:
        if name not in known:
            errors[name] = [
                _("The template “%(template)s” has no parameter “%(name)s”.")
                % {"template": template.code, "name": name}
            ]
    cleaned = {}
    for param in template.params:
        if param.name not in parameters and param.default is REQUIRED:
            errors[param.name] = [_("This parameter is required.")]
            continue
        # Defaults are checked too: the default day 90 may not be one of the project's days.
        value = parameters.get(param.name, param.default)
        try:
            cleaned[param.name] = _check(param, value, template, project)
        except ValueError as error:
            errors[param.name] = [str(error)]
    if errors:
        raise ValidationError(errors)

    if cleaned.get("min_answer") is not None and cleaned.get("max_answer") is not None:
        if cleaned["min_answer"] > cleaned["max_answer"]:
            errors["min_answer"] = [_("The lowest answer cannot be above the highest.")]
    if cleaned.get("from_occasion") and cleaned.get("to_occasion"):
        order = list(Occasion.values)
        earlier, later = cleaned["from_occasion"], cleaned["to_occasion"]
        if earlier == later:
            errors["to_occasion"] = [
                _("Choose two different occasions: a change needs an earlier and a later answer.")
            ]
        elif order.index(later) < order.index(earlier):
            errors["to_occasion"] = [
                _("The later occasion comes before the earlier one: swap them.")
            ]
    if cleaned.get("period_from") and cleaned.get("period_to"):
        if cleaned["period_from"] > cleaned["period_to"]:
            errors["period_from"] = [_("The period cannot end before it starts.")]
    if cleaned.get("comparator") == "range":
        if cleaned.get("target_high") is None:
            errors["target_high"] = [_("A range needs an upper limit.")]
        elif cleaned.get("target") is not None and cleaned["target"] > cleaned["target_high"]:
            errors["target"] = [_("The lower limit cannot be above the upper limit.")]
    if errors:
        raise ValidationError(errors)
    return cleaned
