"""Reading an uploaded spreadsheet into a header row and data rows, or refusing it clearly.

CSV: UTF-8 with or without BOM, otherwise Windows-1252; separator ; or , (or tab), detected from
the header line. XLSX: the first worksheet, read with openpyxl in read-only mode with the values
Excel cached for formulas; a formula cell with no cached value is reported per cell.

Before any parsing, measure() sizes the file up from what is cheap to know: for XLSX the zip's
central directory (the unpacked size of every part, and how much each is compressed — a zip
bomb is refused there) and a streamed count of the sheet's row tags; for CSV the byte size and
a count of line breaks. The limits are settings: IMPORT_MAX_UNCOMPRESSED_MB, IMPORT_MAX_ROWS and
IMPORT_MAX_ZIP_RATIO. The view decides from the measure whether the file is checked in the
request or in the background, so a large file is never parsed in a web request.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
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


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 100_000))


def max_uncompressed() -> int:
    return int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_MB", 200)) * 1024 * 1024


def max_ratio() -> int:
    return int(getattr(settings, "IMPORT_MAX_ZIP_RATIO", 100))


@dataclass
class Measure:
    kind: str  # "xlsx" | "csv"
    uncompressed: int  # bytes of text to read once unpacked
    rows: int  # data rows (below the header), counted without parsing


def too_many_rows_message(rows: int) -> str:
    return _(
        "The file has about %(rows)s rows; at most %(max)s rows can be imported from one file: "
        "split it into smaller files."
    ) % {
        "rows": f"{rows:,}".replace(",", "\u00a0"),
        "max": f"{max_rows():,}".replace(",", "\u00a0"),
    }


def measure(content: bytes) -> Measure:
    """Size the file up without parsing it; refuse a zip bomb, a file that unpacks to more
    than IMPORT_MAX_UNCOMPRESSED_MB and one with more than IMPORT_MAX_ROWS rows."""
    if content.startswith(XLSX_MAGIC):
        found = _measure_xlsx(content)
    else:
        breaks = max(content.count(b"\n"), content.count(b"\r"))
        lines = breaks + (0 if content.endswith((b"\n", b"\r")) else 1)
        found = Measure(kind="csv", uncompressed=len(content), rows=max(0, lines - 1))
    if found.rows > max_rows():
        raise FileRefused(too_many_rows_message(found.rows))
    return found


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[ >/]")


def _measure_xlsx(content: bytes) -> Measure:
    damaged = FileRefused(
        _("The Excel file cannot be read: it may be damaged or protected with a password.")
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except Exception:  # noqa: BLE001 - any damage in the archive is the same refusal
        raise damaged from None
    total = sum(m.file_size for m in members)
    bomb = any(
        m.file_size > 1024 * 1024 and m.file_size > max_ratio() * max(1, m.compress_size)
        for m in members
    ) or (total > 1024 * 1024 and total > max_ratio() * max(1, len(content)))
    if bomb:
        raise FileRefused(
            _(
                "The Excel file unpacks to %(mb)s MB, far more than a spreadsheet of its size "
                "holds (a damaged or deliberately crafted file), so it is not read. Save it again "
                "from Excel, or save it as CSV."
            )
            % {"mb": total // (1024 * 1024)}
        )
    if total > max_uncompressed():
        raise FileRefused(
            _(
                "The Excel file holds %(mb)s MB of data once unpacked; the limit is %(max)s MB: "
                "split it into smaller files."
            )
            % {"mb": total // (1024 * 1024), "max": max_uncompressed() // (1024 * 1024)}
        )
    sheets = sorted(
        (
            m
            for m in members
            if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
        ),
        key=lambda m: m.filename,
    )
    limit = max_rows() + 2  # the header, and one more to know the limit is passed
    rows = 0
    try:
        # Every sheet is counted and the largest taken (openpyxl reads the workbook's first,
        # which is not always sheet1.xml): never fewer rows than the one that will be read.
        for sheet in sheets:
            counted = 0
            tail = b""
            with archive.open(sheet) as stream:
                while chunk := stream.read(1024 * 1024):
                    data = tail + chunk
                    # Tags ending in the carried-over tail were counted with the last chunk.
                    counted += sum(1 for m in _ROW_TAG.finditer(data) if m.end() > len(tail))
                    tail = data[-64:]
                    if counted > limit:
                        break
            rows = max(rows, counted)
    except Exception:  # noqa: BLE001 - a damaged sheet is the same refusal
        raise damaged from None
    return Measure(kind="xlsx", uncompressed=total, rows=max(0, rows - 1))


def read_table(content: bytes, filename: str = "") -> Table:
    if not content.replace(b"\xef\xbb\xbf", b"").strip():
        raise FileRefused(_("The file is empty."))
    if content.startswith(XLSX_MAGIC):
        measure(content)  # refuses a zip bomb before openpyxl unpacks anything
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
        records = list(_capped(reader))
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
        # The sheet's own dimension (which may claim XFD1048576) is not trusted: without it
        # each row is read as long as it is, not padded to the claimed width.
        sheet.reset_dimensions()
        value_rows = _capped(sheet.iter_rows(values_only=True))
        if has_formulas:
            formula_book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=False
            )
            formula_sheet = formula_book.worksheets[0]
            formula_sheet.reset_dimensions()
            formula_rows = _capped(formula_sheet.iter_rows(values_only=True))
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
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise refused from None
    records = [[_xlsx_value(v) for v in record] for record in records]
    return _table(records, "xlsx", first_row_number=1)


def _capped(rows):
    """The rows, refusing the file once it has more than IMPORT_MAX_ROWS (with its header)."""
    limit = max_rows() + 1
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise FileRefused(too_many_rows_message(count - 1))
        yield row


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
