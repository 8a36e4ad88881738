"""The « Données personnelles » notice and the press form say the same thing, in the same
words, as the site does (issue 10): one controller, one legal basis, one address for rights,
the buttons people actually find."""

import html
import re

import pytest

from .factories import AccreditationFactory

CONTROLLER_FR = ("Ville de Paris — Observatoire parisien de la mixité sociale et de la "
                 "réussite éducative (OPMIRE)")
RIGHTS_EMAIL = "dpd@paris.fr"


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())))


@pytest.fixture
def notice(client, demo_event):
    return _text(client.get("/pages/donnees-personnelles/"))


def test_the_notice_says_one_basis_one_controller_one_address(notice):
    assert CONTROLLER_FR in notice
    assert "mission d'intérêt public de la Ville de Paris (art. 6-1-e du RGPD)" in notice
    assert "art. 9-2-a" in notice and "facultatif" in notice
    assert "anonymisées 3 mois après le colloque" in notice
    assert "dès que la demande est acceptée ou refusée" in notice
    assert "journal des connexions de l'équipe à l'administration du site : 6 mois" in notice
    assert set(re.findall(r"[\w.-]+@[\w-]+\.\w+", notice)) == {RIGHTS_EMAIL}


def test_the_notice_names_the_buttons_of_the_status_and_manage_pages(client, notice, demo_event):
    status_page = _text(client.get(AccreditationFactory(event=demo_event).get_absolute_url()))
    for label in ("Télécharger mes données", "Effacer ma demande et mes données"):
        assert f"« {label} »" in notice and label in status_page
    assert "« Effacer mon inscription et mes données »" in notice


def test_the_english_notice_says_the_same(client, demo_event):
    notice = _text(client.get("/en/pages/donnees-personnelles/"))
    assert "City of Paris — Paris observatory of social mix and educational success" in notice
    assert "art. 6-1-e" in notice and "art. 9-2-a" in notice
    assert "anonymised 3 months after the colloquium" in notice
    assert set(re.findall(r"[\w.-]+@[\w-]+\.\w+", notice)) == {RIGHTS_EMAIL}


def test_the_press_form_names_the_controller_and_the_rights_address_as_the_notice(
        client, demo_event):
    form = _text(client.get("/presse/accreditation/"))
    data = form.split("Vos données", 1)[1]
    assert CONTROLLER_FR in data and "mission d'intérêt public" in data
    assert f"pour exercer vos autres droits : {RIGHTS_EMAIL}" in data
    assert "anonymisées trois mois après le colloque" in data
