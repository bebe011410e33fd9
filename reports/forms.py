"""The goal editor's forms, built from the template's parameter definitions
(goals/definitions.py).

Each parameter kind gets a proper input: shares as percent ("70" or "70 %" is stored as 0.70),
choices as selects, lists of statuses as checkboxes. Whether a value can be computed for the
project (a follow-up day it uses, a known survey question, a range whose low is not above its
high …) is decided by `goals.definitions.validate_parameters` through the services; its errors are
put next to the field of the same name, so the selects accept any value and leave the reason to
the template.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from core.models import Area, TargetGroup
from enrolments.models import IncomeSource, LabourMarketStatus, OutcomeStatus
from goals.definitions import CHECKLIST_ITEMS, POPULATIONS, REQUIRED, TEMPLATES, Template
from participants.models import Gender
from surveys.models import Occasion
from surveys.services import scale_questions_for

# Which part of the goal a parameter belongs to: who is counted, what is measured, the target.
WHO, WHAT, TARGET = "who", "what", "target"
SECTIONS = {
    WHO: (
        _("Who is counted"),
        _("The group of participants (or households) the goal is about."),
    ),
    WHAT: (
        _("What is measured"),
        _("What counts someone as reaching the goal."),
    ),
    TARGET: (
        _("The target"),
        _("What the project promised, and how the result is compared with it."),
    ),
}
SECTION_OF = {
    "population": WHO,
    "target_group": WHO,
    "area": WHO,
    "period_from": WHO,
    "period_to": WHO,
    "long_term_social_assistance_only": WHO,
    "comparator": TARGET,
    "target": TARGET,
    "target_high": TARGET,
    "ideal": TARGET,
    "delta_pp": TARGET,
    "per_category_target": TARGET,
}

# Label and plain-words help of every parameter name used by the templates.
PARAM_TEXT = {
    "population": (
        _("Population"),
        _("Whom the share or number is taken over: everyone who started, exited or completed."),
    ),
    "target_group": (
        _("Target group"),
        _("Only participants of this target group. Leave as it is to count every group."),
    ),
    "area": (_("Area"), _("Only participants living in this area.")),
    "period_from": (
        _("From"),
        _("Only those who started on or after this date (YYYY-MM-DD). Leave empty for no limit."),
    ),
    "period_to": (
        _("To"),
        _("Only those who started on or before this date (YYYY-MM-DD). Leave empty for no limit."),
    ),
    "statuses": (
        _("Statuses that count"),
        _("Someone reaches the goal when recorded with one of the ticked statuses."),
    ),
    "excluded_statuses": (
        _("Statuses left out"),
        _("Those recorded with one of these statuses are not part of the group at all."),
    ),
    "question": (_("Survey question"), _("The question of the participants' survey.")),
    "occasion": (_("Survey occasion"), _("When the question was answered.")),
    "min_answer": (
        _("Lowest answer"),
        _("Answers from 1 (not at all) to 5 (very much): the lowest answer that counts."),
    ),
    "max_answer": (_("Highest answer"), _("The highest answer that counts.")),
    "from_occasion": (
        _("Earlier occasion"),
        _("The answer the change is measured from, usually the one at entry."),
    ),
    "to_occasion": (
        _("Later occasion"),
        _("The answer compared with the earlier one, e.g. at exit. It must come after it."),
    ),
    "min_change": (
        _("Smallest change that counts"),
        _(
            "How many steps higher the later answer must be on the 1–5 scale: 1 means at least "
            "one step higher, 0 means not lower (the same or higher)."
        ),
    ),
    "day": (
        _("Follow-up day"),
        _("The follow-up this many days after exit; only the days this project follows up."),
    ),
    "delta_pp": (
        _("Percentage points above the reference"),
        _("How much better than the reference programmes' average, e.g. 10."),
    ),
    "gender": (_("Gender"), _("Whose share of the group is measured.")),
    "ideal": (
        _("Ideal share (%)"),
        _("The share you would ideally like to see, e.g. 50; shown for information."),
    ),
    "only_with_workshop": (
        _("Only stakeholders who took part in a workshop or focus group"),
        _("Untick to count every registered stakeholder."),
    ),
    "categories": (
        _("Intervention categories"),
        _("Tick the categories that count. None ticked counts every category."),
    ),
    "labour_market_statuses": (
        _("Labour-market status at start"),
        _("Only participants with one of the ticked statuses at start. None ticked: everyone."),
    ),
    "income_sources": (
        _("Income source at start"),
        _("Only participants with one of the ticked income sources at start. None: everyone."),
    ),
    "age_below": (
        _("Younger than (years)"),
        _("Only participants younger than this at start, e.g. 25. Leave empty for any age."),
    ),
    "long_term_social_assistance_only": (
        _("Only households on long-term social assistance at first contact"),
        _("Untick to count every household contacted."),
    ),
    "per_category_target": (
        _("Target per category (number)"),
        _("At least this many activities in each ticked category. Empty: each is only counted."),
    ),
    "items": (
        _("Checklist items"),
        _("The items of the pre-study that must be done for the goal to be met."),
    ),
    "comparator": (
        _("Comparison"),
        _("How the result is compared with the target."),
    ),
}
SHARE_TARGET_TEXT = {
    "target": (
        _("Target (%)"),
        _('The share promised, in percent, e.g. 70 or "70 %". For a range: the lower limit.'),
    ),
    "target_high": (
        _("Upper limit (%)"),
        _("Only for a range: the highest share, e.g. 60."),
    ),
}
COUNT_TARGET_TEXT = {
    "target": (
        _("Target (number)"),
        _("The number promised. For a range: the lowest number. Empty: only counted."),
    ),
    "target_high": (_("Upper limit (number)"), _("Only for a range: the highest number.")),
}
COMPARATORS = {
    "gte": _("At least the target"),
    "lte": _("At most the target"),
    "range": _("Within a range: from the target to the upper limit"),
    "ref_plus": _("At least the reference programmes' average plus the percentage points"),
}
ANSWERS = {
    1: _("1 — not at all"),
    2: "2",
    3: "3",
    4: "4",
    5: _("5 — very much"),
}
CHANGES = {
    0: _("0 — not lower than before"),
    1: _("+1 step or more"),
    2: _("+2 steps or more"),
    3: _("+3 steps or more"),
    4: _("+4 steps (from 1 to 5)"),
}
MULTIPLE_KINDS = {"statuses", "income_sources", "labour_market_statuses", "categories"}
NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_number(text) -> float | None:
    """ "70", "70 %", "70,5" or "70.5%" -> 70.0 / 70.5; None for anything else."""
    cleaned = str(text).replace("\u00a0", " ").strip().rstrip("%").strip().replace(" ", "")
    if not NUMBER.match(cleaned):
        return None
    return float(cleaned.replace(",", "."))


def percent_text(share) -> str:
    """0.7 -> "70" (what the percent input shows)."""
    if share is None:
        return ""
    return floatformat(round(share * 100, 4), -4).replace("\u00a0", "")


class PercentField(forms.CharField):
    """A share typed in percent: "70" or "70 %" -> 0.7."""

    default_error_messages = {
        "invalid": _("Enter a percentage between 0 and 100, e.g. 70."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_number(value)
        if number is None or not 0 <= number <= 100:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return round(number / 100, 6)


class PointsField(forms.CharField):
    """Percentage points, "10" or "10,5"."""

    default_error_messages = {"invalid": _("Enter a number of percentage points, e.g. 10.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_number(str(value).removesuffix("pp").strip())
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class OpenChoiceField(forms.ChoiceField):
    """A select whose value the goal template checks (with the precise reason), not the form.
    Whole numbers are passed on as int."""

    def valid_value(self, value):
        return True

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return int(value) if value.isdigit() else value


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value):
        return True


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _target_groups(project):
    english = _english()
    # A parent's goal may name the target group of any of its parts (docs/rollups.md); a code
    # used by several parts is one choice.
    groups = TargetGroup.objects.filter(project_id__in=project.counted_project_ids())
    choices = {}
    for tg in groups.order_by("name", "project_id"):
        choices.setdefault(tg.code, tg.name_en if english and tg.name_en else tg.name)
    return list(choices.items())


def _categories():
    from interventions.models import InterventionCategory

    english = _english()
    return [
        (c.code, c.name_en if english and c.name_en else c.name)
        for c in InterventionCategory.objects.order_by("order", "code")
    ]


def choices_for(kind: str, template: Template, project) -> list | None:
    """The options of a parameter kind for this project (None: not a choice)."""
    if kind == "population":
        return list(POPULATIONS.items())
    if kind == "target_group":
        return [("", _g("All target groups")), *_target_groups(project)]
    if kind == "area":
        names = (
            Area.objects.filter(projects__in=project.counted_project_ids())
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )
        return [("", _g("All areas")), *((n, n) for n in names)]
    if kind == "day":
        return [
            (d, _g("Day %(day)s after exit") % {"day": d})
            for d in project.follow_up_days_or_default
        ]
    if kind == "question":
        english = (get_language() or "sv").startswith("en")
        return [
            (q.pk, (q.text_in("en") if english else "") or q.text_in("sv") or str(q))
            for q in scale_questions_for(project).order_by("pk")
        ]
    if kind == "occasion":
        return list(Occasion.choices)
    if kind == "answer":
        return list(ANSWERS.items())
    if kind == "change":
        return list(CHANGES.items())
    if kind == "gender":
        return list(Gender.choices)
    if kind == "comparator":
        return [(c, COMPARATORS.get(c, c)) for c in template.comparators]
    if kind == "statuses":
        return list(OutcomeStatus.choices)
    if kind == "income_sources":
        return list(IncomeSource.choices)
    if kind == "labour_market_statuses":
        return list(LabourMarketStatus.choices)
    if kind == "categories":
        return _categories()
    if kind == "checklist_items":
        return list(CHECKLIST_ITEMS.items())
    return None


def param_text(template: Template, name: str):
    if name in ("target", "target_high"):
        table = SHARE_TARGET_TEXT if template.kind == "share" else COUNT_TARGET_TEXT
        return table[name]
    return PARAM_TEXT.get(name, (name, ""))


def build_field(param, template: Template, project):
    label, help_text = param_text(template, param.name)
    has_default = param.default is not REQUIRED and param.default is not None
    required = param.default is REQUIRED or (
        has_default and not isinstance(param.default, list | bool)
    )
    options = {"label": label, "help_text": help_text, "required": required}
    kind = param.kind
    if kind in MULTIPLE_KINDS or kind == "checklist_items":
        options["required"] = False
        return OpenMultipleChoiceField(
            choices=choices_for(kind, template, project),
            widget=forms.CheckboxSelectMultiple,
            **options,
        )
    choices = choices_for(kind, template, project)
    if choices is not None:
        return OpenChoiceField(choices=choices, **options)
    if kind == "share":
        return PercentField(**options, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    if kind == "delta_pp":
        return PointsField(**options, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    if kind in ("count", "age"):
        return forms.IntegerField(**options)
    if kind == "date":
        return forms.DateField(
            **options, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        )
    if kind == "bool":
        options["required"] = False
        return forms.BooleanField(**options)
    raise ValueError(f"no input for parameter kind {kind}")  # a programming error


class TemplateChoiceForm(forms.Form):
    """Step one of a new goal: which kind of goal (GET form)."""

    template = forms.ChoiceField(
        label=_("What kind of goal?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a kind of goal.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.code, t.title) for t in TEMPLATES.values()]


class GoalForm(forms.Form):
    """A goal's titles and its template's parameters."""

    title = forms.CharField(
        label=_("Title (Swedish)"),
        max_length=250,
        help_text=_("The goal as the project promised it, e.g. “Minst 70 % har arbete”."),
        error_messages={"required": _("Give the goal a title.")},
    )
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=250,
        required=False,
        help_text=_("Shown on the English pages; leave empty to show the Swedish title."),
    )

    def __init__(self, *args, template: Template, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.project = project
        self.param_names = []
        for param in template.params:
            if param.kind == "comparator" and len(template.comparators) == 1:
                continue  # nothing to choose
            field = build_field(param, template, project)
            current = self.initial.get(param.name)
            if isinstance(field, OpenChoiceField) and current not in (None, ""):
                if str(current) not in {str(value) for value, _label in field.choices}:
                    # A stored value the project no longer offers: shown, so it can be changed.
                    field.choices = [*field.choices, (current, str(current))]
            self.fields[param.name] = field
            self.param_names.append(param.name)

    def sections(self):
        """The parameter fields grouped by who / what / target, with their plain-words intro."""
        grouped = {WHO: [], WHAT: [], TARGET: []}
        for name in self.param_names:
            grouped[SECTION_OF.get(name, WHAT)].append(self[name])
        return [
            {"key": key, "title": SECTIONS[key][0], "intro": SECTIONS[key][1], "fields": fields}
            for key, fields in grouped.items()
            if fields
        ]

    def parameters(self) -> dict:
        """The parameters dict for goals.services (call after is_valid())."""
        params = {}
        for name in self.param_names:
            value = self.cleaned_data.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            param = self.template.param(name)
            if value is None and param.default is not None and param.default is not REQUIRED:
                continue  # the template's default applies
            if value is None and param.default is REQUIRED:
                continue  # reported by the template as required
            params[name] = value
        return params

    def add_service_errors(self, error: ValidationError):
        """Put the services' errors (keyed by field or parameter name) next to their field."""
        for name, messages in error.message_dict.items():
            for message in messages:
                if name in self.fields:
                    self.add_error(name, message)
                else:
                    label = str(param_text(self.template, name)[0]) if name != "__all__" else ""
                    self.add_error(None, f"{label}: {message}" if label else message)


