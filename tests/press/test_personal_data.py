"""A journalist's own data from their status page: download (JSON) and erasure."""

import json

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from press import services
from press.badge import badge_code
from press.models import AccreditationRequest

from .conftest import PDF, private_files
from .factories import AccreditationFactory
from .test_checkin import DESK, desk, text  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(event, staff_user):
    accreditation = AccreditationFactory(
        event=event, first_name="Inès", last_name="Benali", outlet="France Culture",
        press_card_number="", assignment_letter=ContentFile(PDF, name="lettre.pdf"),
        interview_wishes="Mme la directrice de l'OPMIRE")
    services.accreditation_request_info(accreditation=accreditation, actor=staff_user,
                                        message="Quel sujet préparez-vous ?")
    return AccreditationRequest.objects.get(pk=accreditation.pk)


def test_download_my_data_as_json(client, mine, staff_user):
    url = mine.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Télécharger mes données" in page and "Effacer ma demande et mes données" in page
    response = client.get(url + "mes-donnees.json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="accreditation-{mine.pk}.json"')
    assert response["Cache-Control"].startswith("max-age=0")
    data = json.loads(response.content)
    assert (data["first_name"], data["last_name"], data["email"], data["outlet"]) == (
        "Inès", "Benali", mine.email, "France Culture")
    assert data["interview_wishes"] == "Mme la directrice de l'OPMIRE"
    assert data["event"]["title"] == mine.event.title
    assert data["assignment_letter"] == mine.assignment_letter.name.rsplit("/", 1)[-1]
    assert data["assignment_letter"].endswith(".pdf")
    assert [(h["to"], h["by"], h["message"]) for h in data["history"]] == [
        ("submitted", "journalist", ""),
        ("info_requested", "press office", "Quel sujet préparez-vous ?"),
    ]
    raw = response.content.decode()
    assert staff_user.username not in raw and staff_user.email not in raw
    assert "%PDF" not in raw
    assert mine.token not in raw and mine.token_hash not in raw


def test_an_unknown_link_downloads_nothing(client):
    assert client.get("/presse/accreditation/suivi/inconnu/mes-donnees.json").status_code == 404
    assert client.post("/presse/accreditation/suivi/inconnu/effacer/").status_code == 404


def test_erase_asks_first_then_deletes_the_request_and_its_document(
        client, mine, desk, django_capture_on_commit_callbacks):  # noqa: F811
    url = mine.get_absolute_url()
    assert len(private_files()) == 1
    page = client.get(url + "effacer/")
    assert page.status_code == 200 and "Oui, tout effacer" in page.content.decode()
    assert AccreditationRequest.objects.filter(pk=mine.pk).exists()  # a GET erases nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "effacer/")
    assert "Demande effacée" in response.content.decode()
    assert not AccreditationRequest.objects.filter(pk=mine.pk).exists()
    assert private_files() == []
    assert mail.outbox == []  # nobody is told, the press office's lists are current
    assert client.get(url).status_code == 404
    assert "Benali" not in text(desk.get(DESK, {"code": badge_code(mine.checkin_token)}))


def test_an_approved_journalist_may_erase_too(client, event, staff_user,
                                              django_capture_on_commit_callbacks):
    accreditation = services.accreditation_approve(
        accreditation=AccreditationFactory(event=event), actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(accreditation.get_absolute_url() + "effacer/")
    assert not AccreditationRequest.objects.exists()
    assert client.get(accreditation.get_absolute_url() + "badge/").status_code == 404
