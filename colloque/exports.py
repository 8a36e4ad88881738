"""Spreadsheet exports for staff (CSV for any tool, XLSX for Excel/LibreOffice).

Dates are real dates (XLSX) or written day first (CSV). Every cell goes through `safe_cell`:
text that a spreadsheet would run as a formula
(=, +, -, @, tab, CR, |, %) gets a leading quote, so nobody can smuggle a formula into the
organisers' files through a form field (CSV/formula injection).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.datetime, dt.date)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_text(value):
    """Dates as a French spreadsheet reads them back as dates (31/12/2030 14:05)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def _xlsx_cell(sheet, value):
    """A real date in the workbook (sortable, filterable), shown as 31/12/2030 14:05.

    Aware datetimes are written in the site's time zone (the workbook has none)."""
    value = safe_cell(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return value


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
            yield writer.writerow([_csv_text(safe_cell(v)) for v in row])

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
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_download(data, *, filename: str) -> JsonResponse:
    """A person's data (RGPD access and portability) as a readable JSON file, never cached."""
    response = JsonResponse(data, safe=False,
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
