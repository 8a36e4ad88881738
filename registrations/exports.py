"""CSV and XLSX exports of registrations for staff (cells defused by colloque.exports)."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from colloque.exports import csv_response, xlsx_response

from .models import Registration


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

    return [
        r.reference, r.get_status_display(), r.first_name, r.last_name, r.email,
        r.organisation, r.role, r.get_audience_display(),
        r.workshop.title if r.workshop_id else "", r.workshop_place,
        ", ".join(r.accessibility_labels()), r.accessibility_details,
        _("oui") if r.wants_news else _("non"), r.language,
        when(r.created_at), when(r.confirmed_at), when(r.cancelled_at),
    ]


def export_csv(queryset) -> StreamingHttpResponse:
    rows = (_row(r) for r in queryset.select_related("workshop").iterator(chunk_size=500))
    return csv_response(filename="inscriptions.csv", header=_header(), rows=rows)


def export_xlsx(queryset) -> HttpResponse:
    rows = (_row(r) for r in queryset.select_related("workshop").iterator(chunk_size=500))
    return xlsx_response(filename="inscriptions.xlsx", sheet_title=_("Inscriptions"),
                         header=_header(), rows=rows)