def initial_for(template: Template, parameters: dict) -> dict:
    """Form initial values from stored parameters (defaults where a parameter is missing)."""
    initial = {}
    for param in template.params:
        value = parameters.get(param.name, param.default)
        if value is REQUIRED or value is None:
            continue
        if param.kind == "share":
            value = percent_text(value)
        elif param.kind == "delta_pp":
            value = floatformat(value, -2).replace("\u00a0", "")
        initial[param.name] = value
    return initial


def describe(template_code: str, parameters: dict, project) -> list[dict]:
    """A goal definition in plain words: [{"label", "value"}] per parameter."""
    template = TEMPLATES.get(template_code)
    if template is None:
        return [{"label": _g("Template"), "value": template_code}]
    rows = []
    for param in template.params:
        value = parameters.get(param.name, param.default)
        if value is REQUIRED:
            value = None
        label = param_text(template, param.name)[0]
        rows.append({"label": label, "value": value_text(param.kind, value, template, project)})
    return rows


def value_text(kind, value, template, project) -> str:
    if kind == "share":
        return "—" if value is None else f"{percent_text(value)} %"
    if kind == "delta_pp":
        return "—" if value is None else _g("%(n)s percentage points") % {"n": floatformat(value)}
    if kind == "bool":
        return _g("Yes") if value else _g("No")
    if kind == "date":
        return value or _g("no limit")
    if kind in ("count", "age"):
        return "—" if value is None else str(value)
    if value is None or value == "":
        return {"target_group": _g("All target groups"), "area": _g("All areas")}.get(kind, "—")
    labels = {str(k): str(v) for k, v in (choices_for(kind, template, project) or [])}
    if isinstance(value, list):
        if not value:
            return _g("every category") if kind == "categories" else _g("none")
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))
