import datetime as dt
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from program.models import Page, Session, Speaker

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    import html

    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r" ?– ?", "–", text)  # time ranges are split across <time> elements


def test_home_shows_the_colloquium_with_calls_to_action(client, demo_event):
    response = client.get("/")
    assert response.status_code == 200
    text = _text(response)
    assert "Pour plus de mixité sociale au collège" in text
    assert "Vendredi 17 mai" in text
    assert "de 9h00 à 16h30" in text
    assert "Hôtel de Ville de Paris" in text and "Place de l'Hôtel de Ville, 75004 Paris" in text
    assert "Observatoire parisien de la mixité sociale et de la réussite éducative" in text
    assert "OPMIRE" in text and "Académie de Paris" in text
    assert "quatre conférences" in text and "cinq ateliers" in text
    assert "S'inscrire" in text
    assert "Demander une accréditation presse" in text
    assert "Accessibilité : partiellement conforme" in text
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'href="/pages/mentions-legales/"' in html
    assert 'href="/pages/donnees-personnelles/"' in html
    assert 'href="/pages/accessibilite/"' in html
    assert f'datetime="{demo_event.starts_at.isoformat()}"' in html


def test_home_and_programme_show_plenary_seats_left_while_open(client, demo_event):
    for url in ("/", "/programme/"):
        text = _text(client.get(url))
        assert "Inscriptions ouvertes" in text
        assert "300 places restantes" in text


def test_home_and_programme_say_complet_when_no_plenary_seat_is_left(client, demo_event):
    demo_event.plenary_capacity = 0
    demo_event.save()
    for url in ("/", "/programme/"):
        text = _text(client.get(url))
        assert "Complet" in text
        assert "S'inscrire sur la liste d'attente" in text
        assert "places restantes" not in text.split("L'après-midi")[0]


def test_home_and_programme_say_inscriptions_closes_once_closed(client, demo_event):
    demo_event.registrations_closed = True
    demo_event.save()
    for url in ("/", "/programme/"):
        response = client.get(url)
        assert "Inscriptions closes" in _text(response)
        assert 'class="btn btn-primary' not in response.content.decode()


def test_home_and_programme_give_the_opening_date_before_registrations_open(client, demo_event):
    demo_event.registration_opens_at = timezone.now() + dt.timedelta(days=10)
    demo_event.save()
    opening = timezone.localtime(demo_event.registration_opens_at)
    from django.utils.formats import date_format

    expected = f"Les inscriptions ouvriront le {date_format(opening, 'l j F')}"
    for url in ("/", "/programme/"):
        assert expected in _text(client.get(url))


def test_programme_lists_four_conferences_then_five_workshops(client, demo_event):
    response = client.get("/programme/")
    assert response.status_code == 200
    plenaries = list(demo_event.sessions.plenaries().in_order())
    workshops = list(demo_event.sessions.workshops().in_order())
    assert len(plenaries) == 4
    assert len(workshops) == 5
    html = response.content.decode()
    positions = [html.index(escape(s.title)) for s in [*plenaries, *workshops]]
    assert positions == sorted(positions)
    assert [s.start for s in plenaries] == sorted(s.start for s in plenaries)
    text = _text(response)
    assert "Vendredi 17 mai" in text
    for slot in ("9h30–10h15", "10h15–11h00", "11h15–12h00", "12h00–12h45", "14h00–16h30"):
        assert slot in text
    assert "09h" not in text
    assert "Salle des fêtes" in text and "Salon Pierre Loti" in text
    assert "Modération : Amélie Perrin" in text
    assert "60 places restantes" in text and "30 places restantes" in text
    assert html.count("<h1") == 1


