"""The XLSX template: the header row on the first sheet, the code lists on the second."""

import io

from django.utils.translation import gettext as _

from core.export import save_workbook
from core.spreadsheet import safe_row

from . import columns as cols


def xlsx_template(language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    swedish = language.startswith("sv")
    book = Workbook()
    sheet = book.active
    sheet.title = "Deltagare" if swedish else "Participants"
    sheet.append(safe_row(cols.template_headers(language)))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 2)
    sheet.freeze_panes = "A2"
    codes = book.create_sheet("Koder" if swedish else "Codes")
    codes.append(safe_row([_("Column"), _("Code"), _("English"), _("Swedish")]))
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for column in cols.COLUMNS:
        if column.choices:
            for code, en, sv in cols.code_rows(column.choices):
                codes.append(safe_row([column.sv if swedish else column.en, code, en, sv]))
    for code, en, sv in cols.code_rows(cols.FollowUp.Source):
        codes.append(
            safe_row(
                [cols.FOLLOW_UP_PARTS["source"][1 if swedish else 0].format(n="N"), code, en, sv]
            )
        )
    codes.append(
        safe_row(
            [
                cols.FOLLOW_UP_PARTS["status"][1 if swedish else 0].format(n="N"),
                cols.NOT_REACHED,
                "not reached",
                "ej nådd",
            ]
        )
    )
    # The survey columns' answers: 1–5, with the scale's words in the catalogue's two languages.
    for occasion in cols.TEMPLATE_SURVEY_OCCASIONS:
        for key in cols.SURVEY_QUESTIONS:
            options = cols.SURVEY_TEMPLATES[key]["options"]
            for value, (en, sv) in enumerate(zip(options["en"], options["sv"], strict=True), 1):
                codes.append(safe_row([cols.survey_header(occasion, key, language), value, en, sv]))
    for letter, width in (("A", 34), ("B", 26), ("C", 50), ("D", 50)):
        codes.column_dimensions[letter].width = width
    out = io.BytesIO()
    save_workbook(book, out)
    return out.getvalue()
