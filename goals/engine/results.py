"""What the engine returns: a Cell per figure, a GoalResult per goal, and the status rules."""

from dataclasses import dataclass, field, fields

from goals.stats import wilson_interval

MET, NOT_MET, UNCERTAIN, NO_DATA = "met", "not_met", "uncertain", "no_data"
CELL_KEYS = (
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "status",
    "missing",
    "suppressed",
    "reason",
)


@dataclass
class Cell:
    numerator: int | None
    denominator: int | None
    value: float | None  # share 0..1 for shares; the count for counts; None = no data
    ci_low: float | None  # Wilson 95 % for shares, None for counts
    ci_high: float | None
    status: str  # "met" | "not_met" | "uncertain" | "no_data"
    missing: int | None  # members of the population without the data
    suppressed: bool = False
    # Why it is hidden (core.disclosure): "small", "small_part" or "protect"; "" when shown.
    reason: str = ""

    def to_dict(self) -> dict:
        return {key: getattr(self, key) for key in CELL_KEYS}

    def hide(self) -> None:
        """Suppress: keep no figure that could identify the few people in the cell."""
        self.numerator = self.denominator = self.value = None
        self.ci_low = self.ci_high = self.missing = None
        self.status = NO_DATA
        self.suppressed = True


@dataclass(kw_only=True)
class GoalResult(Cell):
    key: str
    goal: str
    template: str
    kind: str  # "share" | "count" | "checklist"
    comparator: str  # "gte" | "lte" | "range" | "ref_plus"
    target: float | None
    target_high: float | None = None
    value_answered: float | None = None
    denominator_answered: int | None = None
    breakdown: dict[str, dict[str, Cell]] = field(default_factory=dict)
    periods: dict[str, Cell] | None = None
    error: str | None = None  # why a stored definition could not be computed (then no_data)
    # "started_on" or "exited_on": the date a period (or a quarter) narrows the population by.
    population_date: str | None = None
    # True when the number missing (and the share among those with data) is hidden.
    missing_hidden: bool = False
    # The value itself against the target, without the interval: "met" | "not_met" | None.
    # For a project whose period is over, what a funder asks first (`final_verdict`).
    outcome: str | None = None
    # With Context(members=True): which people the figures count — {"universe": Universe,
    # "n": bits, "num": bits, "missing": bits} — for the disclosure control. Never stored.
    members: dict | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        data = {
            "goal": str(self.goal),
            "key": self.key,
            "template": self.template,
            "kind": self.kind,
            **super().to_dict(),
            "target": self.target,
            "target_high": self.target_high,
            "comparator": self.comparator,
            "value_answered": self.value_answered,
            "denominator_answered": self.denominator_answered,
            "breakdown": {
                dimension: {group: cell.to_dict() for group, cell in groups.items()}
                for dimension, groups in self.breakdown.items()
            },
            "periods": (
                None
                if self.periods is None
                else {period: cell.to_dict() for period, cell in self.periods.items()}
            ),
            "error": self.error,
            "population_date": self.population_date,
            "missing_hidden": self.missing_hidden,
            "outcome": self.outcome,
        }
        return data


def status_for(
    value: float | None,
    low: float | None,
    high: float | None,
    comparator: str,
    target: float | None,
    target_high: float | None = None,
) -> str:
    """Met when the whole interval satisfies the comparison, not met when none of it does,
    otherwise uncertain. Counts pass low = high = value (no interval)."""
    if value is None or target is None:
        return NO_DATA
    if low is None or high is None:
        low = high = value
    if comparator in ("gte", "ref_plus"):
        if low >= target:
            return MET
        return NOT_MET if high < target else UNCERTAIN
    if comparator == "lte":
        if high <= target:
            return MET
        return NOT_MET if low > target else UNCERTAIN
    if comparator == "range":
        if target_high is None:
            return NO_DATA
        if low >= target and high <= target_high:
            return MET
        if high < target or low > target_high:
            return NOT_MET
        return UNCERTAIN
    raise ValueError(f"unknown comparator {comparator}")


def outcome_for(
    value: float | None, comparator: str, target: float | None, target_high: float | None = None
) -> str | None:
    """The value against the target as it stands ("met" / "not_met"), the interval left out;
    None without a value or a target."""
    if value is None or target is None:
        return None
    return status_for(value, None, None, comparator, target, target_high)


def final_verdict(result) -> dict | None:
    """For a project whose period is over: whether the goal was reached (the value against the
    target) and whether that is statistically certain (the 95 % interval lies wholly on that
    side of the target: the status is met or not met, not uncertain). None without a value
    or a target. Counts have no interval: their verdict is always certain."""
    if result.suppressed or result.outcome is None:
        return None
    return {"reached": result.outcome == MET, "certain": result.status in (MET, NOT_MET)}


def share_cell(
    numerator: int,
    denominator: int,
    missing: int | None,
    comparator: str,
    target: float | None,
    target_high: float | None = None,
) -> Cell:
    if not denominator:
        return Cell(0, 0, None, None, None, NO_DATA, missing or 0)
    value = numerator / denominator
    low, high = wilson_interval(numerator, denominator)
    status = status_for(value, low, high, comparator, target, target_high)
    return Cell(numerator, denominator, value, low, high, status, missing)


def count_cell(
    count: int,
    population: int,
    comparator: str,
    target: float | None,
    target_high: float | None = None,
    missing: int | None = None,
) -> Cell:
    if not population:
        return Cell(0, 0, None, None, None, NO_DATA, missing)
    status = status_for(count, None, None, comparator, target, target_high)
    return Cell(count, population, float(count), None, None, status, missing)


def cell_field_names() -> list[str]:
    return [f.name for f in fields(Cell)]
