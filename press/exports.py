"""The security desk's list of approved journalists: CSV, XLSX and a printable page."""

import csv
import io

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

COLUMNS = [
    _("Nom"), _("Prénom"), _("Média"), _("Type de média"), _("Fonction"),
    _("Matériel"), _("Taille de l'équipe"),
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def rows(accreditations) -> list[list]:
    return [
        [
            a.last_name, a.first_name, a.outlet, str(a.get_media_type_display()),
            str(a.get_role_display()), ", ".join(a.equipment), a.crew_size,
        ]
        for a in accreditations
    ]


def _safe(value):
    """Defuse spreadsheet formulas typed into a form (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(accreditations) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(c) for c in COLUMNS])
    for row in rows(accreditations):
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def as_xlsx(accreditations) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Presse accréditée"))
    sheet.append([str(c) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(accreditations):
        sheet.append([_safe(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for column, width in zip("ABCDEFG", (20, 18, 28, 16, 16, 30, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
