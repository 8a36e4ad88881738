"""The e-ticket: a QR code for check-in and a personal calendar file.

The QR code holds a link to the welcome desk carrying a signed reference,
`{SITE_URL}/inscription/accueil/?code=COLLOQUE:<reference>:<signature>`, nothing personal:
a phone camera opens it on the desk (staff login required), a handheld scanner types it into
the desk's field. The signature proves the ticket was issued by the site. Tickets sent before
the link existed hold the bare `COLLOQUE:…` code, which the desk still reads.
"""

import functools
import io
from urllib.parse import parse_qs, urlsplit

import segno
from django.conf import settings
from django.core import signing

from colloque.tokens import desk_url
from program.calendar import calendar_file, event_uid, session_uid, vevent

from .models import Registration

_SIGNER_SALT = "registrations.ticket"


def ticket_payload(registration: Registration) -> str:
    return "COLLOQUE:" + signing.Signer(salt=_SIGNER_SALT).sign(registration.reference)


def ticket_reference_from_payload(payload: str) -> str | None:
    """The reference of a scanned ticket, or None when the payload was not issued here."""
    if not payload.startswith("COLLOQUE:"):
        return None
    try:
        return signing.Signer(salt=_SIGNER_SALT).unsign(payload.removeprefix("COLLOQUE:"))
    except signing.BadSignature:
        return None


def ticket_url(registration: Registration) -> str:
    """What the ticket's QR code holds: the desk's link to this ticket."""
    return desk_url(ticket_payload(registration))


def scanned_code(text: str) -> str:
    """The code in what the desk's field received: the `code` parameter of a desk link (a
    scanner types the whole link of a QR code), else the text itself, trimmed."""
    text = text.strip()
    if text.lower().startswith(("http://", "https://")):
        codes = parse_qs(urlsplit(text).query).get("code")
        return codes[0].strip() if codes else text
    return text


@functools.lru_cache(maxsize=512)
def _qr_code(payload: str) -> segno.QRCode:
    """The symbol of a payload (the ticket's desk link). Choosing its mask (the pattern
    easiest to scan) is most of the 3-4 ms it takes, and a ticket's payload never changes: the
    manage page, reloaded, and the ticket e-mail sent after it reuse it."""
    return segno.make(payload, error="m")


def ticket_qr_png(registration: Registration) -> bytes:
    buffer = io.BytesIO()
    _qr_code(ticket_url(registration)).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def ticket_qr_svg(registration: Registration) -> str:
    return _qr_code(ticket_url(registration)).svg_inline(scale=5, border=4, omitsize=True)


def ticket_calendar(registration: Registration, manage_url: str) -> bytes:
    """The day and, when the person holds a workshop seat, the workshop (RFC 5545).

    In the active language, built like the programme's files, with the same UIDs
    (`program.calendar.event_uid`, `session_uid`): adding the ticket and the programme's
    file puts the day in a calendar once. After a change of workshop, the new file adds the
    new workshop; the old one stays in the calendar until the person removes it.
    """
    event = registration.event
    items = [(event_uid(event), event.title, event.starts_at, event.ends_at, "")]
    if registration.has_workshop_seat:
        workshop = registration.workshop
        items.append((session_uid(workshop), f"{workshop.title} — {event.title}",
                      workshop.start, workshop.end, workshop.room))
    return calendar_file(event.date, *(
        vevent(uid=uid, summary=summary, start=start, end=end,
               location=", ".join(p for p in (room, event.venue, event.address) if p),
               url=manage_url or settings.SITE_URL)
        for uid, summary, start, end, room in items
    ))
