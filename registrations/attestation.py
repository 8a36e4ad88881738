"""The certificate of attendance (« attestation de présence »), a one-page PDF.

For a registration whose arrival was recorded at the welcome desk: name, event, date, place,
hours, the afternoon workshop, the organisers and a verification reference (the registration's
reference and an HMAC of it under SECRET_KEY: staff recompute it with `verification_code`).
Downloaded from the manage page once the event has started, or e-mailed at staff's request.

Accessibility: the PDF has its language (`/Lang` in the catalogue), a title, an author and a
subject, and real text in a standard font (selectable, read aloud, extracted). It is not a
tagged PDF: ReportLab's open-source edition writes no structure tree (`/StructTreeRoot`).
"""

import io

from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from program.templatetags.colloque import hm

from .models import Registration

FONT, BOLD = "Helvetica", "Helvetica-Bold"


def verification_code(registration: Registration) -> str:
    digest = salted_hmac("registrations.attestation", registration.reference,
                         algorithm="sha256").hexdigest()
    return f"{registration.reference}-{digest[:8].upper()}"


def attestation_filename(registration: Registration) -> str:
    return f"attestation-{registration.reference}.pdf"


def attestation_available(registration: Registration, now=None) -> bool:
    """Arrival recorded, and the event has started (the manage page offers it then)."""
    return bool(registration.checked_in_at) and (now or timezone.now()) >= \
        registration.event.starts_at


def _lines(registration: Registration) -> list[tuple[str, str, float, float]]:
    """(text, font, size, space before in mm)."""
    event = registration.event
    lines = [
        (_("ATTESTATION DE PRÉSENCE"), BOLD, 20, 0),
        (_("Les organisateurs du colloque attestent que"), FONT, 12, 14),
        (registration.full_name, BOLD, 16, 8),
        (_("a participé au colloque « %(title)s »,") % {"title": event.title}, FONT, 12, 8),
        (_("le %(date)s, de %(start)s à %(end)s,") % {
            "date": formats.date_format(event.date, "l j F Y"), "start": hm(event.start_time),
            "end": hm(event.end_time)}, FONT, 12, 2),
        (_("à %(venue)s, %(address)s.") % {"venue": event.venue, "address": event.address},
         FONT, 12, 2),
        (_("Arrivée enregistrée à l'accueil le %(date)s à %(time)s.") % {
            "date": formats.date_format(timezone.localtime(registration.checked_in_at), "j F Y"),
            "time": hm(timezone.localtime(registration.checked_in_at))}, FONT, 12, 6),
    ]
    if registration.has_workshop_seat:
        workshop = registration.workshop
        text = _("Atelier de l'après-midi : %(title)s") % {"title": workshop.title}
        if workshop.room:
            text += f" ({workshop.room})"
        lines.append((text, FONT, 12, 4))
    lines += [
        (_("Organisateurs : %(organisers)s") % {"organisers": event.organisers}, FONT, 12, 10),
        (_("Fait à Paris, le %(date)s.") % {
            "date": formats.date_format(timezone.localdate(), "j F Y")}, FONT, 12, 10),
        (_("Référence de vérification : %(code)s") % {"code": verification_code(registration)},
         FONT, 10, 20),
        (_("Pour vérifier cette attestation, écrivez aux organisateurs en donnant cette "
           "référence."), FONT, 9, 2),
    ]
    return lines


def attestation_pdf(registration: Registration) -> bytes:
    """A4 portrait, in the person's language."""
    out = io.BytesIO()
    width, height = A4
    margin = 25 * mm
    with translation.override(registration.language):
        pdf = canvas.Canvas(out, pagesize=A4, lang=registration.language)
        pdf.setTitle(f"{_('Attestation de présence')} — {registration.event.title}")
        pdf.setAuthor(registration.event.organisers)
        pdf.setSubject(_("Attestation de présence de %(name)s") % {
            "name": registration.full_name})
        y = height - 35 * mm
        for text, font, size, before in _lines(registration):
            y -= before * mm
            for line in simpleSplit(text, font, size, width - 2 * margin):
                pdf.setFont(font, size)
                pdf.drawString(margin, y, line)
                y -= size * 1.4
        pdf.showPage()
        pdf.save()
    return out.getvalue()
