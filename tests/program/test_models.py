import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from program.models import Event, Session
from tests.factories import EventFactory, SessionFactory, WorkshopFactory, paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(date=dt.date(2030, 5, 17))


def _integrity_error(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**fields)


def test_database_refuses_a_session_ending_before_it_starts(event):
    _integrity_error(event=event, kind="plenary", title="A", slug="a",
                     start=paris(event.date, 10), end=paris(event.date, 10))
    _integrity_error(event=event, kind="plenary", title="B", slug="b",
                     start=paris(event.date, 10), end=paris(event.date, 9))


def test_database_refuses_two_sessions_starting_together_in_one_room(event):
    WorkshopFactory(event=event, room="Salon Bertrand")
    _integrity_error(event=event, kind="workshop", title="Autre", slug="autre", capacity=20,
                     room="Salon Bertrand", start=paris(event.date, 14), end=paris(event.date, 15))


def test_sessions_without_a_room_may_start_together(event):
    SessionFactory(event=event)
    SessionFactory(event=event)
    assert event.sessions.count() == 2


def test_database_refuses_a_workshop_without_capacity_and_a_plenary_with_one(event):
    _integrity_error(event=event, kind="workshop", title="A", slug="a", capacity=None,
                     room="X", start=paris(event.date, 14), end=paris(event.date, 15))
    _integrity_error(event=event, kind="plenary", title="B", slug="b", capacity=40,
                     start=paris(event.date, 10), end=paris(event.date, 11))


def _errors(session) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean()
    return excinfo.value.message_dict


def test_clean_explains_a_session_outside_the_event_hours(event):
    session = SessionFactory.build(event=event, start=paris(event.date, 8),
                                   end=paris(event.date, 9, 30))
    assert _errors(session)["start"] == [
        "La séance doit se tenir pendant l'événement, le 17/05/2030 entre 9h00 et 16h30."
    ]
    next_day = event.date + dt.timedelta(days=1)
    other_day = SessionFactory.build(event=event, start=paris(next_day, 10),
                                     end=paris(next_day, 11))
    assert "start" in _errors(other_day)


def test_clean_explains_end_before_start_in_french(event):
    session = SessionFactory.build(event=event, start=paris(event.date, 11),
                                   end=paris(event.date, 10))
    assert _errors(session)["end"] == ["La fin doit être postérieure au début."]


def test_clean_refuses_a_room_already_taken_on_an_overlapping_slot(event):
    WorkshopFactory(event=event, room="Salle Saint-Jean", title="Atelier parents")
    clash = WorkshopFactory.build(event=event, room="Salle Saint-Jean", slug="clash",
                                  start=paris(event.date, 15), end=paris(event.date, 16, 30))
    assert _errors(clash)["room"] == [
        "La salle « Salle Saint-Jean » est déjà occupée par « Atelier parents » sur ce créneau."
    ]
    after = WorkshopFactory.build(event=event, room="Salle Saint-Jean", slug="apres",
                                  start=paris(event.date, 16), end=paris(event.date, 16, 30))
    after.full_clean()


def test_clean_asks_for_a_capacity_on_workshops_only(event):
    workshop = WorkshopFactory.build(event=event, capacity=None)
    assert _errors(workshop)["capacity"] == ["Un atelier doit avoir un nombre de places."]
    plenary = SessionFactory.build(event=event, capacity=50)
    assert "capacity" in _errors(plenary)


def test_session_slug_is_made_unique_within_the_event(event):
    first = SessionFactory(event=event, title="Table ronde", slug="")
    second = SessionFactory(event=event, title="Table ronde", slug="",
                            start=paris(event.date, 11))
    assert (first.slug, second.slug) == ("table-ronde", "table-ronde-2")


def test_registration_window_follows_dates_and_the_staff_switch(event):
    opens, closes = event.registration_opens_at, event.registration_closes_at
    assert event.registration_window(opens - dt.timedelta(minutes=1)) == "not_yet_open"
    assert event.registration_window(opens) == "open"
    assert event.registration_window(closes) == "closed"
    event.registrations_closed = True
    assert event.registration_window(opens) == "closed"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraint: PostgreSQL")
def test_postgres_refuses_overlapping_sessions_in_one_room(event):
    WorkshopFactory(event=event, room="Salon Bertrand")  # 14h00-16h00
    _integrity_error(event=event, kind="workshop", title="Chevauche", slug="chevauche",
                     capacity=20, room="Salon Bertrand",
                     start=paris(event.date, 15), end=paris(event.date, 16, 30))
    Session.objects.create(event=event, kind="workshop", title="Ensuite", slug="ensuite",
                           capacity=20, room="Salon Bertrand",
                           start=paris(event.date, 16), end=paris(event.date, 16, 30))


def test_current_event_is_kept_briefly_per_process_and_forgotten_on_save(db, settings,
                                                                         django_assert_num_queries):
    from program.querysets import EventManager

    settings.CURRENT_EVENT_CACHE_SECONDS = 60
    EventManager.forget_current()
    event = EventFactory(title="Première version")
    assert Event.objects.current().title == "Première version"
    with django_assert_num_queries(0):
        copy = Event.objects.current()
    copy.title = "Changée par un appelant"  # callers get their own copy
    assert Event.objects.current().title == "Première version"
    Event.objects.filter(pk=event.pk).update(title="Changée ailleurs")  # another process
    assert Event.objects.current().title == "Première version"  # until the delay ends
    event.title = "Enregistrée ici"
    event.save()  # a save in this process forgets it at once
    assert Event.objects.current().title == "Enregistrée ici"
    settings.CURRENT_EVENT_CACHE_SECONDS = 0
    Event.objects.filter(pk=event.pk).update(title="Sans délai")
    assert Event.objects.current().title == "Sans délai"


def test_titles_quoted_inside_quotes_use_the_inner_kind():
    from django.utils import translation

    from program.templatetags.colloque import inner_quotes

    with translation.override("fr"):
        assert inner_quotes("Atelier 2 — « Tous Mobilisés » : mieux accueillir") == (
            "Atelier 2 — “Tous Mobilisés” : mieux accueillir")
    with translation.override("en"):
        assert inner_quotes("Workshop 2 — “Tous Mobilisés”: welcoming") == (
            "Workshop 2 — ‘Tous Mobilisés’: welcoming")
    assert inner_quotes("Sans guillemets") == "Sans guillemets"
