import datetime as dt
import secrets

import factory
from django.utils import timezone

from registrations.models import Registration, hash_token
from tests.factories import EventFactory


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration written straight to the database (no seat check, no e-mail)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    reference = factory.Sequence(lambda n: f"REF{n:05d}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    audience = Registration.Audience.RESEARCHER
    status = Registration.Status.CONFIRMED
    token_hash = factory.LazyFunction(lambda: hash_token(secrets.token_urlsafe(32)))
    hold_expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(minutes=30))
    confirmed_at = factory.LazyFunction(timezone.now)
