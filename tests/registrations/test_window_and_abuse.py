import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from registrations import seats
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


# Rate limits and caps as in production (the test settings turn them off).
PRODUCTION_LIMITS = {"REGISTRATION_RATE_LIMIT": "60/h", "REGISTRATION_EMAIL_RATE_LIMIT": "5/h",
                     "REGISTRATION_HOLDS_PER_NETWORK": 20, "REGISTRATION_HOLDS_PER_DOMAIN": 30}
OFFICE = "203.0.113.40"  # one address for a whole city office or school


@pytest.fixture
def production_limits(settings):
    for name, value in PRODUCTION_LIMITS.items():
        setattr(settings, name, value)


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def submit(client, form_data, capture, address=OFFICE, headers=None, **overrides):
    with capture(execute=True):
        return client.post(URL, form_data(**overrides), REMOTE_ADDR=address, **(headers or {}))


def confirm_by_mail(client, email):
    from .conftest import last_mail_to, links_in

    token = links_in(last_mail_to(email))["confirmer"]
    client.post(reverse("registrations:confirm", kwargs={"token": token}))


def test_an_office_of_fifty_behind_one_address_registers_within_the_hour(
        client, event, form_data, production_limits, django_capture_on_commit_callbacks):
    """Fifty colleagues, one address, one mail domain, each registering and confirming in
    turn: all are registered. The limit is on the network's successful submissions: the
    61st of the hour is refused, with the time to wait, on the form it filled in."""
    event.plenary_capacity = 100
    event.save()
    top_of_the_hour = timezone.now().replace(minute=0, second=0) + dt.timedelta(hours=1)
    with time_machine.travel(top_of_the_hour, tick=False) as clock:
        for n in range(60):
            email = f"agent{n}@college-jaures.fr"
            response = submit(client, form_data, django_capture_on_commit_callbacks,
                              email=email)
            assert response.status_code == 302, n
            confirm_by_mail(client, email)
            clock.shift(dt.timedelta(seconds=50))  # 50 minutes for the sixty of them
        assert Registration.objects.filter(status="confirmed").count() == 60
        refused = submit(client, form_data, django_capture_on_commit_callbacks,
                         email="agent60@college-jaures.fr", last_name="Soixante-et-un")
    assert refused.status_code == 429
    page = page_of(refused)
    # The window slides on two buckets: the sixty of this hour's weigh 60 × (1 − t) in the
    # next one, room for one more from one minute past it.
    assert "Trop de demandes depuis votre réseau. Réessayez dans 11 minutes." in page
    assert refused["Retry-After"] == "660"
    assert 'value="Soixante-et-un"' in page and 'value="agent60@college-jaures.fr"' in page
    assert Registration.objects.count() == 60
    other_office = submit(client, form_data, django_capture_on_commit_callbacks,
                          address="198.51.100.7", email="voisin@example.org")
    assert other_office.status_code == 302


