import datetime as dt
import zoneinfo

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _only_event(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_session_ics_has_the_session_in_paris_time(client, demo_event, settings):
    settings.SITE_URL = "https://colloque.example.org"
    calendar, vevent = _only_event(client.get("/programme/regards-internationaux.ics"))
    assert str(vevent["SUMMARY"]) == (
        "Regards internationaux : ce que font les autres pays — "
        "Pour plus de mixité sociale au collège"
    )
    start = vevent.decoded("DTSTART")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert (start.date(), start.hour, start.minute) == (demo_event.date, 11, 15)
    assert start.utcoffset() == dt.timedelta(hours=2)
    assert vevent.decoded("DTEND").astimezone(PARIS).time() == dt.time(12, 0)
    assert str(vevent["LOCATION"]) == (
        "Salle des fêtes, Hôtel de Ville de Paris, Place de l'Hôtel de Ville, 75004 Paris"
    )
    assert str(vevent["URL"]) == "https://colloque.example.org/programme/regards-internationaux/"
    assert "Inès Haddad" in str(vevent["DESCRIPTION"])
    assert "**" not in str(vevent["DESCRIPTION"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_session_ics_uid_is_stable_and_distinct(client, demo_event):
    _, first = _only_event(client.get("/programme/atelier-parents.ics"))
    _, again = _only_event(client.get("/programme/atelier-parents.ics"))
    _, other = _only_event(client.get("/programme/atelier-associations.ics"))
    assert str(first["UID"]) == str(again["UID"])
    assert str(first["UID"]) != str(other["UID"])
    assert "@" in str(first["UID"])


def test_event_ics_covers_the_day(client, demo_event):
    _, vevent = _only_event(client.get("/programme/colloque.ics"))
    assert str(vevent["SUMMARY"]) == "Pour plus de mixité sociale au collège"
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start == dt.datetime.combine(demo_event.date, dt.time(9, 0), tzinfo=PARIS)
    assert end == dt.datetime.combine(demo_event.date, dt.time(16, 30), tzinfo=PARIS)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "Hôtel de Ville de Paris" in str(vevent["LOCATION"])


def test_english_session_ics_uses_the_english_title(client, demo_event):
    _, vevent = _only_event(client.get("/en/programme/atelier-parents.ics"))
    assert str(vevent["SUMMARY"]).startswith("Workshop 3 — Parents as actors of social mix")


def test_unknown_session_ics_is_a_404(client, demo_event):
    assert client.get("/programme/inconnue.ics").status_code == 404


def test_the_day_has_one_uid_in_the_programme_and_in_the_ticket(client, demo_event, settings):
    """Adding the programme's file and the ticket's puts the day (and the workshop) once."""
    from registrations.tickets import ticket_calendar
    from tests.registrations.factories import RegistrationFactory

    settings.SITE_URL = "https://colloque-mixite.paris.fr"
    workshop = demo_event.sessions.get(slug="atelier-parents")
    registration = RegistrationFactory(event=demo_event, workshop=workshop)
    assert registration.has_workshop_seat
    _, day = _only_event(client.get("/programme/colloque.ics"))
    _, session = _only_event(client.get("/programme/atelier-parents.ics"))
    ticket = Calendar.from_ical(ticket_calendar(registration, "https://example.org/gerer/"))
    assert [str(e["UID"]) for e in ticket.walk("VEVENT")] == [str(day["UID"]),
                                                               str(session["UID"])]
    assert str(day["UID"]) == f"{demo_event.slug}@colloque-mixite.paris.fr"
