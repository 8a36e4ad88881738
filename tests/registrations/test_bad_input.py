"""Bad input: a clear message on the form, nothing stored, never a 500."""

import datetime as dt
import html

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.models import Registration

from .conftest import links_in

pytestmark = pytest.mark.django_db
URL = reverse("registrations:register")


def post(client, capture, data, **extra):
    with capture(execute=True):
        return client.post(URL, data, **extra)


@pytest.mark.parametrize("overrides, field, message", [
    ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse e-mail valide"),
    ({"accessibility_needs": ["lsf"]}, "accessibility_consent",
     "Pour que nous enregistrions vos besoins d'accessibilité, cochez cette case"),
    ({"first_name": "x" * 10_000}, "first_name", "au plus 100 caractères"),
    ({"organisation": "x" * 10_000}, "organisation", "au plus 200 caractères"),
    ({"accessibility_details": "x" * 10_000}, "accessibility_details", "au plus 500 caractères"),
    ({"workshop": "999999"}, "workshop", "Cet atelier n'existe pas"),
    ({"workshop": "abc"}, "workshop", "Cet atelier n'existe pas"),
    ({"audience": "astronaute"}, "audience", "Sélectionnez un choix valide"),
    ({"accessibility_needs": ["jetpack"]}, "accessibility_needs", "Sélectionnez un choix valide"),
    ({"last_name": ""}, "last_name", "Ce champ est obligatoire."),
])
def test_invalid_submission_shows_error_and_stores_nothing(
    client, workshops, form_data, django_capture_on_commit_callbacks, overrides, field, message
):
    response = post(client, django_capture_on_commit_callbacks, form_data(**overrides))
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert 'id="error-summary"' in text and message in text
    assert f'href="#id_{field}' in text
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_workshop_of_another_event_is_refused(client, event, form_data,
                                              django_capture_on_commit_callbacks):
    from tests.factories import WorkshopFactory

    other = WorkshopFactory()
    response = post(client, django_capture_on_commit_callbacks, form_data(workshop=other.pk))
    assert "Cet atelier n'existe pas" in html.unescape(response.text)
    assert Registration.objects.count() == 0


def test_required_fields_are_marked(client, event):
    text = client.get(URL).text
    assert "Les champs marqués d'un astérisque (*) sont obligatoires." in html.unescape(text)
    assert text.count('class="asteriskField"') >= 4  # names, e-mail, audience
    assert 'href="/donnees-personnelles/"' in text or "donnees-personnelles" in text


def test_honeypot_pretends_success_and_stores_nothing(client, event, form_data,
                                                      django_capture_on_commit_callbacks):
    response = post(client, django_capture_on_commit_callbacks,
                    form_data(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "registrations:submitted")
    assert Registration.objects.count() == 0 and mail.outbox == []


def test_double_submit_creates_one_registration(client, event, form_data,
                                                django_capture_on_commit_callbacks):
    for _ in range(2):
        assert post(client, django_capture_on_commit_callbacks, form_data()).status_code == 302
    assert Registration.objects.count() == 1


def test_csrf_is_required(event, form_data):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, form_data())
    assert response.status_code == 403
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 5000, "%00", "'; DROP TABLE"])
def test_tampered_token_is_a_friendly_404(client, event, token):
    for name in ("confirm", "manage", "cancel"):
        response = client.get(reverse(f"registrations:{name}", kwargs={"token": token}))
        assert response.status_code == 404
        assert "Ce lien n'est pas valide" in html.unescape(response.text)
    response = client.post(reverse("registrations:confirm", kwargs={"token": "a" * 43}))
    assert response.status_code == 404


