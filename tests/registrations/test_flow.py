"""The whole public flow over HTTP, reading the e-mails like the person would."""

import html
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from registrations import seats, services
from registrations.models import Registration
from registrations.tickets import ticket_reference_from_payload

from .conftest import last_mail_to, links_in

pytestmark = pytest.mark.django_db


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def register(client, capture, data):
    with capture(execute=True):
        return client.post(reverse("registrations:register"), data)


def register_and_confirm(client, capture, data, **post):
    """Submit the form, then confirm through the link of the e-mail; the confirmation's
    response (`post`: extra arguments, e.g. follow=True)."""
    register(client, capture, data)
    token = links_in(last_mail_to(data["email"]))["confirmer"]
    with capture(execute=True):
        return client.post(reverse("registrations:confirm", kwargs={"token": token}), **post)


def test_register_confirm_manage_change_cancel(client, workshops, form_data,
                                               django_capture_on_commit_callbacks):
    secteurs, parents = workshops
    page = client.get(reverse("registrations:register"))
    assert page.status_code == 200
    assert "Secteurs multi-collèges" in page.text and "30 places restantes" in page.text
    assert "Je ne participerai pas à un atelier" in page.text

    response = register(client, django_capture_on_commit_callbacks,
                        form_data(workshop=secteurs.pk, accessibility_needs=["lsf"],
                                  accessibility_consent="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:submitted")
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.PENDING
    assert registration.accessibility_needs == ["lsf"]

    request_mail = last_mail_to("awa@example.org")
    assert "Confirmez votre inscription" in request_mail.subject
    assert request_mail.alternatives and request_mail.alternatives[0].mimetype == "text/html"
    # The deadline with its day: the message may be read later, or around midnight.
    deadline = timezone.localtime(registration.hold_expires_at)
    assert (f"ouvrez ce lien avant le {date_format(deadline, 'l j F Y')} à "
            f"{deadline.hour}h{deadline.minute:02d}") in " ".join(request_mail.body.split())
    token = links_in(request_mail)["confirmer"]

    confirm_url = reverse("registrations:confirm", kwargs={"token": token})
    assert client.get(confirm_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_at is not None

    ticket_mail = last_mail_to("awa@example.org")
    assert ticket_mail.subject.startswith("Votre inscription est confirmée")
    assert "Secteurs multi-collèges" in ticket_mail.body
    names = {name: (content, mime) for name, content, mime in ticket_mail.attachments}
    png = names[f"billet-{registration.reference}.png"]
    assert png[0].startswith(b"\x89PNG") and png[1] == "image/png"
    ics = next(content for name, (content, mime) in names.items() if name.endswith(".ics"))
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and "Secteurs multi-collèges" in ics
    manage_token = links_in(ticket_mail)["gerer"]
    manage_url = reverse("registrations:manage", kwargs={"token": manage_token})

    page = client.get(manage_url)
    assert page.status_code == 200
    assert "Inscription confirmée" in page.text and "<svg" in page.text
    assert registration.reference in page.text
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:change-workshop",
                                       kwargs={"token": manage_token}), {"workshop": parents.pk})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.workshop == parents and registration.has_workshop_seat
    change_mail = last_mail_to("awa@example.org")
    assert change_mail.subject.startswith("Votre choix d'atelier est enregistré")
    assert "Atelier de l'après-midi : Parents et mixité" in change_mail.body
    ics = next(content for name, content, _ in change_mail.attachments if name.endswith(".ics"))
    assert "Parents et mixité" in (ics.decode() if isinstance(ics, bytes) else ics)
    assert links_in(change_mail)["gerer"] == manage_token  # the link in use still works

    cancel_url = reverse("registrations:cancel", kwargs={"token": manage_token})
    assert "Oui, annuler" in client.get(cancel_url).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_url)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.cancelled_at is not None
    assert "annulée" in last_mail_to("awa@example.org").subject
    assert "Merci de nous avoir prévenu" in " ".join(last_mail_to("awa@example.org").body.split())
    assert "Cette inscription est annulée" in client.get(manage_url).text


def test_manage_page_offers_a_full_workshops_waiting_list(client, workshops, form_data,
                                                         django_capture_on_commit_callbacks):
    secteurs, parents = workshops
    for n in (1, 2):  # the two seats of the small workshop
        taken, _ = services.registration_create(
            event=parents.event, first_name="P", last_name=str(n), email=f"p{n}@example.org",
            audience="other", workshop_id=parents.pk)
        services.registration_confirm(registration=taken)
    register_and_confirm(client, django_capture_on_commit_callbacks,
                         form_data(workshop=secteurs.pk))
    manage_token = links_in(last_mail_to("awa@example.org"))["gerer"]
    manage_url = reverse("registrations:manage", kwargs={"token": manage_token})
    page = html.unescape(client.get(manage_url).text)
    assert "rejoignez sa liste d'attente" in page
    assert "complet : inscription sur liste d'attente" in page  # the full workshop's label

    response = client.post(
        reverse("registrations:change-workshop", kwargs={"token": manage_token}),
        {"workshop": parents.pk}, follow=True)
    assert "vous êtes sur sa liste d'attente (position 1)" in html.unescape(response.text)
    registration = Registration.objects.get(email="awa@example.org")
    assert registration.workshop == parents and registration.on_workshop_waitlist
    assert registration.has_day_seat  # the day ticket stays
    holding = Registration.objects.filter(seats.HOLDS_WORKSHOP.q(timezone.now()))
    assert secteurs.pk not in [r.workshop_id for r in holding]


