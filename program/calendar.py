"""iCalendar (.ics) files for the whole event and for each session (RFC 5545)."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event, Session


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//OPMIRE Ville de Paris//Colloque//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return cal


def _vevent(*, uid, summary, start, end, location, description, url) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", summary)
    vevent.add("location", location)
    if description:
        vevent.add("description", description)
    vevent.add("url", url)
    return vevent


def event_calendar(event: Event) -> bytes:
    cal = _calendar()
    cal.add_component(_vevent(
        uid=f"event-{event.pk}@{event.slug}",
        summary=event.title,
        start=event.starts_at,
        end=event.ends_at,
        location=f"{event.venue}, {event.address}",
        description=event.summary,
        url=settings.SITE_URL + event.get_absolute_url(),
    ))
    return cal.to_ical()


def session_calendar(session: Session) -> bytes:
    event = session.event
    cal = _calendar()
    location = f"{session.room}, {event.venue}, {event.address}" if session.room else (
        f"{event.venue}, {event.address}"
    )
    cal.add_component(_vevent(
        uid=f"session-{session.pk}@{event.slug}",
        summary=f"{session.title} — {event.title}",
        start=session.start,
        end=session.end,
        location=location,
        description=session.description,
        url=settings.SITE_URL + session.get_absolute_url(),
    ))
    return cal.to_ical()
