import datetime as dt
import zoneinfo

import factory
from django.utils import timezone

from program.models import Event, Session, SessionSpeaker, Speaker

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(date: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=PARIS)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Colloque {n}")
    slug = factory.Sequence(lambda n: f"colloque-{n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    start_time = dt.time(9, 0)
    end_time = dt.time(16, 30)
    venue = "Hôtel de Ville"
    address = "Place de l'Hôtel de Ville, 75004 Paris"
    organisers = "Ville de Paris — OPMIRE — Académie de Paris"
    plenary_capacity = 300
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(
        lambda o: paris(o.date, 0) - dt.timedelta(days=1)
    )
    press_accreditation_deadline = factory.LazyAttribute(
        lambda o: paris(o.date, 12) - dt.timedelta(days=2)
    )
    is_published = True


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Intervenante {n}")
    role = "Chercheuse"
    organisation = "Université"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    kind = Session.Kind.PLENARY
    title = factory.Sequence(lambda n: f"Conférence {n}")
    slug = factory.Sequence(lambda n: f"seance-{n}")
    start = factory.LazyAttribute(lambda o: paris(o.event.date, 9, 30))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=45))
    room = ""
    capacity = None


class WorkshopFactory(SessionFactory):
    kind = Session.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Atelier {n}")
    start = factory.LazyAttribute(lambda o: paris(o.event.date, 14))
    end = factory.LazyAttribute(lambda o: paris(o.event.date, 16))
    room = factory.Sequence(lambda n: f"Salle {n}")
    capacity = 30


class SessionSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)
