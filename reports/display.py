"""How goal results are shown to a reader: labels in the reader's language, the rows of the
goal tables with their breakdowns and periods. What an aggregate-only reader may see is decided
before (goals.publication and core.disclosure); a hidden cell arrives here marked `suppressed`
with its `reason`. The dashboard, the comparison pages, the snapshots, the portfolio and the
editor's preview all use these rows.
"""

from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from core.clock import today
from core.models import TargetGroup
from goals.definitions import CHECKLIST_ITEMS
from goals.engine.results import final_verdict
from goals.figures import GENDERS
from interventions.models import InterventionCategory
from participants.models import Gender, RegionOfBirth
from prestudy.models import Stakeholder

DIMENSIONS = ["gender", "age_band", "region_of_birth", "target_group", "area"]
# Words for "the people without the data" by the kind of data a goal needs.
FOLLOW_UP_TEMPLATES = {
    "follow_up_share",
    "follow_up_share_vs_reference",
    "follow_up_share_among_not_in_work",
}
SURVEY_TEMPLATES = {"survey_share", "survey_change"}


def flow_stage_labels() -> dict[str, str]:
    return {
        # The stages name groups of people (Swedish plural), not one enrolment's status.
        "referred": pgettext("participant flow", "Referred"),
        "started": pgettext("participant flow", "Started"),
        "exited": pgettext("participant flow", "Exited"),
        "followed_up": pgettext("participant flow", "Followed up"),
    }


def gender_labels() -> dict[str, str]:
    return {
        Gender.WOMAN.value: _("Women"),
        Gender.MAN.value: _("Men"),
        Gender.OTHER.value: _("Another gender / unknown"),
    }


def status_labels() -> dict[str, dict[str, str]]:
    """Status text with a symbol, so the status never rests on colour alone."""
    return {
        "met": {"text": _("Met"), "icon": "✓"},
        "not_met": {"text": _("Not met"), "icon": "✗"},
        "uncertain": {"text": _("Not yet certain"), "icon": "?"},
        "no_data": {"text": _("No participants yet"), "icon": "–"},
        "suppressed": {"text": _("Not shown: too few people"), "icon": "–"},
    }


def dimension_labels() -> dict[str, str]:
    return {
        "gender": _("Gender"),
        "age_band": _("Age band"),
        "region_of_birth": _("Region of birth"),
        "target_group": _("Target group"),
        "area": _("Area"),
        "category": _("Intervention category"),
        "kind": _("Kind of stakeholder"),
        "item": _("Checklist item"),
    }


def group_labels(project) -> dict[str, dict[str, str]]:
    """Readable names of the breakdown groups (one query, for the target groups)."""
    english = (get_language() or "").startswith("en")
    target_groups = {
        tg.code: (tg.name_en if english and tg.name_en else tg.name)
        for tg in TargetGroup.objects.filter(project_id__in=project.counted_project_ids()).only(
            "code", "name", "name_en"
        )
    }
    return {
        "gender": gender_labels(),
        "age_band": {"<25": _("Under 25"), "25-54": _("25–54"), "55+": _("55 and over")},
        "region_of_birth": {choice.value: choice.label for choice in RegionOfBirth},
        "target_group": target_groups,
        "area": {},
        "category": {c.code: str(c) for c in InterventionCategory.objects.all()},
        "kind": {choice.value: choice.label for choice in Stakeholder.Kind},
        "item": {key: str(label) for key, label in CHECKLIST_ITEMS.items()},
    }


def percent(value):
    return None if value is None else value * 100


def shown_value(cell, kind):
    """A cell's value as the template prints it: a percentage for shares, else the count."""
    if cell.value is None:
        return None
    return cell.value * 100 if kind == "share" else cell.value


def target_text(result) -> str:
    """The goal's target in words: "≥ 70 %", "40–60 %", "≥ reference + 10 pp (52.3 %)"."""
    from django.template.defaultfilters import floatformat

    share = result.kind == "share"

    def fmt(value):
        if value is None:
            return "—"
        if share:
            return f"{floatformat(value * 100, -1)} %"
        return floatformat(value, -1)

    if result.comparator == "range":
        if share:
            low = floatformat(result.target * 100, -1) if result.target is not None else "—"
            high = result.target_high
            high = floatformat(high * 100, -1) if high is not None else "—"
            return f"{low}–{high} %"
        return f"{fmt(result.target)}–{fmt(result.target_high)}"
    if result.target is None and result.comparator != "ref_plus":
        return _("no target (counted only)")
    if result.comparator == "lte":
        return f"≤ {fmt(result.target)}"
    if result.comparator == "ref_plus":
        reference = getattr(result, "reference", None)
        delta = getattr(result, "delta", None)
        if reference is not None and delta is not None:
            return _("≥ reference %(reference)s + %(delta)s pp = %(target)s") % {
                "reference": fmt(reference),
                "delta": floatformat(delta * 100, -1),
                "target": fmt(result.target),
            }
        if result.target is None:
            return _("≥ reference + Δ (no reference values yet)")
        return _("≥ reference + Δ = %(target)s") % {"target": fmt(result.target)}
    return f"≥ {fmt(result.target)}"


def response_rate_text(result) -> str:
    """A survey goal's response rate: those of its group with an answer, of everyone in the
    group (docs/surveys.md). Made of the figures shown beside it, so it reveals nothing more."""
    if result.template not in SURVEY_TEMPLATES or result.suppressed or result.missing_hidden:
        return ""
    total, missing = result.denominator, result.missing
    if not total or missing is None:
        return ""
    answered = total - missing
    return _("Response rate %(rate)s %% (%(answered)s of %(total)s answered)") % {
        "rate": floatformat(answered / total * 100, 0),
        "answered": answered,
        "total": total,
    }


