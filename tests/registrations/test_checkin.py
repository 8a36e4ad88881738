"""The welcome desk on the day: scan a ticket (or type a reference, a name, an e-mail), see who
it is and whether they get in, record the arrival once with one tap."""

import datetime as dt
import html
import re
from urllib.parse import urlsplit

import pytest
import segno
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from registrations.models import Registration
from registrations.selectors import desk_counters
from registrations.tickets import ticket_payload, ticket_qr_svg, ticket_url
from tests.factories import EventFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
URL = reverse("registrations:checkin")
ARRIVE = reverse("registrations:checkin-arrive")
FIELD_RE = re.compile(r'<input[^>]*\bid="id_code"[^>]*>')


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page's text as read on screen, without its tags."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def field_value(response) -> str:
    """What the desk's field holds when the page comes back (what a scan is appended to)."""
    field = FIELD_RE.search(response.content.decode()).group(0)
    value = re.search(r'\bvalue="([^"]*)"', field)
    return html.unescape(value.group(1)) if value else ""


def past_event():
    """A former edition (the current one is the next to come)."""
    return EventFactory(date=timezone.localdate() - dt.timedelta(days=400),
                        registration_opens_at=timezone.now() - dt.timedelta(days=500))


def scan(client, previous_response, typed: str):
    """A scanner types `typed` into the field as the previous page left it, then Enter."""
    return client.get(URL, {"code": field_value(previous_response) + typed})


@pytest.fixture
def desk_user(django_user_model):
    """A member of the « Accueil » group, as the people at the door are."""
    user = django_user_model.objects.create_user("accueil", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Accueil"))
    return user


@pytest.fixture
def desk(client, desk_user):
    client.force_login(desk_user)
    return client


# Who may use the desk


def test_anonymous_visitors_are_sent_to_the_login_then_back_to_the_ticket(client, desk_user,
                                                                          demo_event):
    registration = RegistrationFactory(event=demo_event)
    path = urlsplit(ticket_url(registration))
    camera_link = f"{path.path}?{path.query}"
    response = client.get(camera_link)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login_page = client.get(response["Location"])
    next_url = login_page.context["next"]
    assert next_url == camera_link
    client.force_login(desk_user)
    assert registration.last_name in text(client.get(next_url))


def test_staff_without_the_desk_permission_get_403(client, django_user_model, demo_event):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_registration"))
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(ARRIVE, {"code": "X"}).status_code == 403


def test_the_accueil_group_records_arrivals_but_cannot_change_a_registration(desk, demo_event):
    registration = RegistrationFactory(event=demo_event)
    assert desk.get(URL).status_code == 200
    response = desk.post(ARRIVE, {"code": registration.reference}, follow=True)
    assert f"Bienvenue, {registration.full_name} ! Arrivée enregistrée." in text(response)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    change = reverse("admin:registrations_registration_change", args=[registration.pk])
    assert desk.get(change).status_code == 403


def test_recording_an_arrival_needs_a_post_with_the_csrf_token(desk_user, demo_event):
    registration = RegistrationFactory(event=demo_event)
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_user)
    client.get(URL, {"code": registration.reference, "arrive": "1"})
    assert client.get(ARRIVE).status_code == 405
    assert client.post(ARRIVE, {"code": registration.reference}).status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    page = client.get(URL, {"code": registration.reference})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    client.post(ARRIVE, {"code": registration.reference, "csrfmiddlewaretoken": token.group(1)})
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


# Scanning


def test_scanning_a_ticket_shows_the_person_and_records_the_arrival_once(desk, demo_event):
    workshop = demo_event.sessions.workshops().first()
    registration = RegistrationFactory(event=demo_event, workshop=workshop,
                                       accessibility_needs=["wheelchair"])
    page = text(desk.get(URL, {"code": ticket_payload(registration)}))
    assert "Inscription confirmée" in page
    assert registration.last_name in page and workshop.title in page
    assert "Accès en fauteuil roulant" in page
    # On a phone the verdict and the button come before the details.
    main = page[page.index('role="status"'):]
    assert main.index("Enregistrer l'arrivée") < main.index("Besoins d'accessibilité")

    response = desk.post(ARRIVE, {"code": registration.reference})
    assert response.status_code == 302 and response["Location"] == URL
    page = text(desk.get(response["Location"]))
    assert f"Bienvenue, {registration.full_name} ! Arrivée enregistrée. Atelier : " in page
    registration.refresh_from_db()
    first_arrival = registration.checked_in_at
    assert first_arrival is not None
    assert registration.transitions.filter(note="check-in").count() == 1

    local = timezone.localtime(first_arrival)
    page = text(desk.get(URL, {"code": ticket_payload(registration)}))
    assert f"Déjà arrivé·e à {local.hour}h{local.minute:02d}" in page
    assert "Enregistrer l'arrivée" not in page
    page = text(desk.post(ARRIVE, {"code": registration.reference}, follow=True))
    assert f"{registration.full_name} : déjà arrivé·e à {local.hour}h{local.minute:02d}" in page
    registration.refresh_from_db()
    assert registration.checked_in_at == first_arrival


