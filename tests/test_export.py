"""core/export.py, the one writer of every table download: Swedish and international CSV,
XLSX with real types, formulas neutralised, rows streamed, every export audited."""

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from core import export
from core.export import Column
from core.models import LogEntry
from core.spreadsheet import FORMULA_STARTS

from .factories import UserFactory

COLUMNS = [
    Column("name", "Namn"),
    Column("n", "Antal", export.INTEGER),
    Column("share", "Andel", export.PERCENT),
    Column("hours", "Timmar", export.DECIMAL),
    Column("day", "Datum", export.DATE),
]
ROWS = [
    {"name": "=HYPERLINK(1)", "n": 12, "share": 0.876, "hours": Decimal("2.5"),
     "day": dt.date(2011, 3, 4)},
    {"name": "Märta", "n": 0, "share": None, "hours": 1.25, "day": None},
]  # fmt: skip


def _csv(style):
    data = b"".join(export.csv_lines(COLUMNS, ROWS, style))
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=style.delimiter))


def test_the_swedish_csv_has_bom_semicolons_and_decimal_commas():
    data, rows = _csv(export.SWEDISH)
    assert data.startswith("\ufeff".encode())
    assert rows[0] == ["Namn", "Antal", "Andel", "Timmar", "Datum"]
    assert rows[1] == ["'=HYPERLINK(1)", "12", "87,6", "2,5", "2011-03-04"]
    assert rows[2] == ["Märta", "0", "", "1,25", ""]


def test_the_international_csv_has_commas_and_decimal_points():
    data, rows = _csv(export.INTERNATIONAL)
    assert not data.startswith("\ufeff".encode())
    assert rows[1] == ["'=HYPERLINK(1)", "12", "87.6", "2.5", "2011-03-04"]


def test_the_xlsx_has_numbers_dates_and_percentages_as_such():
    from openpyxl import load_workbook

    out = io.BytesIO()
    assert export.write_xlsx(out, [("Tabell: [1]", COLUMNS, ROWS)]) == 2
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.title == "Tabell   1"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Namn", "Antal", "Andel", "Timmar", "Datum"]
    assert values[1][0] == "'=HYPERLINK(1)"
    assert values[1][1] == 12 and values[1][2] == pytest.approx(0.876) and values[1][3] == 2.5
    assert values[1][4] == dt.datetime(2011, 3, 4)
    assert sheet["C2"].number_format == "0.0%" and sheet["E2"].number_format == "yyyy-mm-dd"


def test_csv_rows_are_streamed_not_gathered():
    endless = ({"name": str(i), "n": i} for i in itertools.count())
    chunks = export.csv_lines([Column("name", "a"), Column("n", "b", export.INTEGER)], endless)
    first = [next(chunks) for _ in range(3)]  # would never return if the rows were gathered
    assert first[0].startswith("\ufeff".encode()) and b"\r\n" in first[2]


@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_no_text_cell_leaves_as_a_formula(texts):
    rows = [{"name": text} for text in texts]
    data = b"".join(export.csv_lines([Column("name", "x")], rows, export.INTERNATIONAL))
    for row in csv.reader(io.StringIO(data.decode("utf-8"))):
        assert not row[0].startswith(FORMULA_STARTS)


@pytest.mark.django_db
def test_a_download_is_logged_as_an_export_and_named_by_the_clock(settings):
    settings.FOLJSAM_TODAY = "2015-06-22"
    request = RequestFactory().get("/x/?format=csv&csv=international")
    request.user = UserFactory()
    response = export.response(request, name="Ärendelista", columns=COLUMNS, rows=ROWS, fmt="csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.splitlines()[1].startswith("'=HYPERLINK(1),12,87.6,2.5")
    assert 'filename="arendelista-2015-06-22.csv"' in response["Content-Disposition"]
    entry = LogEntry.objects.get(action="export")
    assert entry.user_id == request.user.pk and entry.reason == "Ärendelista.csv"
