"""schema.org `Event` description of the colloquium (JSON-LD), for search engines."""

import re

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation

from .markup import as_text
from .models import Event, Session

# The organisers' own sites, found by a word of their name in `Event.organisers`; an organiser
# without one here points to this site (OPMIRE's colloquium is its own page).
ORGANISER_SITES = {
    "Ville de Paris": "https://www.paris.fr", "City of Paris": "https://www.paris.fr",
    "Académie de Paris": "https://www.ac-paris.fr",
}
SHARING_IMAGE = "program/partage.png"  # 1200 x 630, also the Open Graph image

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


def _organisers(event: Event) -> list[dict]:
    names = [name.strip() for name in event.organisers.split("—") if name.strip()]
    return [
        {"@type": "Organization", "name": name,
         "url": next((url for word, url in ORGANISER_SITES.items() if word in name),
                     _absolute(reverse("program:home")))}
        for name in names or ["Ville de Paris"]
    ]


def _person(speaker) -> dict:
    data = {"@type": "Person", "name": speaker.name,
            "url": _absolute(speaker.get_absolute_url())}
    if speaker.role:
        data["jobTitle"] = speaker.role
    if speaker.organisation:
        data["affiliation"] = {"@type": "Organization", "name": speaker.organisation}
    return data


def _offer(event: Event, *, seats_left: int | None, path: str) -> dict:
    return {
        "@type": "Offer",
        "price": "0",
        "priceCurrency": "EUR",
        "url": _absolute(path),
        "validFrom": timezone.localtime(event.registration_opens_at).isoformat(),
        "availability": "https://schema.org/SoldOut" if seats_left == 0
        else "https://schema.org/InStock",
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
    performers = [_person(role.speaker) for role in session.session_speakers.all()]
    if performers:
        data["performer"] = performers
    return data


def session_json_ld(event: Event, session: Session, *, seats_left: int | None) -> dict:
    """A session page's own `Event`: what it is about, who speaks, the (free) registration
    (for a workshop, its own seats), and the day it belongs to. `seats_left`: the workshop's,
    or the plenary room's for a conference."""
    register = reverse("registrations:register")
    if session.is_workshop:
        register += f"?atelier={session.slug}"
    data = {
        "@context": "https://schema.org",
        **_session(event, session),
        "inLanguage": translation.get_language() or "fr",
        "isAccessibleForFree": True,
        "image": [_absolute(static(SHARING_IMAGE))],
        "organizer": _organisers(event),
        "offers": _offer(event, seats_left=seats_left, path=register),
        "superEvent": {"@type": "Event", "name": event.title,
                       "url": _absolute(reverse("program:home"))},
    }
    description = as_text(session.description_html)
    if description:
        data["description"] = description[:300]
    return data


def session_fragment(event: Event, session: Session) -> tuple[dict, dict | None]:
    """A session's share of the day's `Event`: its `subEvent`, and its first speaker as a
    `Person` (None without speakers). The home page keeps it per session and joins them
    (`event_json_ld`). `session` should come with its speakers prefetched."""
    roles = session.session_speakers.all()
    return _session(event, session), (_person(roles[0].speaker) if roles else None)


def event_json_ld(event: Event, fragments: list[tuple[dict, dict | None]], *,
                  seats_left: int | None) -> dict:
    """The `Event` with its sessions as `subEvent`s (`fragments`: each session's
    `session_fragment`, in order), and as top-level `performer` the person who opens the day:
    the first speaker of the first session that has one."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary or as_text(event.description_html)[:300],
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "url": _absolute(reverse("program:home")),
        "inLanguage": translation.get_language() or "fr",
        "isAccessibleForFree": True,
        "image": [_absolute(static(SHARING_IMAGE))],
        "location": _place(event),
        "organizer": _organisers(event),
        "offers": _offer(event, seats_left=seats_left, path=reverse("registrations:register")),
        "subEvent": [sub_event for sub_event, _opening in fragments],
    }
    opening = next((person for _sub_event, person in fragments if person), None)
    if opening:
        data["performer"] = [opening]
    return data
