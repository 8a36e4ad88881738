"""schema.org `Event` description of the colloquium (JSON-LD), for search engines."""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from .models import Event, Session
from .templatetags.colloque import plain

_POSTCODE_CITY = re.compile(r"(?P<postcode>\d{5})\s+(?P<city>[^,\d]+)$")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _postal_address(address: str) -> dict:
    data = {"@type": "PostalAddress", "streetAddress": address, "addressCountry": "FR"}
    match = _POSTCODE_CITY.search(address)
    if match:
        data["streetAddress"] = address[: match.start()].strip(" ,")
        data["postalCode"], data["addressLocality"] = match["postcode"], match["city"].strip()
    return data


def _place(event: Event, room: str = "") -> dict:
    return {
        "@type": "Place",
        "name": f"{room}, {event.venue}" if room else event.venue,
        "address": _postal_address(event.address),
    }


def _session(event: Event, session: Session) -> dict:
    data = {
        "@type": "Event",
        "name": session.title,
        "startDate": timezone.localtime(session.start).isoformat(),
        "endDate": timezone.localtime(session.end).isoformat(),
        "url": _absolute(session.get_absolute_url()),
        "location": _place(event, session.room),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
    }
    performers = [
        {"@type": "Person", "name": role.speaker.name} for role in session.session_speakers.all()
    ]
    if performers:
        data["performer"] = performers
    return data


def event_json_ld(event: Event, sessions: list[Session], *, seats_left: int | None) -> dict:
    """The `Event` with its sessions as `subEvent`s. `sessions` should come with their
    speakers prefetched (`with_speakers()`), so this runs no query."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary or plain(event.description)[:300],
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "url": _absolute(reverse("program:home")),
        "inLanguage": translation.get_language() or "fr",
        "isAccessibleForFree": True,
        "location": _place(event),
        "organizer": [
            {"@type": "Organization", "name": name.strip()}
            for name in event.organisers.split("—") if name.strip()
        ] or [{"@type": "Organization", "name": "Ville de Paris", "url": "https://www.paris.fr"}],
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "url": _absolute(reverse("registrations:register")),
            "validFrom": timezone.localtime(event.registration_opens_at).isoformat(),
            "availability": "https://schema.org/SoldOut" if seats_left == 0
            else "https://schema.org/InStock",
        },
        "subEvent": [_session(event, session) for session in sessions],
    }
    return data