def test_the_field_is_empty_after_a_scan_so_the_next_scan_reads_the_next_ticket(desk,
                                                                                 demo_event):
    """The defect: the previous code stayed in the field and the next scan was appended to
    it, so a valid ticket read « Billet inconnu »."""
    first, second = RegistrationFactory.create_batch(2, event=demo_event)
    response = scan(desk, desk.get(URL), ticket_payload(first))
    assert first.last_name in text(response)
    assert field_value(response) == ""
    assert re.search(r"\bautofocus\b", FIELD_RE.search(response.content.decode()).group(0))

    response = scan(desk, response, ticket_payload(second))
    assert response.status_code == 200
    assert second.last_name in text(response) and "Billet inconnu" not in text(response)
    assert field_value(response) == ""

    desk.post(ARRIVE, {"code": second.reference})
    response = desk.get(URL)
    assert field_value(response) == ""
    assert first.last_name in text(scan(desk, response, first.reference))


def test_a_get_never_records_an_arrival(desk, demo_event):
    registration = RegistrationFactory(event=demo_event)
    desk.get(URL, {"code": ticket_payload(registration), "arrive": "1"})
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_the_qr_code_holds_the_desk_link_and_the_camera_opens_the_person(desk, settings,
                                                                         demo_event):
    registration = RegistrationFactory(event=demo_event)
    link = ticket_url(registration)
    assert link.startswith(f"{settings.SITE_URL}/inscription/accueil/?code=COLLOQUE:")
    assert registration.first_name not in link and registration.email not in link
    assert ticket_qr_svg(registration) == segno.make(link, error="m").svg_inline(
        scale=5, border=4, omitsize=True)
    parts = urlsplit(link)
    response = desk.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200 and registration.last_name in text(response)


def test_a_tampered_signature_is_refused(desk, demo_event):
    registration = RegistrationFactory(event=demo_event)
    parts = urlsplit(ticket_url(registration))
    forged = f"{parts.path}?{parts.query[:-3]}xyz"
    response = desk.get(forged)
    assert response.status_code == 404
    assert "Billet inconnu" in text(response) and registration.last_name not in text(response)
    response = desk.get(URL, {"code": f"COLLOQUE:{registration.reference}:forged"})
    assert response.status_code == 404 and registration.last_name not in text(response)
    desk.post(ARRIVE, {"code": f"COLLOQUE:{registration.reference}:forged"})
    registration.refresh_from_db()
    assert registration.checked_in_at is None


@pytest.mark.parametrize("kind", ["link", "bare", "reference", "lower-case reference"])
def test_the_field_takes_the_link_the_bare_code_or_a_reference(desk, demo_event, kind):
    registration = RegistrationFactory(event=demo_event)
    typed = {"link": ticket_url(registration), "bare": ticket_payload(registration),
             "reference": registration.reference,
             "lower-case reference": f"  {registration.reference.lower()} "}[kind]
    response = desk.get(URL, {"code": typed})
    assert response.status_code == 200
    assert "Inscription confirmée" in text(response) and registration.last_name in text(response)


def test_a_ticket_of_another_edition_is_unknown(desk, demo_event):
    registration = RegistrationFactory(event=past_event())
    assert desk.get(URL, {"code": ticket_payload(registration)}).status_code == 404


@pytest.mark.parametrize(("status", "expired", "warning"), [
    (Registration.Status.CANCELLED, False, "Inscription annulée"),
    (Registration.Status.PENDING, False, "Inscription non confirmée"),
    (Registration.Status.PENDING, True, "Inscription expirée"),
    (Registration.Status.EXPIRED, True, "Inscription expirée"),
    (Registration.Status.WAITLISTED, False, "Sur liste d'attente"),
])
def test_people_without_a_seat_are_told_in_words_and_not_recorded(desk, demo_event, status,
                                                                  expired, warning):
    hold = timezone.now() + dt.timedelta(minutes=-5 if expired else 30)
    registration = RegistrationFactory(event=demo_event, status=status, hold_expires_at=hold)
    page = text(desk.get(URL, {"code": ticket_payload(registration)}))
    assert warning in page and registration.last_name in page
    assert "Enregistrer l'arrivée" not in page
    page = text(desk.post(ARRIVE, {"code": registration.reference}, follow=True))
    assert "arrivée non enregistrée" in page
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# Searching by name or e-mail


