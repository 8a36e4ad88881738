"""Spreadsheet exports for staff (CSV for any tool, XLSX for Excel/LibreOffice).

Every cell goes through `safe_cell`: text that a spreadsheet would run as a formula
(=, +, -, @, tab, CR, |, %) gets a leading quote, so nobody can smuggle a formula into the
organisers' files through a form field (CSV/formula injection).
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, header: list, rows: Iterable[list]) -> StreamingHttpResponse:
    """Semicolon-separated UTF-8 with a BOM (what French spreadsheets expect), streamed."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        yield writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(*, filename: str, sheet_title: str, header: list, rows: Iterable[list],
                  widths: Iterable[int] = ()) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(sheet_title)[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