def test_ticket_qr_payload_is_signed_reference(client, event, form_data,
                                               django_capture_on_commit_callbacks):
    register_and_confirm(client, django_capture_on_commit_callbacks, form_data())
    registration = Registration.objects.get()
    from registrations.tickets import ticket_payload

    payload = ticket_payload(registration)
    assert "Traoré" not in payload and "awa" not in payload
    assert ticket_reference_from_payload(payload) == registration.reference
    assert ticket_reference_from_payload(payload[:-2] + "xx") is None


def test_english_registration_gets_english_links_and_language(
    client, event, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/inscription/", form_data())
    assert response.status_code == 302
    assert Registration.objects.get().language == "en"
    message = mail.outbox[-1]
    assert "/en/inscription/confirmer/" in message.body
    assert "Your seat is held until then" in message.body  # no workshop: one seat
    deadline = timezone.localtime(Registration.objects.get().hold_expires_at)
    with translation.override("en"):
        day = date_format(deadline, "l j F Y")
    assert (f"open this link before {day} at {deadline.hour}:{deadline.minute:02d}:"
            in " ".join(message.body.split()))

    token = links_in(message)["confirmer"]
    event.title_en = "Social mix in middle schools"
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/inscription/confirmer/{token}/")
    ticket = mail.outbox[-1]
    ics = next(content for name, content, _ in ticket.attachments if name.endswith(".ics"))
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "SUMMARY:Social mix in middle schools" in ics  # the calendar in their language
    assert "BEGIN:VTIMEZONE" in ics and "TZID=Europe/Paris" in ics
    assert "Reference: " in ticket.body
    assert "http://testserver/en/pages/infos-pratiques/" in ticket.body.replace(
        settings.SITE_URL, "http://testserver")


def test_same_email_twice_sends_link_again_and_creates_nothing(
    client, event, form_data, django_capture_on_commit_callbacks
):
    first = register(client, django_capture_on_commit_callbacks, form_data())
    second = register(client, django_capture_on_commit_callbacks,
                      form_data(email="AWA@example.org", first_name="Autre"))
    assert first["Location"] == second["Location"]
    assert without_csrf(client.get(second["Location"]).text) == without_csrf(
        client.get(first["Location"]).text
    )
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 2
    again = mail.outbox[-1]
    assert "Votre lien d'inscription" in again.subject
    assert "les informations envoyées cette fois n'ont pas été enregistrées" in again.body
    # The same link again: whoever typed the address cannot cancel the one in use.
    assert links_in(again)["confirmer"] == links_in(mail.outbox[0])["confirmer"]
    assert client.get(reverse("registrations:confirm", kwargs={
        "token": links_in(mail.outbox[0])["confirmer"]})).status_code == 200


def test_known_confirmed_address_gets_manage_link(client, event, form_data,
                                                  django_capture_on_commit_callbacks):
    register_and_confirm(client, django_capture_on_commit_callbacks, form_data())
    register(client, django_capture_on_commit_callbacks, form_data())
    assert Registration.objects.count() == 1
    again = mail.outbox[-1]
    assert "gerer" in links_in(again)
    assert "déjà" in again.body


def test_full_workshop_offers_waiting_list_with_position(
    client, workshops, form_data, django_capture_on_commit_callbacks
):
    _, parents = workshops
    tokens = []
    for n in range(4):
        register(client, django_capture_on_commit_callbacks,
                 form_data(email=f"p{n}@example.org", workshop=parents.pk))
        tokens.append(links_in(mail.outbox[-1])["confirmer"])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("registrations:confirm", kwargs={"token": tokens[-1]}))
    page = client.get(reverse("registrations:register"))
    assert "complet : inscription sur liste d'attente" in html.unescape(page.text)
    fourth = last_mail_to("p3@example.org")
    assert "liste d'attente, en position 2" in fourth.body
    manage = client.get(reverse("registrations:manage",
                                kwargs={"token": links_in(fourth)["gerer"]}))
    assert "en position 2" in manage.text

    # The first seated person cancels: p2 (first in line) gets the seat and an e-mail.
    first_manage = links_in(last_mail_to("p0@example.org"))["gerer"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registrations:cancel", kwargs={"token": first_manage}))
    promoted = Registration.objects.get(email="p2@example.org")
    assert promoted.has_workshop_seat and promoted.promoted_at is not None
    message = last_mail_to("p2@example.org")
    assert "Une place s'est libérée" in message.subject
    assert "Parents et mixité" in message.body
    assert Registration.objects.get(email="p3@example.org").workshop_waitlist_seq is not None
    manage = client.get(reverse("registrations:manage",
                                kwargs={"token": links_in(fourth)["gerer"]}))
    assert "en position 1" in manage.text


def test_workshop_page_link_preselects_the_workshop(client, workshops):
    page = client.get(reverse("registrations:register") + "?atelier=parents")
    assert re.search(rf'value="{workshops[1].pk}"[^>]*checked', page.text)
    assert client.get(reverse("registrations:register") + "?atelier=inconnu").status_code == 200


def test_home_and_programme_say_complet_when_the_room_is_full(client, event, form_data,
                                                               django_capture_on_commit_callbacks):
    event.plenary_capacity = 1
    event.save()
    register(client, django_capture_on_commit_callbacks, form_data())
    for name in ("program:home", "program:programme"):
        assert "Complet" in client.get(reverse(name)).text
    event.registrations_closed = True
    event.save()
    for name in ("program:home", "program:programme"):
        assert "Inscriptions closes" in client.get(reverse(name)).text


def test_change_to_a_workshop_whose_seats_just_freed_sends_one_mail_with_a_working_link(
        client, event, django_capture_on_commit_callbacks):
    """Seats freed by holds that ran out go in order at the change: the person who moves
    behind those already waiting may get one at once, and hears it once, with their link."""
    import datetime as dt

    from django.utils import timezone

    from registrations.models import hash_token, link_token
    from tests.factories import WorkshopFactory

    from .factories import RegistrationFactory

    small = WorkshopFactory(event=event, capacity=3, slug="petit")
    other = WorkshopFactory(event=event, capacity=30, slug="grand")
    RegistrationFactory(event=event, workshop=small)
    for _ in range(2):  # holds that ran out: two seats free, the worker has not passed yet
        RegistrationFactory(event=event, workshop=small, status=Registration.Status.PENDING,
                            confirmed_at=None,
                            hold_expires_at=timezone.now() - dt.timedelta(seconds=5))
    already_waiting = RegistrationFactory(event=event, workshop=small, workshop_waitlist_seq=1)
    mover = RegistrationFactory(event=event, workshop=other, email="mover@example.org")
    token = link_token(mover.reference)
    Registration.objects.filter(pk=mover.pk).update(token_hash=hash_token(token))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:change-workshop",
                                       kwargs={"token": token}),
                               {"workshop": small.pk}, follow=True)
    mover.refresh_from_db()
    assert mover.has_workshop_seat and mover.workshop == small
    assert Registration.objects.get(pk=already_waiting.pk).has_workshop_seat  # served first
    assert "Votre choix d'atelier est enregistré" in html.unescape(response.text)
    to_mover = [m for m in mail.outbox if m.to == ["mover@example.org"]]
    assert len(to_mover) == 1
    assert links_in(to_mover[0])["gerer"] == token
    assert client.get(reverse("registrations:manage", kwargs={"token": token})
                      ).status_code == 200