def missing_text(result) -> str:
    """How many have no data, in the words of the goal's data source."""
    n = result.missing or 0
    if result.template in FOLLOW_UP_TEMPLATES:
        return ngettext("%(n)s not followed up", "%(n)s not followed up", n) % {"n": n}
    if result.template in SURVEY_TEMPLATES:
        return ngettext("%(n)s without an answer", "%(n)s without an answer", n) % {"n": n}
    return ngettext("%(n)s without data", "%(n)s without data", n) % {"n": n}


def _counted_status(cell, kind):
    """A counted group without a target of its own (a stakeholder kind, a category when the
    goal sets no target per category) says so, not "no participants yet"."""
    if cell.status == "no_data" and kind in ("count", "checklist") and cell.value is not None:
        return {"text": _("Counted (no target for the group)"), "icon": "·"}
    return status_labels().get(cell.status)


def breakdown_tables(result, labels) -> list[dict]:
    """The breakdown of one goal, gender first, then the other dimensions present."""
    names = dimension_labels()
    breakdown = result.breakdown or {}
    order = [d for d in DIMENSIONS if d in breakdown] + sorted(
        d for d in breakdown if d not in DIMENSIONS
    )
    fallback = {"": _("Unknown"), "unknown": _("Unknown"), "none": _("None recorded")}
    tables = []
    for dimension in order:
        groups = breakdown[dimension]
        known = labels.get(dimension, {})
        if dimension == "gender":
            keys = [g.value for g in GENDERS if g.value in groups] + [
                k for k in groups if k not in {g.value for g in GENDERS}
            ]
        elif dimension in ("region_of_birth", "age_band"):
            keys = [k for k in known if k in groups] + [k for k in groups if k not in known]
        else:
            keys = sorted(groups, key=lambda k: str(known.get(k, k)).lower())
        rows = []
        for key in keys:
            cell = groups[key]
            rows.append(
                {
                    "group": known.get(key) or fallback.get(key) or key,
                    "cell": cell,
                    "value": shown_value(cell, result.kind),
                    "ci_low": percent(cell.ci_low),
                    "ci_high": percent(cell.ci_high),
                    "status": _counted_status(cell, result.kind),
                    "status_code": cell.status,
                }
            )
        tables.append(
            {"dimension": dimension, "label": names.get(dimension, dimension), "rows": rows}
        )
    return tables


def final_text(result) -> dict | None:
    """For a project whose period is over: "76.1 % against the target ≥ 70 %: reached", and
    whether that is statistically certain (goals.engine.results.final_verdict)."""
    from django.template.defaultfilters import floatformat

    verdict = final_verdict(result)
    if verdict is None:
        return None
    value = shown_value(result, result.kind)
    shown = f"{floatformat(value, 1)} %" if result.kind == "share" else floatformat(value, -1)
    words = {"value": shown, "target": target_text(result)}
    if verdict["reached"]:
        text = _("%(value)s against the target %(target)s: reached") % words
    else:
        text = _("%(value)s against the target %(target)s: not reached") % words
    if result.kind != "share":
        certainty = _("a count: no uncertainty")
    elif verdict["certain"]:
        certainty = _("statistically certain (the whole %(level)s %% interval is on that side)") % {
            "level": 95
        }
    else:
        certainty = _(
            "not statistically certain (the %(level)s %% interval includes the target)"
        ) % {"level": 95}
    return {**verdict, "text": text, "certainty": certainty}


def goal_rows(results, project) -> list[dict]:
    labels = group_labels(project)
    statuses = status_labels()
    ended = project.ends_on < today()
    rows = []
    for result in results:
        missing = result.missing or 0
        rows.append(
            {
                "result": result,
                "is_share": result.kind == "share",
                "value": shown_value(result, result.kind),
                "value_answered": percent(result.value_answered),
                "ci_low": percent(result.ci_low),
                "ci_high": percent(result.ci_high),
                "target": target_text(result),
                "status": statuses["suppressed"]
                if result.suppressed
                else statuses.get(result.status, statuses["no_data"]),
                "status_code": "suppressed" if result.suppressed else result.status,
                "missing": missing,
                "missing_text": missing_text(result) if missing else "",
                "response_rate_text": response_rate_text(result),
                "show_answered": bool(missing)
                and result.kind == "share"
                and result.value_answered is not None,
                "breakdown": breakdown_tables(result, labels),
                "periods": period_rows(result),
                "final": final_text(result) if ended else None,
            }
        )
    return rows


def period_rows(result) -> list[dict]:
    """For goals against a reference: one row per year and the whole period, with the year's
    target (reference + Δ) when the engine gives it (`period_targets`, optional)."""
    from django.template.defaultfilters import floatformat

    periods = getattr(result, "periods", None) or {}
    targets = getattr(result, "period_targets", None) or {}
    rows = []
    for key in sorted(periods, key=lambda k: (k == "all", str(k))):
        cell = periods[key]
        rows.append(
            {
                "period": _("Whole period") if key == "all" else key,
                "target": target_text(result)
                if key == "all"
                else (
                    None
                    if targets.get(key) is None
                    else f"≥ {floatformat(targets[key] * 100, -1)} %"
                ),
                "cell": cell,
                "value": shown_value(cell, result.kind),
                "ci_low": percent(cell.ci_low),
                "ci_high": percent(cell.ci_high),
                "status": status_labels().get(cell.status),
                "status_code": cell.status,
            }
        )
    return rows