def test_a_form_with_errors_costs_nothing(client, event, form_data, settings,
                                         django_capture_on_commit_callbacks):
    settings.REGISTRATION_RATE_LIMIT = "2/h"
    for _ in range(5):
        assert submit(client, form_data, django_capture_on_commit_callbacks,
                      last_name="").status_code == 200
    for n in range(2):
        assert submit(client, form_data, django_capture_on_commit_callbacks,
                      email=f"n{n}@example.org").status_code == 302
    assert submit(client, form_data, django_capture_on_commit_callbacks,
                  email="n2@example.org").status_code == 429


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(
        client, event, form_data, settings, django_capture_on_commit_callbacks):
    """Production trusts one proxy (the PaaS router). A client that reaches gunicorn directly
    cannot escape its limit by writing X-Forwarded-For; behind the router, each client's own
    address counts."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REGISTRATION_RATE_LIMIT = "2/h"
    answers = [submit(client, form_data, django_capture_on_commit_callbacks,
                      address="203.0.113.9", email=f"f{n}@example.org",
                      headers={"HTTP_X_FORWARDED_FOR": f"198.51.{n}.1"}) for n in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    behind_router = [submit(client, form_data, django_capture_on_commit_callbacks,
                            address="10.0.0.2", email=f"r{n}@example.org",
                            headers={"HTTP_X_FORWARDED_FOR": f"198.51.{n}.1"}) for n in range(3)]
    assert [a.status_code for a in behind_router] == [302, 302, 302]


def test_an_e_mail_address_is_limited_whatever_the_network(
        client, event, form_data, production_limits, django_capture_on_commit_callbacks):
    answers = [submit(client, form_data, django_capture_on_commit_callbacks,
                      address=f"198.51.{n}.1") for n in range(6)]
    assert [a.status_code for a in answers] == [302] * 5 + [429]
    assert "Trop de demandes pour cette adresse e-mail. Réessayez dans" in page_of(answers[-1])


def test_a_known_address_gets_its_link_again_at_most_once_in_ten_minutes(
        client, event, form_data, django_capture_on_commit_callbacks):
    """Nobody can fill someone's mailbox through the form: the first submission sends the
    confirmation link, the next one the link again, then nothing for ten minutes."""
    from django.core import mail

    for _ in range(4):
        assert submit(client, form_data, django_capture_on_commit_callbacks).status_code == 302
    assert len(mail.outbox) == 2
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        submit(client, form_data, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert Registration.objects.count() == 1


# Seat hoarding --------------------------------------------------------------------------------

@pytest.fixture
def small_caps(settings):
    settings.REGISTRATION_HOLDS_PER_NETWORK = 3
    settings.REGISTRATION_HOLDS_PER_DOMAIN = 4


def test_one_network_cannot_hold_more_than_its_cap_of_unconfirmed_seats(
        client, event, form_data, small_caps, django_capture_on_commit_callbacks):
    """A few hundred throwaway submissions from one network hold three seats, not the room."""
    event.plenary_capacity = 10
    event.save()
    answers = [submit(client, form_data, django_capture_on_commit_callbacks,
                      email=f"jetable{n}@gmail.com") for n in range(100)]
    assert [a.status_code for a in answers[:3]] == [302] * 3
    assert {a.status_code for a in answers[3:]} == {429}
    page = page_of(answers[3])
    assert "Trop d'inscriptions envoyées depuis votre réseau attendent encore leur " \
           "confirmation" in page
    assert "Réessayez dans 15 minutes." in page
    assert 'value="jetable3@gmail.com"' in page
    assert Registration.objects.filter(seats.HOLDS_DAY.q(timezone.now())).count() == 3
    # The others still find seats: seven are left.
    assert submit(client, form_data, django_capture_on_commit_callbacks,
                  address="198.51.100.7", email="parent@example.org").status_code == 302
    assert Registration.objects.get(email="parent@example.org").event_waitlist_seq is None
    assert Registration.objects.filter(seats.HOLDS_DAY.q(timezone.now())).count() == 4
    # A confirmation frees a place under the cap, at once.
    confirm_by_mail(client, "jetable0@gmail.com")
    assert submit(client, form_data, django_capture_on_commit_callbacks,
                  email="collegue@gmail.com").status_code == 302


def test_one_mail_domain_cannot_hold_more_than_its_cap_from_many_networks(
        client, event, form_data, small_caps, django_capture_on_commit_callbacks):
    answers = [submit(client, form_data, django_capture_on_commit_callbacks,
                      address=f"198.51.{n}.1", email=f"x{n}@sub{n}.jetable.example")
               for n in range(6)]
    assert [a.status_code for a in answers] == [302] * 4 + [429] * 2
    assert "Trop d'inscriptions avec une adresse « @jetable.example » attendent encore leur " \
           "confirmation" in page_of(answers[4])
    # A public webmail has no domain cap: thousands of unrelated people share it.
    webmail = [submit(client, form_data, django_capture_on_commit_callbacks,
                      address=f"192.0.{n}.1", email=f"y{n}@orange.fr") for n in range(6)]
    assert {a.status_code for a in webmail} == {302}


@pytest.mark.parametrize("domain", ["ac-paris.fr", "ac-creteil.fr", "paris.fr",
                                    "education.gouv.fr", "u-paris.fr"])
def test_the_audiences_institutions_have_no_domain_cap(
        client, event, form_data, small_caps, settings, domain,
        django_capture_on_commit_callbacks):
    """Teachers of an académie, the ministry, the City's staff and elected officials register
    by the hundred the day the invitation goes out; an operator adds others."""
    settings.REGISTRATION_UNCAPPED_DOMAINS = frozenset({"u-paris.fr"})
    answers = [submit(client, form_data, django_capture_on_commit_callbacks,
                      address=f"198.51.{n}.1", email=f"prof{n}@{domain}") for n in range(8)]
    assert {a.status_code for a in answers} == {302}
    assert Registration.objects.filter(email__endswith=domain).count() == 8


def test_a_shared_egress_network_the_operator_names_has_no_network_limit(
        client, event, form_data, production_limits, settings,
        django_capture_on_commit_callbacks):
    """The City's staff leave through a few proxy addresses: named in
    REGISTRATION_UNCAPPED_NETWORKS, they are not stopped by the network's limit or cap;
    each address keeps its own limit, and other networks keep theirs."""
    settings.REGISTRATION_UNCAPPED_NETWORKS = ["203.0.113.0/26"]
    settings.REGISTRATION_HOLDS_PER_NETWORK = 3
    event.plenary_capacity = 500  # everyone holds a seat: the cap counts seats held
    event.save()
    city = [submit(client, form_data, django_capture_on_commit_callbacks,
                   address="203.0.113.40", email=f"agent{n}@paris.fr") for n in range(65)]
    assert {a.status_code for a in city} == {302}
    assert Registration.objects.filter(hold_network="").count() == 65
    same_address = [submit(client, form_data, django_capture_on_commit_callbacks,
                           address="203.0.113.41", email="agent0@paris.fr")
                    for _ in range(5)]
    assert same_address[-1].status_code == 429  # the address's own limit (5 an hour)
    elsewhere = [submit(client, form_data, django_capture_on_commit_callbacks,
                        address="203.0.113.200", email=f"voisin{n}@gmail.com")
                 for n in range(4)]
    assert [a.status_code for a in elsewhere] == [302] * 3 + [429]  # the network cap, 3


def test_holds_that_ran_out_do_not_count_against_the_cap(
        client, event, form_data, small_caps, settings, django_capture_on_commit_callbacks):
    for n in range(3):
        submit(client, form_data, django_capture_on_commit_callbacks, email=f"h{n}@gmail.com")
    later = timezone.now() + dt.timedelta(minutes=settings.REGISTRATION_HOLD_MINUTES + 1)
    with time_machine.travel(later):
        assert submit(client, form_data, django_capture_on_commit_callbacks,
                      email="h3@gmail.com").status_code == 302


def test_the_network_is_stored_not_the_address_and_goes_once_confirmed(
        client, event, form_data, django_capture_on_commit_callbacks):
    submit(client, form_data, django_capture_on_commit_callbacks, address="203.0.113.77")
    registration = Registration.objects.get()
    assert (registration.hold_network, registration.hold_domain) == ("203.0.113.0/24",
                                                                     "example.org")
    confirm_by_mail(client, "awa@example.org")
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.hold_network == ""


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
