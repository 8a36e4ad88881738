import pytest
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def test_home_shows_the_colloquium_with_calls_to_action(client, demo_event):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pour plus de mixité sociale au collège" in html
    assert "Vendredi 17 mai" in html
    assert "de 9h00 à 16h30" in html
    assert "Hôtel de Ville de Paris" in html
    assert "S&#x27;inscrire" in html or "S'inscrire" in html
    assert "Demander une accréditation presse" in html
    assert "Accessibilité : partiellement conforme" in html


def test_programme_lists_four_conferences_then_five_workshops(client, demo_event):
    response = client.get("/programme/")
    assert response.status_code == 200
    plenaries = response.context["plenaries"]
    workshops = response.context["workshops"]
    assert len(plenaries) == 4
    assert len(workshops) == 5
    assert [s.start for s in plenaries] == sorted(s.start for s in plenaries)
    html = response.content.decode()
    assert "09h30" in html and "14h00" in html
    assert html.index(escape(plenaries[-1].title)) < html.index(escape(workshops[0].title))


def test_healthz_answers_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