def test_search_by_name_lists_the_people_with_a_link_to_each(desk, demo_event):
    workshop = demo_event.sessions.workshops().first()
    awa = RegistrationFactory(event=demo_event, first_name="Awa", last_name="Traoré",
                              organisation="Collège Jean-Jaurès", workshop=workshop)
    cancelled = RegistrationFactory(event=demo_event, first_name="Awa", last_name="Diallo",
                                    status=Registration.Status.CANCELLED)
    RegistrationFactory(event=demo_event, first_name="Paul", last_name="Durand")
    RegistrationFactory(event=past_event(), first_name="Awa", last_name="Autre-Édition")

    response = desk.get(URL, {"code": "awa"})
    page = text(response)
    assert "2 inscriptions pour « awa »" in page
    assert "Awa Traoré" in page and "Collège Jean-Jaurès" in page and workshop.title in page
    assert "Awa Diallo" in page and "Annulée" in page
    assert "Durand" not in page and "Autre-Édition" not in page
    assert field_value(response) == ""

    link = f'href="{URL}?code={awa.reference}"'
    assert link in response.content.decode()
    opened = text(desk.get(URL, {"code": awa.reference}))
    assert "Inscription confirmée" in opened and "Enregistrer l'arrivée" in opened
    assert f'href="{URL}?code={cancelled.reference}"' in response.content.decode()


def test_search_by_email_and_by_first_and_last_name(desk, demo_event):
    person = RegistrationFactory(event=demo_event, first_name="Camille", last_name="Lefèvre",
                                 email="c.lefevre@paris.fr")
    RegistrationFactory(event=demo_event, first_name="Camille", last_name="Petit")
    page = text(desk.get(URL, {"code": "C.LEFEVRE@paris.fr"}))
    assert "1 inscription pour" in page and "Camille Lefèvre" in page
    page = text(desk.get(URL, {"code": "camille lefèvre"}))
    assert "Camille Lefèvre" in page and "Petit" not in page
    assert person.reference in desk.get(URL, {"code": "camille"}).content.decode()


def test_search_ignores_accents_and_case_as_people_type_names(desk, demo_event):
    RegistrationFactory(event=demo_event, first_name="Hélène", last_name="Lefèvre-Œuvray")
    RegistrationFactory(event=demo_event, first_name="Helen", last_name="Petit")
    for typed in ("helene lefevre", "HÉLÈNE", "Lefevre-Oeuvray", "hélène œuvray"):
        page = text(desk.get(URL, {"code": typed}))
        assert "Hélène Lefèvre-Œuvray" in page and "Petit" not in page, typed


def test_a_search_without_match_says_so(desk, demo_event):
    response = desk.get(URL, {"code": "Personne Inconnue"})
    assert response.status_code == 404
    assert "Aucune inscription ne correspond à « Personne Inconnue »" in text(response)


def test_a_long_search_lists_twenty_and_asks_to_narrow(desk, demo_event):
    RegistrationFactory.create_batch(22, event=demo_event, first_name="Dominique")
    page = text(desk.get(URL, {"code": "dominique"}))
    assert "20 inscriptions pour" in page and "précisez le nom" in page


# Counters


def test_counters_match_the_database(desk, demo_event):
    first, second = demo_event.sessions.workshops()[:2]
    arrived = RegistrationFactory.create_batch(2, event=demo_event, workshop=first)
    RegistrationFactory(event=demo_event, workshop=first)
    RegistrationFactory(event=demo_event, workshop=second)
    RegistrationFactory(event=demo_event, workshop=second, workshop_waitlist_seq=1)
    RegistrationFactory(event=demo_event)
    RegistrationFactory(event=demo_event, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=demo_event, status=Registration.Status.WAITLISTED)
    for registration in arrived:
        desk.post(ARRIVE, {"code": registration.reference})

    counters = desk_counters(demo_event)
    confirmed = Registration.objects.filter(event=demo_event, status="confirmed")
    assert counters["day"] == {"expected": confirmed.count(),
                               "present": confirmed.filter(checked_in_at__isnull=False).count()}
    assert counters["day"] == {"expected": 6, "present": 2}
    by_workshop = {row["session"]: (row["present"], row["expected"])
                   for row in counters["workshops"]}
    assert by_workshop[first] == (2, 3) and by_workshop[second] == (0, 1)

    assert "2 présent·es sur 6 attendu·es" in words(desk.get(URL))
    fragment = words(desk.get(reverse("registrations:checkin-counters")))
    assert "2 présent·es sur 6 attendu·es" in fragment and first.title in fragment


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