def test_session_page_gives_time_room_speakers_seats_and_calendar_link(client, demo_event):
    response = client.get("/programme/atelier-parents/")
    assert response.status_code == 200
    text = _text(response)
    html = response.content.decode()
    assert "Atelier 3 — Les parents, acteurs de la mixité" in text
    assert "Vendredi 17 mai" in text
    assert "14h00–16h30" in text
    assert "Salle Saint-Jean" in text
    assert "Atelier" in text
    assert "Nadia Benali" in text and "Présidente d'une fédération de parents d'élèves" in text
    assert 'href="/intervenants/#nadia-benali"' in html
    assert "40 places restantes" in text
    assert "Atelier limité à 40 places." in text
    assert "(sur" not in text
    assert 'href="/inscription/?atelier=atelier-parents"' in html
    assert 'href="/programme/atelier-parents.ics"' in html
    assert "Ajouter à mon agenda" in text


def test_plenary_session_page_shows_moderation_and_no_seat_count(client, demo_event):
    text = _text(client.get("/programme/secteurs-multi-colleges-premiers-enseignements/"))
    assert "Conférence plénière" in text
    assert "Amélie Perrin (modération)" in text
    assert "places restantes" not in text


def test_unknown_session_gives_the_friendly_404_page(client, demo_event):
    response = client.get("/programme/seance-inconnue/")
    assert response.status_code == 404
    text = _text(response)
    assert "Page introuvable" in text
    assert "Consulter le programme" in text


