import datetime as dt
import html

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from colloque import ratelimit
from registrations.models import Registration

pytestmark = pytest.mark.django_db
URL = reverse("registrations:register")


def test_not_yet_open(client, event, form_data):
    event.registration_opens_at = timezone.now() + dt.timedelta(days=3)
    event.save()
    page = html.unescape(client.get(URL).text)
    assert "Les inscriptions ne sont pas encore ouvertes" in page
    assert 'action="/inscription/"' not in page
    client.post(URL, form_data())
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("change", [
    {"registrations_closed": True},
    {"registration_closes_at": timezone.now() - dt.timedelta(minutes=1),
     "registration_opens_at": timezone.now() - dt.timedelta(days=5)},
])
def test_closed_by_staff_or_by_date(client, event, form_data, change):
    for key, value in change.items():
        setattr(event, key, value)
    event.save()
    assert "Inscriptions closes." in client.get(URL).text
    response = client.post(URL, form_data())
    assert "Inscriptions closes." in response.text
    assert Registration.objects.count() == 0


def test_full_event_says_complet_and_waitlists(client, event, form_data,
                                               django_capture_on_commit_callbacks):
    from .factories import RegistrationFactory

    event.plenary_capacity = 1
    event.save()
    RegistrationFactory(event=event)
    page = client.get(URL).text
    assert "Complet." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data())
    registration = Registration.objects.get(email="awa@example.org")
    assert registration.event_waitlist_seq == 1


def test_rate_limit_per_address(client, event, form_data, settings,
                                django_capture_on_commit_callbacks):
    settings.REGISTRATION_RATE_LIMIT = "2/h"
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(URL, form_data(email=f"n{n}@example.org")).status_code == 302
    response = client.post(URL, form_data(email="n3@example.org"))
    assert response.status_code == 429
    assert "Trop d'inscriptions envoyées" in html.unescape(response.text)
    assert Registration.objects.count() == 2
    # Another address is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(URL, form_data(email="n4@example.org"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().post(URL, REMOTE_ADDR="10.0.0.1",
                                    HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "10.0.0.1"


def test_forwarded_for_behind_one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post(URL, REMOTE_ADDR="10.0.0.1",
                                    HTTP_X_FORWARDED_FOR="6.6.6.6, 5.6.7.8")
    # The address our proxy saw, not the one the client wrote.
    assert ratelimit.client_ip(request) == "5.6.7.8"


@pytest.mark.parametrize("rate, expected", [("10/h", (10, 3600)), ("5/m", (5, 60)),
                                            ("off", None), ("3/10s", (3, 10))])
def test_parse_rate(rate, expected):
    assert ratelimit.parse_rate(rate) == expected


def test_a_form_sent_without_its_csrf_cookie_gets_a_page_of_the_site(event, form_data):
    """Cookies blocked, or a form left open too long: a French page that says what to do,
    not Django's bare « Interdit (403) »; nothing stored."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("registrations:register"),
                                                     form_data())
    assert response.status_code == 403
    text = " ".join(response.content.decode().split())
    assert "Votre envoi n'a pas pu être accepté" in text
    assert "Rechargez la page du formulaire" in text
    assert not Registration.objects.exists()
