import json
import re

import pytest

from program.models import Session

pytestmark = pytest.mark.django_db


def _json_ld(response) -> dict:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_home_describes_the_event_for_search_engines(client, demo_event, settings):
    settings.SITE_URL = "https://colloque.example.org"
    data = _json_ld(client.get("/"))
    year = demo_event.date.year
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Pour plus de mixité sociale au collège"
    assert data["startDate"] == f"{year}-05-17T09:00:00+02:00"
    assert data["endDate"] == f"{year}-05-17T16:30:00+02:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["url"] == "https://colloque.example.org/"
    assert data["description"]
    place = data["location"]
    assert place["@type"] == "Place" and place["name"] == "Hôtel de Ville de Paris"
    assert place["address"] == {
        "@type": "PostalAddress", "streetAddress": "Place de l'Hôtel de Ville",
        "postalCode": "75004", "addressLocality": "Paris", "addressCountry": "FR",
    }
    assert [o["name"] for o in data["organizer"]][0] == "Ville de Paris"
    assert all(o["@type"] == "Organization" for o in data["organizer"])
    assert len(data["subEvent"]) == 9
    assert data["subEvent"][0]["startDate"] == f"{year}-05-17T09:30:00+02:00"


def test_json_ld_cannot_be_closed_by_a_title(client, demo_event):
    session = Session.objects.get(slug="atelier-parents")
    session.title = "</script><script>alert(1)</script>"
    session.save()
    response = client.get("/")
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    titles = [sub["name"] for sub in _json_ld(response)["subEvent"]]
    assert "</script><script>alert(1)</script>" in titles


def test_english_home_describes_the_event_in_english(client, demo_event, settings):
    settings.SITE_URL = "https://colloque.example.org"
    data = _json_ld(client.get("/en/"))
    assert data["name"] == "For more social mix in secondary schools"
    assert data["inLanguage"] == "en"
    assert data["url"] == "https://colloque.example.org/en/"
