"""The shared cache (Redis in production) unreachable: the site keeps working without it.

The cache holds the public pages, the rate limits' counters and the blank registration form.
None of them may cost a registration or a staff edit: with Redis down, pages are drawn, the
limits let submissions through (the seat caps are in the database and still hold), and the
error is logged. The cache here is Django's real Redis backend pointed at a closed port.
"""

import logging

import pytest
from django.core import mail
from django.test import Client

from program.models import Session
from registrations.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, socket_closed_port):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{socket_closed_port}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }}
    settings.REGISTRATION_RATE_LIMIT = "60/h"
    settings.REGISTRATION_EMAIL_RATE_LIMIT = "5/h"
    settings.PUBLIC_PAGE_CACHE_SECONDS = 5


@pytest.fixture
def socket_closed_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: nothing listens there


def test_public_pages_are_drawn_without_the_cache(demo_event, redis_down, caplog):
    anonymous = Client()
    with caplog.at_level(logging.WARNING):
        for url in ("/", "/programme/", "/intervenants/", "/inscription/", "/presse/"):
            assert anonymous.get(url).status_code == 200, url
    assert "cache unreachable" in caplog.text


def test_a_registration_goes_through_and_is_e_mailed(demo_event, redis_down, caplog,
                                                      django_capture_on_commit_callbacks):
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/inscription/", {
            "first_name": "Awa", "last_name": "Traoré", "email": "awa@example.org",
            "organisation": "Collège Jean-Jaurès", "audience": "teacher", "workshop": "",
            "privacy_consent": "on",
        })
    assert response.status_code == 302
    assert Registration.objects.filter(email="awa@example.org").exists()
    assert [m.to for m in mail.outbox] == [["awa@example.org"]]
    assert "rate limit cache unreachable" in caplog.text


def test_a_staff_edit_is_saved_and_shows(demo_event, redis_down):
    session = demo_event.sessions.first()
    session.title_fr = "Titre modifié pendant la panne"
    session.save()
    assert Session.objects.get(pk=session.pk).title_fr == "Titre modifié pendant la panne"
    assert "Titre modifié pendant la panne" in Client().get("/programme/").text
