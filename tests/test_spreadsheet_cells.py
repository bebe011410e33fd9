"""Every CSV and XLSX file Följsam writes neutralises cells that a spreadsheet program would run as
a formula (core.spreadsheet.safe_cell): the portfolio CSV and the goals command's CSV with a
title typed as a formula, and a scan of the source so a new export cannot forget."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.models import Role
from core.spreadsheet import FORMULA_STARTS, safe_cell, safe_row

from .factories import MembershipFactory, ProjectFactory

ROOT = Path(__file__).resolve().parent.parent
FORMULA = "=cmd|' /C calc'!A0"


def _create_goal(project, user, title):
    from goals import services as goal_services

    goal_services.create_goal(
        project=project,
        key="gender",
        title=title,
        template="gender_split",
        parameters={},
        by=user,
    )


@pytest.mark.django_db
def test_a_project_titled_as_a_formula_is_text_in_the_portfolio_csv(client, settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    project = ProjectFactory(title=FORMULA, follow_up_days=[90])
    member = MembershipFactory(project=project, role=Role.MANAGER)
    _create_goal(project, member.user, "+SUM(A1:A9)")
    client.force_login(member.user)
    with translation.override("en"):  # the download is written while it is read
        response = client.get(reverse("portfolio:portfolio") + "?format=csv")
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, [row] = rows[0], rows[1:]
    cells = dict(zip(header, row, strict=True))
    assert cells["Project"] == "'" + FORMULA
    assert cells["Goal"] == "'+SUM(A1:A9)"
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


@pytest.mark.django_db
def test_a_goal_titled_as_a_formula_is_text_in_the_goals_commands_csv(settings):
    settings.FOLJSAM_TODAY = "2010-06-01"
    project = ProjectFactory(title="Framtid i Fokus", follow_up_days=[90])
    member = MembershipFactory(project=project, role=Role.MANAGER)
    _create_goal(project, member.user, "@SUM(1+1)*cmd|' /C calc'!A0")
    out = io.StringIO()
    call_command("goals", str(project.pk), "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows and {row["goal"] for row in rows} == {"'@SUM(1+1)*cmd|' /C calc'!A0"}


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none()))
def test_safe_cell_never_leaves_a_formula_and_keeps_numbers(value):
    cell = safe_cell(value)
    if isinstance(value, str):
        assert not cell.startswith(FORMULA_STARTS)
        assert cell in (value, "'" + value)
    else:
        assert cell == value  # a negative number stays a number
    assert safe_row([value]) == [cell]


# --- every writer goes through safe_cell --------------------------------------------------------

# Reading a spreadsheet (imports/reader.py) writes nothing; bench/ writes test input on purpose.
SKIPPED_DIRS = {".venv", "tests", "bench", "migrations", "node_modules", "locale", "static"}


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts[:-1]):
            continue
        yield relative.as_posix(), path.read_text(encoding="utf-8")


def _is_safe_call(node) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name in ("safe_row", "safe_cell")


def _is_safe_rows(node) -> bool:
    """writerows(...): a comprehension of safe_row(...), or map(safe_row, ...)."""
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        return _is_safe_call(node.elt)
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "map" and node.args:
        first = node.args[0]
        return getattr(first, "id", getattr(first, "attr", "")) == "safe_row"
    return False


def unsafe_writes(source: str) -> list[str]:
    """The lines of a module that write a spreadsheet cell without safe_row()/safe_cell()."""
    tree = ast.parse(source)
    uses_openpyxl = "openpyxl" in source
    sheets: set[str] = set()
    if uses_openpyxl:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                token in ast.unparse(node.value)
                for token in (".active", "create_sheet(", "Workbook(", "worksheets[")
            ):
                sheets |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "DictWriter":
            found.append(f"{node.lineno}: csv.DictWriter (write lists through safe_row instead)")
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, args = node.func.attr, node.args
        receiver = node.func.value
        if method == "writerow" and not (args and _is_safe_call(args[0])):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif method == "writerows" and not (args and _is_safe_rows(args[0])):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif (
            method == "append"
            and isinstance(receiver, ast.Name)
            and receiver.id in sheets
            and not (args and _is_safe_call(args[0]))
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif method == "cell" and uses_openpyxl:
            value = next((k.value for k in node.keywords if k.arg == "value"), None)
            if value is not None and not _is_safe_call(value):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_every_csv_and_xlsx_writer_in_the_code_goes_through_safe_cell():
    offenders = {}
    for name, source in _python_files():
        if found := unsafe_writes(source):
            offenders[name] = found
    assert not offenders, (
        f"Write spreadsheet cells through core.spreadsheet.safe_row()/safe_cell(): {offenders}"
    )


def test_the_scan_finds_an_export_that_forgets():
    forgetful = (
        "import csv\n"
        "def export(out, rows):\n"
        "    writer = csv.writer(out)\n"
        "    writer.writerow(['title'])\n"
        "    writer.writerows(rows)\n"
        "def xlsx(rows):\n"
        "    import openpyxl\n"
        "    book = openpyxl.Workbook()\n"
        "    sheet = book.active\n"
        "    sheet.append(rows[0])\n"
        "    sheet.cell(row=1, column=1, value=rows[0][0])\n"
    )
    assert len(unsafe_writes(forgetful)) == 4
    careful = forgetful.replace("(['title'])", "(safe_row(['title']))")
    careful = careful.replace("writerows(rows)", "writerows(safe_row(r) for r in rows)")
    careful = careful.replace("append(rows[0])", "append(safe_row(rows[0]))")
    careful = careful.replace("value=rows[0][0]", "value=safe_cell(rows[0][0])")
    assert unsafe_writes(careful) == []
