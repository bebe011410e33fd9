"""Reading an uploaded spreadsheet into a header row and data rows, or refusing it clearly.

CSV: UTF-8 with or without BOM, otherwise Windows-1252; separator ; or , (or tab), detected from
the header line. XLSX: the first worksheet, read with openpyxl in read-only mode with the values
Excel cached for formulas; a formula cell with no cached value is reported per cell.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
FORMULA = object()  # a formula cell without a cached value


class FileRefused(Exception):
    """The file as a whole cannot be read: the message says why, in the user's language."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number in the file, cell values)
    kind: str  # "csv" | "xlsx"
    notes: list[str] = field(default_factory=list)


def read_table(content: bytes, filename: str = "") -> Table:
    if not content.replace(b"\xef\xbb\xbf", b"").strip():
        raise FileRefused(_("The file is empty."))
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    if content.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise FileRefused(
            _("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV and try again.")
        )
    return _read_csv(content)


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused(
                _(
                    "The file is not a spreadsheet we can read: it is neither an Excel file "
                    "(.xlsx) nor a CSV text file in UTF-8 or Windows-1252."
                )
            ) from None
    # Text files have no control characters besides tab and line breaks: binary data does.
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in sample or controls > max(2, len(sample) // 200):
        raise FileRefused(
            _(
                "The file is not a spreadsheet we can read: it is neither an Excel file "
                "(.xlsx) nor a CSV text file in UTF-8 or Windows-1252."
            )
        )
    return text


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip(" ;,\t")), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise FileRefused(
            _(
                "The first row has only one column: a CSV file separates its columns with ; or "
                ", and its first row names the columns (download the template)."
            )
        )
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = list(reader)
    except csv.Error as error:
        raise FileRefused(
            _("The CSV file cannot be read (%(reason)s).") % {"reason": str(error)}
        ) from None
    return _table(records, "csv", first_row_number=1)


def _table(records, kind: str, first_row_number: int) -> Table:
    headers = None
    rows = []
    for offset, record in enumerate(records):
        number = first_row_number + offset
        values = [("" if v is None else v) for v in record]
        if not any((v is FORMULA) or str(v).strip() for v in values):
            continue  # empty rows are skipped
        if headers is None:
            headers = [("" if v is FORMULA else str(v).strip()) for v in values]
            continue
        rows.append((number, values))
    if headers is None:
        raise FileRefused(_("The file is empty."))
    return Table(headers=headers, rows=rows, kind=kind)


_FORMULA_TAG = re.compile(rb"<f[ >/]")


def _read_xlsx(content: bytes) -> Table:
    import openpyxl

    refused = FileRefused(
        _("The Excel file cannot be read: it may be damaged or protected with a password.")
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        sheet_names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        has_formulas = any(_FORMULA_TAG.search(archive.read(n)) for n in sheet_names)
    except Exception:  # noqa: BLE001 - any damage in the archive is the same refusal
        raise refused from None
    try:
        values_book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = values_book.worksheets[0]
        value_rows = sheet.iter_rows(values_only=True)
        if has_formulas:
            formula_book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=False
            )
            formula_rows = formula_book.worksheets[0].iter_rows(values_only=True)
            records = [
                [
                    FORMULA
                    if value is None and isinstance(raw, str) and raw.startswith("=")
                    else value
                    for value, raw in zip(values, raws, strict=False)
                ]
                for values, raws in zip(value_rows, formula_rows, strict=False)
            ]
        else:
            records = [list(values) for values in value_rows]
        values_book.close()
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise refused from None
    records = [[_xlsx_value(v) for v in record] for record in records]
    return _table(records, "xlsx", first_row_number=1)


def _xlsx_value(value):
    if value is None or value is FORMULA:
        return "" if value is None else value
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date()
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
