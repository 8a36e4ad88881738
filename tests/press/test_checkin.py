"""Journalists' badges at the welcome desk: an approved badge gets in once, the others are
refused in words; the badge's QR code opens the desk."""

import datetime as dt
import html
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from press import services
from press.badge import badge_qr_svg, checkin_url
from press.models import Status
from tests.press.factories import AccreditationFactory

pytestmark = pytest.mark.django_db
DESK = reverse("registrations:checkin")
ARRIVE = reverse("registrations:checkin-arrive")


def text(response) -> str:
    return html.unescape(response.content.decode())


def open_badge(client, accreditation):
    """What the phone camera does with the badge's QR code: open the link inside it."""
    link = urlsplit(checkin_url(accreditation))
    return client.get(f"{link.path}?{link.query}")


@pytest.fixture
def desk(client, django_user_model):
    """A member of the « Accueil » group: the welcome desk scans badges too."""
    user = django_user_model.objects.create_user("accueil", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Accueil"))
    client.force_login(user)
    return client


@pytest.fixture
def approved(event, staff_user):
    accreditation = AccreditationFactory(event=event, first_name="Léa", last_name="Moreau",
                                         outlet="RFI", role="photographer")
    return services.accreditation_approve(accreditation=accreditation, actor=staff_user)


def test_the_badge_qr_code_opens_the_desk(settings, approved):
    link = checkin_url(approved)
    assert link == f"{settings.SITE_URL}{DESK}?code=PRESSE:{approved.checkin_token}"
    assert "Moreau" not in link
    assert "<svg" in badge_qr_svg(approved)


def test_an_approved_badge_shows_who_and_records_the_arrival_once(desk, approved):
    page = text(open_badge(desk, approved))
    assert "Accréditation presse valide" in page
    assert "Léa Moreau" in page and "RFI" in page and "Photographe" in page
    assert "Vérifiez la pièce d'identité." in page

    code = re.search(r'name="code" value="([^"]+)"', page).group(1)
    page = text(desk.post(ARRIVE, {"code": code}, follow=True))
    assert "Presse : Léa Moreau (RFI), arrivée enregistrée." in page
    approved.refresh_from_db()
    first = approved.checked_in_at
    assert first is not None

    page = text(open_badge(desk, approved))
    assert "Déjà arrivé·e à" in page and "Enregistrer l'arrivée" not in page
    page = text(desk.post(ARRIVE, {"code": code}, follow=True))
    assert "Léa Moreau : déjà arrivé·e à" in page
    approved.refresh_from_db()
    assert approved.checked_in_at == first


def test_a_scanner_typing_the_badge_link_into_the_field_finds_it(desk, approved):
    page = text(desk.get(DESK, {"code": checkin_url(approved)}))
    assert "Accréditation presse valide" in page and "Léa Moreau" in page


@pytest.mark.parametrize(("status", "refusal"), [
    (Status.REJECTED, "Accréditation refusée"),
    (Status.SUBMITTED, "Demande en cours d'examen : accès refusé"),
    (Status.INFO_REQUESTED, "Demande en cours d'examen : accès refusé"),
])
def test_a_badge_not_approved_is_refused_in_words(desk, event, status, refusal):
    accreditation = AccreditationFactory(event=event, status=status)
    page = text(open_badge(desk, accreditation))
    assert refusal in page and accreditation.full_name in page
    assert "Enregistrer l'arrivée" not in page
    page = text(desk.post(ARRIVE, {"code": f"PRESSE:{accreditation.checkin_token}"},
                          follow=True))
    assert "arrivée non enregistrée" in page
    accreditation.refresh_from_db()
    assert accreditation.checked_in_at is None


def test_an_unknown_badge_is_unknown(desk, event):
    response = desk.get(DESK, {"code": "PRESSE:inconnu"})
    assert response.status_code == 404 and "Badge presse inconnu" in text(response)


def test_the_service_records_one_arrival_and_refuses_a_rejected_badge(approved, event):
    assert services.accreditation_check_in(accreditation=approved, by=None) is True
    assert services.accreditation_check_in(accreditation=approved, by=None) is False
    rejected = AccreditationFactory(event=event, status=Status.REJECTED)
    with pytest.raises(services.BadgeNotValid):
        services.accreditation_check_in(accreditation=rejected, by=None)


def test_badges_printed_before_lead_to_the_desk(desk, approved):
    old = reverse("press:checkin", kwargs={"token": approved.checkin_token})
    assert old == f"/presse/gestion/controle/{approved.checkin_token}/"
    response = desk.get(old)
    assert response.status_code == 302
    assert response["Location"] == f"{DESK}?code=PRESSE:{approved.checkin_token}"
    assert "Accréditation presse valide" in text(desk.get(response["Location"]))


def test_the_old_badge_link_needs_the_desk_permission(client, approved, moderator_client):
    old = reverse("press:checkin", kwargs={"token": approved.checkin_token})
    assert moderator_client.get(old).status_code == 403  # press office, not the desk
    client.logout()
    assert client.get(old)["Location"].startswith("/admin/login/")


def test_the_arrival_is_a_step_of_the_history_with_who_recorded_it(desk, approved,
                                                                    staff_user):
    desk.post(ARRIVE, {"code": f"PRESSE:{approved.checkin_token}"})
    desk.post(ARRIVE, {"code": f"PRESSE:{approved.checkin_token}"})  # scanned twice: one step
    arrival = approved.transitions.get(note="check-in")
    assert (arrival.from_status, arrival.to_status, arrival.by.username) == (
        Status.APPROVED, Status.APPROVED, "accueil")
    press_office = Client()
    press_office.force_login(staff_user)
    page = text(press_office.get(reverse("admin:press_accreditationrequest_change",
                                         args=[approved.pk])))
    assert "arrivée enregistrée à l'accueil" in page and "check-in" not in page


def test_anonymisation_keeps_the_arrival_and_erases_what_people_wrote(approved, event,
                                                                       staff_user, settings):
    services.accreditation_check_in(accreditation=approved, by=staff_user)
    asked = AccreditationFactory(event=event)
    services.accreditation_request_info(accreditation=asked, actor=staff_user,
                                        message="Quel sujet, Léa ?")
    later = event.date + dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 1)
    assert services.accreditation_purge_expired(today=later) == 2
    assert approved.transitions.last().note_label == "arrivée enregistrée à l'accueil"
    assert asked.transitions.last().note == ""