def test_speakers_page_lists_each_speaker_with_anchor_and_sessions(client, demo_event):
    response = client.get("/intervenants/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="julien-garnier"' in html
    text = _text(response)
    assert "Julien Garnier" in text and "Sociologue, directeur de recherche" in text
    assert "ségrégation scolaire et les politiques d'affectation" in text
    garnier = html[html.index('id="julien-garnier"'):html.index('id="marc-lefebvre"')]
    assert garnier.index("Ségrégation scolaire en France") < garnier.index("Atelier 5")


def test_speaker_photo_has_alt_text(client, demo_event, tmp_path):
    speaker = Speaker.objects.get(slug="claire-moreau")
    speaker.photo.name = "speakers/claire.jpg"
    speaker.save()
    html = client.get("/intervenants/").content.decode()
    assert 'alt="Portrait de Claire Moreau"' in html
    speaker.photo_alt = "Claire Moreau au pupitre"
    speaker.save()
    assert 'alt="Claire Moreau au pupitre"' in client.get("/intervenants/").content.decode()


@pytest.mark.parametrize(("slug", "expected"), [
    ("infos-pratiques", ["Hôtel de Ville (lignes 1 et 11)", "Châtelet", "RER", "Bus",
                         "Vélib'", "ascenseur", "contrôle de sécurité", "pièce d'identité"]),
    ("mentions-legales", ["Ville de Paris", "Directrice de la publication", "Hébergeur",
                          "colloque-mixite@paris.fr"]),
    ("donnees-personnelles", ["Responsable du traitement", "OPMIRE", "dpd@paris.fr",
                              "art. 6-1-e", "art. 6-1-a", "3 mois après le colloque",
                              "1 mois après le", "rectification", "retirer votre consentement",
                              "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07"]),
    ("accessibilite", ["partiellement conforme", "RGAA", "4.1", "démonstration",
                       "Contenus non accessibles", "Alternatives", "Défenseur des droits"]),
])
def test_practical_and_legal_pages_are_written(client, demo_event, slug, expected):
    response = client.get(f"/pages/{slug}/")
    assert response.status_code == 200
    text = _text(response)
    for snippet in expected:
        assert snippet in text
    assert "lorem" not in text.lower()
    assert response.content.decode().count("<h1") == 1


def test_privacy_page_renders_its_purposes_table(client, demo_event):
    html = client.get("/pages/donnees-personnelles/").content.decode()
    assert "<table>" in html and "<th>Base légale</th>" in html


def test_unknown_page_is_a_404(client, demo_event):
    assert client.get("/pages/inconnue/").status_code == 404


def test_english_programme_uses_english_titles(client, demo_event):
    response = client.get("/en/programme/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Workshop 3 — Parents as actors of social mix" in html
    assert "Opening: social mix in secondary schools, a Paris ambition" in html
    assert "Les parents, acteurs de la mixité" not in html
    assert 'href="/en/programme/atelier-parents/"' in html


def test_english_pages_have_english_content(client, demo_event):
    text = _text(client.get("/en/pages/donnees-personnelles/"))
    assert "Personal data" in text and "Complaint to the CNIL" in text
    assert "lines 1 and 11" in _text(client.get("/en/pages/infos-pratiques/"))


def test_language_switcher_is_a_link_to_the_same_page_in_the_other_language(client, demo_event):
    session = demo_event.sessions.first()
    html = client.get(f"/programme/{session.slug}/").content.decode()
    assert "/i18n/setlang/" not in html and "csrfmiddlewaretoken" not in html
    assert f'href="/en/programme/{session.slug}/" hreflang="en" lang="en">English</a>' in html
    english = client.get(f"/en/programme/{session.slug}/").content.decode()
    assert '<html lang="en">' in english
    assert f'href="/programme/{session.slug}/" hreflang="fr" lang="fr">Français</a>' in english


def test_language_switcher_keeps_the_query_string(client, demo_event):
    html = client.get("/inscription/?atelier=x").content.decode()
    assert 'href="/en/inscription/?atelier=x"' in html


def test_pages_work_without_a_published_event(client, db):
    Page.objects.create(slug="mentions-legales", title="Mentions légales", body="Éditeur")
    assert client.get("/pages/mentions-legales/").status_code == 200
    assert client.get("/").status_code == 404
    assert not Session.objects.exists()


def test_healthz_answers_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_session_meta_description_is_plain_escaped_text(client, demo_event):
    session = Session.objects.get(slug="atelier-parents")
    session.description = 'Un **atelier** "pratique" <b>ouvert</b> & concret'
    session.save()
    html = client.get("/programme/atelier-parents/").content.decode()
    assert ('<meta name="description" content="Un atelier &quot;pratique&quot; ouvert '
            '&amp; concret">') in html


def test_session_page_follows_the_registration_window(client, demo_event):
    demo_event.registrations_closed = True
    demo_event.save()
    response = client.get("/programme/atelier-parents/")
    assert "Inscriptions closes" in _text(response)
    assert "/inscription/" not in response.content.decode().split("<main")[1]


def test_english_speakers_page_shows_english_roles(client, demo_event):
    text = _text(client.get("/en/intervenants/"))
    assert "Sociologist, research director" in text
    assert "Works on school segregation" in text


def test_full_workshop_page_says_complet_and_waiting_list_then_its_size(client, demo_event):
    from tests.registrations.factories import RegistrationFactory

    workshop = Session.objects.get(slug="atelier-parents")
    workshop.capacity = 1
    workshop.save()
    RegistrationFactory(event=demo_event, workshop=workshop)
    response = client.get("/programme/atelier-parents/")
    text = _text(response)
    assert "Complet : liste d'attente ouverte" in text
    assert "Atelier limité à 1 place." in text
    assert "(sur" not in text
    assert "S'inscrire sur la liste d'attente" in text


def test_times_read_the_same_way_on_every_page(client, demo_event):
    """French: « 9h30 », never « 09h30 »; English: 24-hour « 9:30 », never « am »/« pm »."""
    home = _text(client.get("/"))
    assert "de 9h00 à 16h30" in home and "9h30 Ouverture" in home
    programme = _text(client.get("/programme/"))
    assert "9h00 · Accueil des participant·es" in programme
    assert "9h30–10h15" in programme and "14h00–16h30" in programme
    press = _text(client.get("/presse/"))
    assert "9h00–16h30" in press
    practical = _text(client.get("/pages/infos-pratiques/"))
    assert "à partir de 9h00" in practical and "de 14h00 à 16h30" in practical
    for text in (home, programme, press, practical):
        assert not re.search(r"\b0\dh\d\d", text)

    english = [_text(client.get(url)) for url in
               ("/en/", "/en/programme/", "/en/presse/", "/en/pages/infos-pratiques/")]
    assert "9:30–10:15" in english[1] and "14:00–16:30" in english[1]
    assert "9:00–16:30" in english[2]
    assert "from 9:00" in english[3] and "from 14:00 to 16:30" in english[3]
    for text in english:
        assert not re.search(r"\b0\d:\d\d|\d ?[ap]\.?m\b", text)
