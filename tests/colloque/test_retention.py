"""Personal data leaves the database when the privacy notice says it does."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from press.models import AccreditationRequest
from registrations.models import Registration, RegistrationTransition
from tests.factories import EventFactory
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_purge_deletes_registrations_three_months_after_their_event_only():
    past = EventFactory(date=dt.date(2026, 5, 15), slug="edition-2026",
                        registration_opens_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                        registration_closes_at=dt.datetime(2026, 5, 13, tzinfo=dt.UTC),
                        press_accreditation_deadline=dt.datetime(2026, 5, 13, tzinfo=dt.UTC))
    current = EventFactory(slug="edition-suivante")
    old = RegistrationFactory(event=past)
    RegistrationTransition.objects.create(registration=old, from_status="pending",
                                          to_status="confirmed")
    kept = RegistrationFactory(event=current)

    with time_machine.travel(dt.datetime(2026, 8, 14, 12, tzinfo=dt.UTC)):  # 91 days after
        call_command("purge_personal_data", verbosity=0)
    assert Registration.objects.count() == 2

    with time_machine.travel(dt.datetime(2026, 8, 16, 12, tzinfo=dt.UTC)):  # 93 days after
        call_command("purge_personal_data", verbosity=0)
    assert list(Registration.objects.all()) == [kept]
    assert not RegistrationTransition.objects.filter(registration_id=old.pk).exists()


def test_purge_deletes_old_accreditation_requests_too():
    old = AccreditationFactory()
    old.event.date = dt.date(2026, 1, 10)
    old.event.save()
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, tzinfo=dt.UTC)):
        call_command("purge_personal_data", verbosity=0)
    assert AccreditationRequest.objects.count() == 0
