"""iCalendar (.ics) files for the whole event and for each session (RFC 5545).

Times are written in Europe/Paris with a VTIMEZONE block, so calendars show 9h30 whatever
the server stores (UTC). Each calendar event has one UID, made from slugs and the site's host
(`event_uid`, `session_uid`), in every file that carries it: the programme's files and the
attendee's ticket (`registrations.tickets.ticket_calendar`). Downloading a file again, or
adding both, updates the entry instead of putting the day twice in a calendar.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event, Session
from .templatetags.colloque import plain


def calendar_file(day: dt.date, *vevents: VEvent) -> bytes:
    """An .ics file with these events and the VTIMEZONE blocks they need (`day`: the event's)."""
    cal = Calendar()
    cal.add("prodid", "-//OPMIRE Ville de Paris//Colloque//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for item in vevents:
        cal.add_component(item)
    cal.add_missing_timezones(first_date=day - dt.timedelta(days=366),
                              last_date=day + dt.timedelta(days=366))
    return cal.to_ical()


def _uid(name: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "colloque.invalid"
    return f"{name}@{host}"


def event_uid(event: Event) -> str:
    """The whole day's UID, e.g. `colloque-mixite-2030@colloque-mixite.paris.fr`."""
    return _uid(event.slug)


def session_uid(session: Session) -> str:
    return _uid(f"{session.event.slug}.{session.slug}")


def vevent(*, uid, summary, start, end, location, url, description="") -> VEvent:
    """One event of a calendar file, its times in Europe/Paris."""
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", timezone.localtime(start))
    vevent.add("dtend", timezone.localtime(end))
    vevent.add("summary", summary)
    vevent.add("location", location)
    if description:
        vevent.add("description", description)
    vevent.add("url", url)
    return vevent


def event_calendar(event: Event) -> bytes:
    return calendar_file(event.date, vevent(
        uid=event_uid(event),
        summary=event.title,
        start=event.starts_at,
        end=event.ends_at,
        location=f"{event.venue}, {event.address}",
        description=event.summary,
        url=settings.SITE_URL + event.get_absolute_url(),
    ))


def session_calendar(session: Session) -> bytes:
    event = session.event
    location = ", ".join(part for part in (session.room, event.venue, event.address) if part)
    speakers = ", ".join(role.speaker.name for role in session.session_speakers.all())
    description = "\n\n".join(part for part in (speakers, plain(session.description)) if part)
    return calendar_file(event.date, vevent(
        uid=session_uid(session),
        summary=f"{session.title} — {event.title}",
        start=session.start,
        end=session.end,
        location=location,
        description=description,
        url=settings.SITE_URL + session.get_absolute_url(),
    ))