def test_workshop_title_with_its_own_quotes_is_not_nested_the_same_way(
        client, event, form_data, django_capture_on_commit_callbacks):
    from tests.factories import WorkshopFactory

    quoted = WorkshopFactory(event=event, title="Atelier 2 — « Tous Mobilisés » : accueillir",
                             capacity=10)
    response = register_and_confirm(client, django_capture_on_commit_callbacks,
                                    form_data(workshop=quoted.pk), follow=True)
    assert "« Atelier 2 — “Tous Mobilisés” : accueillir »" in html.unescape(response.text)


def test_a_promotion_keeps_the_link_the_person_is_using(client, event, form_data,
                                                       django_capture_on_commit_callbacks):
    """Waiting, then promoted when someone cancels: the e-mail gives the same link, and the
    one in use (page, earlier e-mails, calendar) keeps working."""
    event.plenary_capacity = 1
    event.save()
    register_and_confirm(client, django_capture_on_commit_callbacks,
                         form_data(email="first@example.org"))
    register_and_confirm(client, django_capture_on_commit_callbacks,
                         form_data(email="awa@example.org"))
    waiting_mail = last_mail_to("awa@example.org")
    waiting_link = links_in(waiting_mail)["gerer"]
    assert "liste d'attente" in waiting_mail.subject
    assert "Pour suivre votre inscription" in waiting_mail.body  # no ticket yet
    assert "votre billet, changer" not in waiting_mail.body

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(
            registration=Registration.objects.get(email="first@example.org"))
    promoted = last_mail_to("awa@example.org")
    assert "Une place s'est libérée" in promoted.subject
    assert links_in(promoted)["gerer"] == waiting_link
    assert "Pour voir votre billet" in promoted.body
    page = client.get(reverse("registrations:manage", kwargs={"token": waiting_link}))
    assert page.status_code == 200 and "Inscription confirmée pour la journée" in page.text
