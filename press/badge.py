"""The press badge: a QR code (a check-in link, no personal data), name, outlet, role.

The same content is drawn as a PDF (attached to the approval e-mail) and shown as a
printable HTML page (`templates/press/badge.html`).

The QR code opens the welcome desk, where tickets are scanned too:
`{SITE_URL}/inscription/accueil/?code=PRESSE:<checkin_token>`. The token is an HMAC of the
request's number under SECRET_KEY (`press.models.press_token`), so it needs no signature;
only its digest is stored, and the desk finds the request by it
(`AccreditationRequest.objects.for_checkin_code`) and reads its current status, so a badge
printed before a rejection is refused at the door. Badges printed before the desk read them
hold `/presse/gestion/controle/<token>/`, which redirects to the same desk page.
"""

import io

import segno
from django.utils import formats, translation
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from colloque.mail import recomputable
from colloque.tokens import desk_url

from .models import AccreditationRequest, current_tokens

BADGE_PREFIX = "PRESSE:"


def badge_code(checkin_token: str) -> str:
    """The badge's code at the welcome desk (what its QR code's link carries)."""
    return BADGE_PREFIX + checkin_token


def checkin_token_from_code(code: str) -> str | None:
    """The badge's check-in token in a desk code, or None when the code is not a badge's."""
    if code[:len(BADGE_PREFIX)].upper() != BADGE_PREFIX:
        return None
    return code[len(BADGE_PREFIX):].strip() or None


def checkin_url(accreditation: AccreditationRequest) -> str:
    """What the QR code holds: the welcome desk's link to this badge (staff only)."""
    return desk_url(badge_code(accreditation.checkin_token))


def badge_qr(accreditation: AccreditationRequest) -> segno.QRCode:
    return segno.make(checkin_url(accreditation), error="m")


def badge_qr_svg(accreditation: AccreditationRequest) -> str:
    return badge_qr(accreditation).svg_inline(scale=4, border=2, title="QR code")


def _centred(pdf, text: str, *, y: float, font: str, size: float, width: float) -> None:
    """Draw `text` centred, shrinking the font so it fits within the badge's margins."""
    room = width - 10 * mm
    while size > 6 and stringWidth(text, font, size) > room:
        size -= 0.5
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, y, text)


def badge_pdf(accreditation: AccreditationRequest) -> bytes:
    """A6 portrait badge, printable at home, in the journalist's language."""
    event = accreditation.event
    png = io.BytesIO()
    badge_qr(accreditation).save(png, kind="png", scale=8, border=2)
    png.seek(0)
    out = io.BytesIO()
    width, height = A6
    with translation.override(accreditation.language):
        pdf = canvas.Canvas(out, pagesize=A6)
        pdf.setTitle(str(translation.gettext("Badge presse")))
        pdf.setFillColorRGB(0.043, 0.239, 0.569)
        pdf.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.setFont("Helvetica-Bold", 30)
        pdf.drawCentredString(width / 2, height - 20 * mm, translation.gettext("PRESSE"))
        pdf.setFillColorRGB(0, 0, 0)
        lines = [
            (accreditation.full_name, 42, "Helvetica-Bold", 16),
            (accreditation.outlet, 49, "Helvetica", 12),
            (str(accreditation.get_role_display()), 55, "Helvetica", 12),
        ]
        for text, from_top, font, size in lines:
            _centred(pdf, text, y=height - from_top * mm, font=font, size=size, width=width)
        pdf.drawImage(ImageReader(png), (width - 45 * mm) / 2, 30 * mm, 45 * mm, 45 * mm)
        footer = [
            (event.title, 22, "Helvetica-Bold", 9),
            (f"{formats.date_format(event.date, 'l j F Y')} — {event.venue}", 17, "Helvetica", 9),
            (translation.gettext("Badge personnel, à présenter avec une pièce d'identité."),
             10, "Helvetica", 8),
        ]
        for text, from_bottom, font, size in footer:
            _centred(pdf, text, y=from_bottom * mm, font=font, size=size, width=width)
        pdf.showPage()
        pdf.save()
    return out.getvalue()


@recomputable
def stored_badge_pdf(pk: int) -> bytes | None:
    """The badge of request `pk`, drawn when the approval e-mail is delivered: a queued
    message names it instead of holding its check-in code. None once the request is gone."""
    accreditation = (AccreditationRequest.objects.select_related("event")
                     .filter(pk=pk, anonymised_at__isnull=True).first())
    if accreditation is None:
        return None
    current_tokens(accreditation)
    return badge_pdf(accreditation)
