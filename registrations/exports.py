"""CSV and XLSX exports of registrations for staff.

Cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR) are prefixed with a
quote: a registrant cannot smuggle a formula into the organisers' spreadsheet.
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Registration

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _header() -> list[str]:
    return [
        _("Référence"), _("Statut"), _("Prénom"), _("Nom"), _("E-mail"), _("Organisation"),
        _("Fonction"), _("Public"), _("Atelier"), _("Place en atelier"),
        _("Besoins d'accessibilité"), _("Précisions"), _("Informé·e des événements"),
        _("Langue"), _("Créée le"), _("Confirmée le"), _("Annulée le"),
    ]


def _row(r: Registration) -> list[str]:
    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    if not r.workshop_id:
        seat = ""
    elif r.has_workshop_seat:
        seat = _("oui")
    else:
        seat = _("liste d'attente")
    return [safe_cell(v) for v in (
        r.reference, r.get_status_display(), r.first_name, r.last_name, r.email,
        r.organisation, r.role, r.get_audience_display(),
        r.workshop.title if r.workshop_id else "", seat,
        ", ".join(r.accessibility_labels()), r.accessibility_details,
        _("oui") if r.wants_news else _("non"), r.language,
        when(r.created_at), when(r.confirmed_at), when(r.cancelled_at),
    )]


class _Echo:
    def write(self, value):
        return value


def export_csv(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def rows():
        yield "\ufeff"  # BOM: spreadsheets then read the file as UTF-8
        yield writer.writerow(_header())
        for registration in queryset.select_related("workshop").iterator(chunk_size=500):
            yield writer.writerow(_row(registration))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inscriptions.csv"'
    return response


def export_xlsx(queryset) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Inscriptions"))
    sheet.append(_header())
    for registration in queryset.select_related("workshop").iterator(chunk_size=500):
        sheet.append(_row(registration))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="inscriptions.xlsx"'
    return response
