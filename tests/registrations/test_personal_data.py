"""A person's own data from the manage page: download (JSON) and erasure."""

import json

import pytest
from django.core import mail

from registrations.models import Registration, hash_token, link_token
from tests.factories import EventFactory

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(db):
    event = EventFactory(plenary_capacity=1)
    registration = RegistrationFactory(event=event, reference="MINE0001", first_name="Awa",
                                       token_hash=hash_token(link_token("MINE0001")),
                                       last_name="Traoré", accessibility_needs=["lsf"])
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED,
                                  event_waitlist_seq=1, email="next@example.org")
    return registration, waiting, f"/inscription/gerer/{link_token('MINE0001')}/"


def test_download_my_data_as_json(client, mine):
    registration, _, url = mine
    assert "Télécharger mes données" in client.get(url).content.decode()
    response = client.get(url + "mes-donnees.json")
    assert response["Content-Disposition"] == 'attachment; filename="inscription-MINE0001.json"'
    data = json.loads(response.content)
    assert (data["first_name"], data["last_name"], data["email"]) == (
        "Awa", "Traoré", registration.email)
    assert data["accessibility_needs"] == ["lsf"]
    assert data["event"]["title"] == registration.event.title


def test_erase_asks_then_deletes_and_gives_the_seat_to_the_next(
        client, mine, django_capture_on_commit_callbacks):
    registration, waiting, url = mine
    assert client.get(url + "effacer/").status_code == 200
    assert Registration.objects.filter(pk=registration.pk).exists()  # a GET erases nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "effacer/")
    assert "Inscription effacée" in response.content.decode()
    assert not Registration.objects.filter(pk=registration.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["next@example.org"]]
    assert client.get(url).status_code == 404
