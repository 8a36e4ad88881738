"""CSV and XLSX exports of registrations for staff (cells defused by colloque.exports).

One row per registration: who, their status, their workshop and its room, where they stand
on a waiting list, their accessibility needs (health data: only for staff with the permission
`registrations.view_health_data`), and the dates of their registration, confirmation,
cancellation and arrival (real dates in XLSX, in the site's time zone).
"""

from collections import defaultdict

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from colloque.exports import csv_response, xlsx_response

from .models import Registration, waiting_for_day_q, waiting_for_workshop_q


def _header(health_data: bool) -> list[str]:
    return [
        _("Référence"), _("Statut"), _("Prénom"), _("Nom"), _("E-mail"), _("Organisation"),
        _("Fonction"), _("Public"), _("Atelier"), _("Salle de l'atelier"), _("Place en atelier"),
        _("Liste d'attente"), _("Rang sur la liste d'attente"),
        *([_("Besoins d'accessibilité"), _("Précisions")] if health_data else []),
        _("Informé·e des événements"),
        _("Langue"), _("Créée le"), _("Confirmée le"), _("Annulée le"), _("Arrivée le"),
    ]


def _widths(health_data: bool) -> tuple:
    return (11, 22, 16, 18, 28, 24, 20, 26, 40, 18, 16, 14, 10,
            *((30, 24) if health_data else ()), 10, 8, 16, 16, 16, 16)


def waitlist_positions(event_ids, now=None) -> dict[int, tuple[str, int]]:
    """Where each waiting person stands: {pk: ("journée" or "atelier", rank)}.

    The lines people see (`models.waiting_for_day_q` / `waiting_for_workshop_q`), in order,
    read in two queries whatever the size of the export.
    """
    now = now or timezone.now()
    positions: dict[int, tuple[str, int]] = {}
    ranks: dict[object, int] = defaultdict(int)
    day = (Registration.objects.filter(event_id__in=event_ids).filter(waiting_for_day_q(now))
           .order_by("event_id", "event_waitlist_seq").values_list("pk", "event_id"))
    for pk, event_id in day:
        ranks[("day", event_id)] += 1
        positions[pk] = (_("journée"), ranks[("day", event_id)])
    workshop = (Registration.objects.filter(event_id__in=event_ids)
                .filter(waiting_for_workshop_q(now))
                .order_by("workshop_id", "workshop_waitlist_seq")
                .values_list("pk", "workshop_id"))
    for pk, workshop_id in workshop:
        ranks[("workshop", workshop_id)] += 1
        positions.setdefault(pk, (_("atelier"), ranks[("workshop", workshop_id)]))
    return positions


def _rows(queryset, health_data: bool):
    registrations = queryset.select_related("workshop")
    positions = waitlist_positions(
        set(registrations.values_list("event_id", flat=True).order_by().distinct()))

    def when(value):
        return timezone.localtime(value) if value else None

    for r in registrations.iterator(chunk_size=500):
        waiting_on, rank = positions.get(r.pk, ("", None))
        yield [
            r.reference, r.get_status_display(), r.first_name, r.last_name, r.email,
            r.organisation, r.role, r.get_audience_display(),
            r.workshop.title if r.workshop_id else "", r.workshop.room if r.workshop_id else "",
            r.workshop_place, waiting_on, rank,
            *([", ".join(r.accessibility_labels()), r.accessibility_details]
              if health_data else []),
            _("oui") if r.wants_news else _("non"), r.language,
            when(r.created_at), when(r.confirmed_at), when(r.cancelled_at),
            when(r.checked_in_at),
        ]


def export_csv(queryset, *, health_data: bool = False) -> StreamingHttpResponse:
    """`health_data`: with the accessibility needs (permission
    `registrations.view_health_data`); without it the columns are left out."""
    return csv_response(filename="inscriptions.csv", header=_header(health_data),
                        rows=_rows(queryset, health_data))


def export_xlsx(queryset, *, health_data: bool = False) -> HttpResponse:
    return xlsx_response(filename="inscriptions.xlsx", sheet_title=_("Inscriptions"),
                         header=_header(health_data), rows=_rows(queryset, health_data),
                         widths=_widths(health_data))
