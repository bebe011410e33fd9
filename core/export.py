"""Tables that leave Följsam as CSV or XLSX: one writer for every export.

Every table a user can download — the case list, the worklist, goals, breakdowns, the flow, the
portfolio, comparisons, snapshots, the ESF indicators, the evaluators' microdata — is written
here, so the rules hold everywhere:

- **Streamed.** Rows are read from an iterator and written as they come: a CSV of a million
  rows never sits in memory (a StreamingHttpResponse), an XLSX is written row by row by
  openpyxl's write-only mode into a temporary file and then sent from it.
- **The reader's language.** Column headers are lazy translations read in the language of the
  request; the callers translate codes (status, gender, …) into labels before they get here.
- **Real types.** XLSX numbers are numbers, dates are dates, shares are numbers formatted as
  percentages. The CSV is written for Swedish Excel by default — semicolon, decimal comma, UTF-8
  with a byte-order mark — or in the international form (comma, decimal point) with
  `?csv=international`.
- **No formulas.** Every text cell goes through core.spreadsheet.safe_cell.
- **Audited.** Every export is a log entry ("export") naming the table and the format.
- **Disclosure.** Callers pass figures as the page shows them: a hidden figure arrives as the
  page's text for it (say "hidden"), never as the number.
"""

import csv
import datetime as dt
import io
import operator
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from core import clock
from core.audit import log_action
from core.clock import today
from core.spreadsheet import safe_cell, safe_row

FORMATS = ("csv", "xlsx")
TEXT, INTEGER, DECIMAL, PERCENT, DATE, DATETIME = (
    "text", "integer", "decimal", "percent", "date", "datetime"
)  # fmt: skip
XLSX_FORMATS = {
    DECIMAL: "0.0##",
    PERCENT: "0.0%",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}
XLSX_MAX_ROWS = 1_048_576  # a worksheet holds no more (header included)


@dataclass(frozen=True)
class Column:
    """One column: the key its rows give a value under (dict rows) and its header (lazy)."""

    key: str
    header: Any
    kind: str = TEXT


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal: str
    bom: bool


SWEDISH = CsvStyle(delimiter=";", decimal=",", bom=True)
INTERNATIONAL = CsvStyle(delimiter=",", decimal=".", bom=False)


def csv_style(request) -> CsvStyle:
    return INTERNATIONAL if request.GET.get("csv") == "international" else SWEDISH


def requested_format(request) -> str | None:
    """ "csv" or "xlsx" when the request asks for a file (`?format=`), else None."""
    value = request.GET.get("format", "")
    return value if value in FORMATS else None


def _number_text(value, style: CsvStyle, *, percent: bool = False) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if percent:
        value = Decimal(str(value)) * 100
        text = f"{value:.1f}"
    elif isinstance(value, float):
        text = repr(value) if value != int(value) else str(int(value))
    else:
        text = str(value)
    return text.replace(".", style.decimal) if style.decimal != "." else text


def csv_cell(value, kind: str, style: CsvStyle) -> str:
    """A value as CSV text: numbers with the style's decimal sign, dates ISO, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return _number_text(value, style, percent=kind == PERCENT)
    return safe_cell(str(value))


def xlsx_cell(value, kind: str):
    """A value for openpyxl: numbers and dates as themselves, text neutralised."""
    if value is None:
        return None
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: local time as shown
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | dt.date):
        return value
    return safe_cell(str(value))


def _values(row, columns: list[Column]):
    if isinstance(row, dict):
        return [row.get(column.key) for column in columns]
    return list(row)


def _csv_converter(kind: str, style: CsvStyle):
    """csv_cell for one column, with the common types (text, None, whole numbers, dates) on a
    fast path: a million rows are six million calls. Text is returned as it is: csv_lines
    writes every row through safe_row."""
    percent = kind == PERCENT

    def convert(value, _str=str, _int=int, _date=dt.date):
        cls = value.__class__
        if cls is _str:
            return value
        if value is None:
            return ""
        if cls is _int and not percent:
            return _str(value)
        if cls is _date:
            return value.isoformat()
        return csv_cell(value, kind, style)

    return convert


CSV_BATCH = 1000  # rows per chunk sent


def csv_lines(columns: list[Column], rows: Iterable, style: CsvStyle = SWEDISH):
    """The CSV file as encoded chunks: header, then the rows, CSV_BATCH rows to a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow(safe_row(str(column.header) for column in columns))
    yield (("\ufeff" if style.bom else "") + buffer.getvalue()).encode("utf-8")
    keys = [column.key for column in columns]
    width = len(columns)
    converters = [_csv_converter(column.kind, style) for column in columns]
    call = operator.call
    batch = []
    for row in rows:
        values = [row.get(key) for key in keys] if isinstance(row, dict) else row
        if len(values) != width:
            raise ValueError(f"a row of {len(values)} values for {width} columns")
        batch.append(list(map(call, converters, values)))
        if len(batch) >= CSV_BATCH:
            yield _csv_chunk(buffer, writer, batch)
            batch = []
    if batch:
        yield _csv_chunk(buffer, writer, batch)