def test_expired_hold_gives_410_and_frees_the_seat(client, workshops, form_data,
                                                   django_capture_on_commit_callbacks):
    _, parents = workshops
    post(client, django_capture_on_commit_callbacks,
         form_data(email="slow@example.org", workshop=parents.pk))
    token = links_in(mail.outbox[-1])["confirmer"]
    later = timezone.now() + dt.timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        page = client.get(URL)
        assert "2 places restantes" in page.text  # the hold ran out: both seats are free again
        response = client.post(reverse("registrations:confirm", kwargs={"token": token}))
        assert response.status_code == 410
        assert "Ce lien a expiré" in html.unescape(response.text)
        registration = Registration.objects.get()
        assert registration.status == Registration.Status.EXPIRED
        assert registration.expired_at == later
        assert client.get(reverse("registrations:manage", kwargs={"token": token})
                          ).status_code == 410
        # The same address may register again.
        post(client, django_capture_on_commit_callbacks,
             form_data(email="slow@example.org", workshop=parents.pk))
        assert Registration.objects.filter(status=Registration.Status.PENDING).count() == 1


# The same mailbox, four ways (issue 12): composed accent, decomposed accent, the
# internationalised domain's punycode, full-width letters and capitals.
SAME_MAILBOX = [
    "awa@collège-exemple.fr",
    "awa@colle\u0300ge-exemple.fr",
    "awa@xn--collge-exemple-yjb.fr",
    "ＡＷＡ＠ＣＯＬＬÈＧＥ-ＥＸＥＭＰＬＥ．ＦＲ",
]


def test_one_mailbox_written_four_ways_is_one_registration(
    client, event, form_data, django_capture_on_commit_callbacks
):
    for email in SAME_MAILBOX:
        response = post(client, django_capture_on_commit_callbacks, form_data(email=email))
        assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.email == "awa@xn--collge-exemple-yjb.fr"
    # Each later submission sent the person's link again, to the one stored address.
    assert {tuple(message.to) for message in mail.outbox} == {(registration.email,)}


@pytest.mark.parametrize("field", ["first_name", "last_name", "organisation", "role",
                                   "accessibility_details"])
@pytest.mark.parametrize("character", ["\x1b", "\u202e", "\u200b", "\x00"])
def test_invisible_and_control_characters_are_refused(
    client, event, form_data, django_capture_on_commit_callbacks, field, character
):
    data = form_data(**{field: f"Awa{character}Traoré"})
    if field == "accessibility_details":
        data["accessibility_consent"] = "on"
    response = post(client, django_capture_on_commit_callbacks, data)
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert f'href="#id_{field}' in text
    assert Registration.objects.count() == 0 and mail.outbox == []


def test_multiline_details_keep_their_line_breaks(client, event, form_data,
                                                 django_capture_on_commit_callbacks):
    details = "Fauteuil roulant\r\nArrivée vers 9 h"
    post(client, django_capture_on_commit_callbacks,
         form_data(accessibility_details=details, accessibility_needs=["wheelchair"],
                   accessibility_consent="on"))
    assert Registration.objects.get().accessibility_details == details


def test_names_are_stored_composed(client, event, form_data, django_capture_on_commit_callbacks):
    post(client, django_capture_on_commit_callbacks,
         form_data(first_name="Zoe\u0301", last_name="Traore\u0301"))
    registration = Registration.objects.get()
    assert (registration.first_name, registration.last_name) == ("Zoé", "Traoré")


def test_the_service_stores_the_canonical_address_whoever_calls_it(event):
    """The unique index compares canonical addresses: the service makes them so itself (the
    admin and the tests call it without the public form)."""
    from registrations import services

    first, created = services.registration_create(
        event=event, first_name="Awa", last_name="Traoré", email="  Awa@Collège-Exemple.FR ",
        audience="parent")
    assert created
    assert Registration.objects.get(pk=first.pk).email == "awa@xn--collge-exemple-yjb.fr"
    again, created = services.registration_create(
        event=event, first_name="Awa", last_name="Traoré", email="awa@colle\u0300ge-exemple.fr",
        audience="parent")
    assert not created and again.pk == first.pk
    assert Registration.objects.count() == 1
