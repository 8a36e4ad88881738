"""`purge_personal_data` anonymises: no personal field is left, the edition's figures stay."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from colloque import dashboard
from press.models import AccreditationRequest
from registrations.models import Registration, RegistrationTransition, link_token
from registrations.selectors import desk_counters
from tests.factories import EventFactory, WorkshopFactory
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
AFTER = dt.datetime(2026, 8, 16, 12, tzinfo=dt.UTC)  # 93 days after the past edition


@pytest.fixture
def past():
    event = EventFactory(date=dt.date(2026, 5, 15), slug="edition-2026",
                         registration_opens_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                         registration_closes_at=dt.datetime(2026, 5, 13, tzinfo=dt.UTC),
                         press_accreditation_deadline=dt.datetime(2026, 5, 13, tzinfo=dt.UTC))
    workshop = WorkshopFactory(event=event, room="Salle Lobau")
    Status = Registration.Status
    for n, (status, audience, arrived) in enumerate([
        (Status.CONFIRMED, "teacher", True), (Status.CONFIRMED, "parent", False),
        (Status.CANCELLED, "elected", False), (Status.WAITLISTED, "teacher", False),
    ]):
        registration = RegistrationFactory(
            event=event, status=status, audience=audience, workshop=workshop,
            reference=f"OLD{n}", first_name="Awa", last_name="Traoré",
            email=f"awa{n}@example.org", organisation="Collège Jean-Jaurès", role="Principale",
            accessibility_needs=["lsf"], accessibility_details="Interprète à gauche",
            wants_news=True,
            event_waitlist_seq=1 if status == Status.WAITLISTED else None,
            checked_in_at=dt.datetime(2026, 5, 15, 7, tzinfo=dt.UTC) if arrived else None)
        RegistrationTransition.objects.create(registration=registration, from_status="confirmed",
                                              to_status="cancelled", note="Mme Traoré a écrit")
    AccreditationFactory(event=event, status="approved", interview_wishes="M. Bloche")
    AccreditationFactory(event=event, status="submitted")
    return event


def figures(event):
    return (dashboard.registrations_by_status(event, AFTER), dashboard.audience_mix(event),
            desk_counters(event)["day"],
            [(w["session"].pk, w["expected"], w["present"])
             for w in desk_counters(event)["workshops"]],
            dashboard.press_requests(event))


def test_anonymisation_leaves_no_personal_field_and_the_same_figures(client, past):
    current = RegistrationFactory(event=EventFactory(slug="suivante"), first_name="Zoé")
    before = figures(past)
    with time_machine.travel(AFTER):
        call_command("purge_personal_data", verbosity=0)
        assert figures(past) == before
    for registration in Registration.objects.filter(event=past):
        assert (registration.first_name, registration.last_name, registration.organisation,
                registration.role, registration.accessibility_needs,
                registration.accessibility_details, registration.wants_news) == (
            "", "", "", "", [], "", False)
        assert registration.email.endswith("@anonyme.invalid")
        assert "awa" not in registration.email
        assert registration.anonymised_at
        # The private link stops working.
        response = client.get(f"/inscription/gerer/{link_token(registration.reference)}/")
        assert response.status_code == 404
    assert not RegistrationTransition.objects.filter(note__contains="Traoré").exists()
    for accreditation in AccreditationRequest.objects.all():
        assert (accreditation.first_name, accreditation.last_name, accreditation.phone,
                accreditation.outlet, accreditation.interview_wishes) == ("", "", "", "", "")
    current.refresh_from_db()
    assert current.first_name == "Zoé"


def test_dry_run_changes_nothing_and_says_how_many(capsys, past):
    with time_machine.travel(AFTER):
        call_command("purge_personal_data", "--dry-run")
    assert "4 inscription(s) et 2 demande(s)" in capsys.readouterr().out
    assert Registration.objects.filter(first_name="Awa").count() == 4


def test_nothing_anonymised_before_the_retention_period(past):
    with time_machine.travel(dt.datetime(2026, 8, 14, 12, tzinfo=dt.UTC)):
        call_command("purge_personal_data", verbosity=0)
    assert Registration.objects.filter(first_name="Awa").count() == 4