def _csv_chunk(buffer, writer, batch) -> bytes:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(safe_row(values) for values in batch)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(target, sheets: list[tuple[str, list[Column], Iterable]]) -> int:
    """Write an XLSX workbook to `target` (a path or binary file): one worksheet per
    (title, columns, rows). Returns the number of data rows written. Write-only mode: rows go
    to disk as they come, so memory stays flat however many there are."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    written = 0
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title=sheet_title(title))
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=safe_cell(str(column.header)))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(safe_row(header))
        sheet.freeze_panes = "A2"
        # One styled cell per formatted column, reused row after row: a write-only sheet
        # writes each row as it is appended, and styling a new cell per value is what made
        # the XLSX slow (a date column of a million rows is a million styles looked up).
        styled = []
        for column in columns:
            number_format = XLSX_FORMATS.get(column.kind)
            if number_format:
                template = WriteOnlyCell(sheet)
                template.number_format = number_format
                styled.append(template)
            else:
                styled.append(None)
        width = len(columns)
        for count, row in enumerate(rows, start=2):
            if count > XLSX_MAX_ROWS:
                raise ValueError("more rows than a worksheet holds")
            values = _values(row, columns)
            if len(values) != width:
                raise ValueError(f"a row of {len(values)} values for {width} columns")
            cells = []
            for value, template in zip(values, styled, strict=True):
                value = xlsx_cell(value, "")
                if template is not None and value is not None and not isinstance(value, str):
                    template.value = value
                    cells.append(template)
                else:
                    cells.append(value)
            sheet.append(safe_row(cells))
            written += 1
    save_workbook(book, target)
    return written


def save_workbook(book, target) -> None:
    """Save an openpyxl workbook with its created and modified times from the one clock
    (core/clock.py): openpyxl's own save stamps the machine's time, in the demo another day."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    if book.write_only and not book.worksheets:
        book.create_sheet()
    stamp = clock.now().astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = stamp
    ExcelWriter(book, ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True)).save()


def sheet_title(title) -> str:
    """A worksheet title Excel accepts: at most 31 characters, none of []:*?/\\."""
    text = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip() or "Sheet"
    return text[:31]


def filename(name: str, extension: str) -> str:
    """An ASCII file name from a table's name and today's date (the one clock)."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:60] or "export"
    return f"{slug}-{today().isoformat()}.{extension}"


def response(
    request,
    *,
    name: str,
    columns: list[Column],
    rows: Iterable,
    fmt: str,
    project=None,
    sheets: list[tuple[str, list[Column], Iterable]] | None = None,
    purpose: str = "",
):
    """The download of a table (or, for XLSX, several `sheets`), logged as an export.

    `name` names the table in the file name and the audit log (no personal data in it)."""
    log_action(
        by=request.user,
        action="export",
        project=project,
        reason=f"{name}.{fmt}",
        purpose=purpose,
    )
    if fmt == "xlsx":
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        write_xlsx(handle, sheets or [(name, columns, rows)])
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=filename(name, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    style = csv_style(request)
    answer = StreamingHttpResponse(
        csv_lines(columns, rows, style), content_type="text/csv; charset=utf-8"
    )
    answer["Content-Disposition"] = f'attachment; filename="{filename(name, "csv")}"'
    return answer


EXPORT_LABELS = {"csv": _("CSV (Excel, Swedish)"), "xlsx": _("Excel (XLSX)")}
