"""`manage.py goals "<project title or id>" --format json|csv`: a project's goals, computed now.

An operator's tool: the figures are NOT suppressed unless --suppress N is given (the dashboard
and goals.json suppress small cells for aggregate-only roles themselves).
"""

import csv
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core import policy
from core.models import Project
from core.spreadsheet import safe_row
from goals import summaries

CSV_COLUMNS = [
    "goal",
    "key",
    "dimension",
    "group",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "target",
    "status",
    "missing",
]
MAX_CANDIDATES = 20


def find_project(text: str) -> Project:
    """The project with this id, or with exactly this title (case-insensitive). Several
    projects with the title, or none, raise CommandError naming the candidates."""
    text = text.strip()
    if text.isdigit():
        project = Project.objects.filter(pk=int(text)).first()
        if project is not None:
            return project
    # Compared in Python: SQLite's case-insensitive match knows only ASCII ("FÖR" ≠ "för").
    wanted = text.casefold()
    titles = list(Project.objects.order_by("title", "pk").values_list("pk", "title"))
    matches = [(pk, title) for pk, title in titles if title.casefold() == wanted]
    if len(matches) == 1:
        return Project.objects.get(pk=matches[0][0])
    if matches:
        raise CommandError(
            f'{len(matches)} projects are called "{text}"; give the id of one of them:\n'
            + _listing(matches)
        )
    similar = [(pk, title) for pk, title in titles if wanted in title.casefold()]
    message = f'No project has the id or the title "{text}".'
    if similar:
        message += " Did you mean one of these?\n" + _listing(similar)
    else:
        message += " Projects:\n" + _listing(titles)
    raise CommandError(message)


def _listing(projects: list[tuple[int, str]]) -> str:
    lines = [f"  {pk}: {title}" for pk, title in projects[:MAX_CANDIDATES]]
    if len(projects) > MAX_CANDIDATES:
        lines.append(f"  … and {len(projects) - MAX_CANDIDATES} more")
    return "\n".join(lines) if lines else "  (none)"


def csv_rows(results):
    """One row per goal (dimension and group "all"), one per breakdown cell and, for goals
    against a reference, one per period (dimension "period")."""
    for result in results:
        yield _row(result, result, "all", "all")
        for dimension, groups in (result.breakdown or {}).items():
            for group, cell in groups.items():
                yield _row(result, cell, dimension, group)
        for period, cell in (getattr(result, "periods", None) or {}).items():
            yield _row(result, cell, "period", period)


def _row(result, cell, dimension, group):
    values = {
        "goal": result.goal,
        "key": result.key,
        "dimension": dimension,
        "group": group,
        "numerator": cell.numerator,
        "denominator": cell.denominator,
        "value": cell.value,
        "ci_low": cell.ci_low,
        "ci_high": cell.ci_high,
        "target": result.target,
        "status": cell.status,
        "missing": cell.missing,
    }
    return ["" if values[c] is None else values[c] for c in CSV_COLUMNS]


class Command(BaseCommand):
    help = (
        "Print a project's goals, computed now from its data, as JSON (a list, one object per "
        "goal with its breakdown) or CSV (one row per goal and one per breakdown cell). The "
        "project is given by id or by its exact title (case-insensitive). This is an operator's "
        "tool: small cells are NOT suppressed unless --suppress N is given; never pass its "
        "unsuppressed output to evaluators or the steering group."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="The project's id or exact title.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--suppress",
            type=int,
            metavar="N",
            default=None,
            help=(
                "Show what a reader with threshold N may see (3–100): the same disclosure "
                "control as the pages apply for aggregate-only roles (the site uses "
                f"{settings.SUPPRESSION_THRESHOLD})."
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the goal titles.",
        )

    def handle(self, *args, **options):
        from goals import engine

        suppress = options["suppress"]
        if suppress is not None:
            try:
                policy.validate_threshold(suppress)
            except ValidationError as error:
                raise CommandError(f"--suppress: {' '.join(error.messages)}") from error
        project = find_project(options["project"])
        with translation.override(options["language"]):
            if suppress is None:
                results = engine.evaluate_project(project)
            elif suppress == policy.project_threshold(project):
                # The plan every page of the project applies.
                results = summaries.for_reader(project, engine.evaluate_project(project), suppress)
            else:
                results = summaries.evaluate_for_threshold(project, suppress)
            if options["format"] == "json":
                data = [result.to_dict() for result in results]
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                writer = csv.writer(self.stdout, lineterminator="\n")
                writer.writerow(safe_row(CSV_COLUMNS))
                writer.writerows(safe_row(row) for row in csv_rows(results))
