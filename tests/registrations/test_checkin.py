"""The welcome desk on the day: scan a ticket, see who it is, record the arrival once."""

import html

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from registrations.models import Registration
from registrations.tickets import ticket_payload
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
URL = reverse("registrations:checkin")


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def desk(client, django_user_model):
    """A staff member allowed to change registrations, as the welcome desk is."""
    user = django_user_model.objects.create_user("accueil", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_registration"))
    client.force_login(user)
    return client


def test_scanning_a_ticket_shows_the_person_and_records_the_arrival_once(desk, demo_event):
    workshop = demo_event.sessions.workshops().first()
    registration = RegistrationFactory(event=demo_event, workshop=workshop,
                                       accessibility_needs=["wheelchair"])
    code = ticket_payload(registration)
    page = text(desk.get(URL, {"code": code}))
    assert "Inscription confirmée." in page
    assert registration.last_name in page and workshop.title in page
    assert "Accès en fauteuil roulant" in page

    page = text(desk.post(URL, {"code": code, "arrive": "1"}))
    assert "Bienvenue ! Arrivée enregistrée." in page
    registration.refresh_from_db()
    first_arrival = registration.checked_in_at
    assert first_arrival is not None
    assert registration.transitions.filter(note="check-in").count() == 1

    page = text(desk.post(URL, {"code": code, "arrive": "1"}))
    assert "Déjà arrivé·e à" in page
    registration.refresh_from_db()
    assert registration.checked_in_at == first_arrival


def test_a_reference_typed_by_hand_finds_the_ticket(desk, demo_event):
    registration = RegistrationFactory(event=demo_event)
    assert registration.last_name in text(desk.get(URL, {"code": registration.reference.lower()}))


def test_a_forged_ticket_is_unknown(desk, demo_event):
    registration = RegistrationFactory(event=demo_event)
    forged = ticket_payload(registration)[:-3] + "xyz"
    response = desk.get(URL, {"code": forged})
    assert response.status_code == 404
    assert "Billet inconnu" in text(response)


def test_a_cancelled_registration_does_not_get_in(desk, demo_event):
    registration = RegistrationFactory(event=demo_event, status=Registration.Status.CANCELLED)
    page = text(desk.post(URL, {"code": ticket_payload(registration), "arrive": "1"}))
    assert "Inscription non valide : Annulée." in page
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_the_desk_is_for_staff_with_the_permission_only(client, django_user_model, demo_event):
    assert client.get(URL)["Location"].startswith("/admin/login/")
    django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.login(username="staff", password="pw")
    assert client.get(URL).status_code == 403


def test_staff_record_arrivals_from_the_admin_list(staff_client, demo_event):
    registration = RegistrationFactory(event=demo_event)
    response = staff_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "check_in", "_selected_action": [registration.pk]}, follow=True,
    )
    assert "1 arrivée(s) enregistrée(s)." in text(response)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    arrived = staff_client.get(reverse("admin:registrations_registration_changelist"),
                               {"arrived": "yes"})
    assert registration.email in text(arrived)
