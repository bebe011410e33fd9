"""Response tracking: per occasion, how many were due to be asked, sent, opened, reminded,
answered and not answered (the link expired), and the response rate (docs/surveys.md).

One grouped query over the invitations of the project and the projects below it. A reader who
may see people gets every figure; a reader of aggregates only gets due, answered and the rate,
through the one disclosure method (core.disclosure.suppress with the reader's threshold): an
occasion whose answered or not-answered part is smaller than the threshold is hidden whole.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.clock import today
from core.disclosure import Part, Row, Table, suppress

from .models import Invitation, Occasion, Source

TYPED_IN = [Source.PAPER, Source.INTERVIEW]


@dataclass
class Figures:
    occasion: str
    label: str
    due: int
    sent: int
    opened: int
    reminded: int
    answered: int
    typed_in: int
    expired: int
    not_sent: int
    answered_sent: int = 0
    hidden: bool = False
    reason: str = ""

    @property
    def waiting(self) -> int:
        """Sent, not answered, the link still valid."""
        return self.sent - self.answered_sent - self.expired

    @property
    def rate(self) -> float | None:
        return self.answered / self.due if self.due and not self.hidden else None

    @property
    def rate_percent(self) -> str:
        """The rate in whole percent, in the reader's number format."""
        from django.template.defaultfilters import floatformat

        return floatformat(self.rate * 100, 0) if self.rate is not None else ""


def counts(project_ids) -> dict[str, dict]:
    """occasion -> raw counts, one grouped query."""
    on = today()
    rows = (
        Invitation.objects.filter(enrolment__project_id__in=project_ids)
        .order_by()
        .values("occasion")
        .annotate(
            due=Count("pk"),
            sent=Count("pk", filter=Q(sent_on__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            reminded=Count("pk", filter=Q(reminded_on__isnull=False)),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
            answered_sent=Count("pk", filter=Q(answered_on__isnull=False, sent_on__isnull=False)),
            typed_in=Count("pk", filter=Q(answered_on__isnull=False, source__in=TYPED_IN)),
            expired=Count(
                "pk",
                filter=Q(answered_on__isnull=True, sent_on__isnull=False, expires_on__lt=on),
            ),
            not_sent=Count("pk", filter=Q(answered_on__isnull=True, sent_on__isnull=True)),
        )
    )
    return {row.pop("occasion"): row for row in rows}


def _row(raw: dict) -> Row:
    return Row(
        levels=[
            {
                "answered": Part(raw["answered"]),
                "not_answered": Part(raw["due"] - raw["answered"]),
            }
        ]
    )


def figures(project, threshold: int | None) -> list[Figures]:
    """The figures of each occasion that has invitations, in the order entry, exit, follow-up,
    then all occasions together (the project's response rate), with the reader's disclosure
    applied (threshold None: a reader who may see people). One table: the total is its top row
    and the occasions split it, so a hidden occasion cannot be worked out from the total and the
    others (core.disclosure rule 3)."""
    raw = counts(project.counted_project_ids())
    found = [
        Figures(occasion=occasion, label=str(label), **raw[occasion])
        for occasion, label in Occasion.choices
        if occasion in raw
    ]
    if not found:
        return []
    total = {
        name: sum(getattr(f, name) for f in found)
        for name in (
            "due",
            "sent",
            "opened",
            "reminded",
            "answered",
            "typed_in",
            "expired",
            "not_sent",
            "answered_sent",
        )
    }
    overall = Figures(occasion="", label=str(_("All occasions")), **total)
    rows = {f.occasion: _row(raw[f.occasion]) for f in found}
    table = Table(key="survey-response", top=_row(total), dimensions={"occasion": rows})
    suppress([table], threshold)
    for figures_ in found:
        row = rows[figures_.occasion]
        if not row.shown:
            figures_.hidden, figures_.reason = True, row.reason
    if not table.top.shown:
        overall.hidden, overall.reason = True, table.top.reason
    return [*found, overall] if len(found) > 1 else found
