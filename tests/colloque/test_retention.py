"""Personal data leaves the database when the privacy notice says it does (three months after
the event), and not a day before; what is left is anonymous (see test_purge.py)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from press.models import AccreditationRequest
from registrations.models import Registration
from tests.factories import EventFactory
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_purge_anonymises_registrations_three_months_after_their_event_only():
    past = EventFactory(date=dt.date(2026, 5, 15), slug="edition-2026",
                        registration_opens_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                        registration_closes_at=dt.datetime(2026, 5, 13, tzinfo=dt.UTC),
                        press_accreditation_deadline=dt.datetime(2026, 5, 13, tzinfo=dt.UTC))
    current = EventFactory(slug="edition-suivante")
    old = RegistrationFactory(event=past, last_name="Traoré")
    kept = RegistrationFactory(event=current, last_name="Martin")

    with time_machine.travel(dt.datetime(2026, 8, 14, 12, tzinfo=dt.UTC)):  # 91 days after
        call_command("purge_personal_data", verbosity=0)
    assert Registration.objects.filter(last_name="Traoré", anonymised_at=None).exists()

    with time_machine.travel(dt.datetime(2026, 8, 16, 12, tzinfo=dt.UTC)):  # 93 days after
        call_command("purge_personal_data", verbosity=0)
    old.refresh_from_db(), kept.refresh_from_db()
    assert old.anonymised_at is not None and "Traoré" not in str(old.__dict__)
    assert old.status == Registration.Status.CONFIRMED  # the figures stay
    assert kept.anonymised_at is None and kept.last_name == "Martin"


def test_purge_anonymises_old_accreditation_requests_too():
    old = AccreditationFactory(last_name="Dubois", outlet="Le Parisien")
    old.event.date = dt.date(2026, 1, 10)
    old.event.save()
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, tzinfo=dt.UTC)):
        call_command("purge_personal_data", verbosity=0)
    request = AccreditationRequest.objects.get()
    assert request.anonymised_at is not None
    assert "Dubois" not in str(request.__dict__) and "Le Parisien" not in str(request.__dict__)
