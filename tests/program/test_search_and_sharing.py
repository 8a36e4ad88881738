"""What search engines, social networks and calendars read from the public pages."""

import html
import json
import re

import pytest

from program.models import Page

pytestmark = pytest.mark.django_db

SITE = "https://colloque-mixite.paris.fr"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE


def _head(response) -> str:
    return response.content.decode().split("</head>", 1)[0]


def _meta(response, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', _head(response))
    assert match, name
    return html.unescape(match[1])


def _links(response, rel: str) -> list[tuple[str, str]]:
    return re.findall(rf'<link rel="{rel}"(?: hreflang="([^"]+)")? href="([^"]+)">',
                      _head(response))


def _public_paths(event) -> list[str]:
    paths = ["/", "/programme/", "/intervenants/", "/presse/"]
    paths += [session.get_absolute_url() for session in event.sessions.all()]
    return paths + [page.get_absolute_url() for page in Page.objects.all()]


def test_every_public_page_has_its_canonical_and_language_alternates(client, demo_event, site):
    for path in _public_paths(demo_event):
        for prefix in ("", "/en"):
            response = client.get(prefix + path)
            assert _links(response, "canonical") == [("", SITE + prefix + path)]
            assert _links(response, "alternate") == [
                ("fr", SITE + path), ("en", SITE + "/en" + path), ("x-default", SITE + path),
            ]
            assert _meta(response, "property", "og:url") == SITE + prefix + path


def test_each_page_and_session_has_its_own_meta_description(client, demo_event):
    descriptions = {}
    for path in _public_paths(demo_event):
        response = client.get(path)
        description = _meta(response, "name", "description")
        assert 50 <= len(description) <= 300, (path, description)
        assert _meta(response, "property", "og:description") == description
        descriptions[path] = description
    assert len(set(descriptions.values())) == len(descriptions)
    session = demo_event.sessions.get(slug="ouverture-mixite-a-paris")
    assert descriptions[session.get_absolute_url()].startswith("Patrick Bloche, adjoint")


def test_links_shared_on_social_networks_show_a_title_text_and_image(client, demo_event, site):
    session = demo_event.sessions.get(slug="atelier-parents")
    response = client.get(session.get_absolute_url())
    assert _meta(response, "property", "og:title") == session.title
    assert _meta(response, "property", "og:locale") == "fr_FR"
    assert _meta(response, "property", "og:image") == SITE + "/static/program/partage.png"
    assert client.get("/static/program/partage.png").status_code == 200
    english = client.get("/en/")
    assert _meta(english, "property", "og:title") == "For more social mix in secondary schools"
    assert _meta(english, "property", "og:locale") == "en_GB"


def test_public_pages_load_one_stylesheet_with_bootstrap_and_the_sites_rules(client, demo_event):
    for path in [*_public_paths(demo_event), "/inscription/", "/presse/accreditation/"]:
        response = client.get(path)
        stylesheets = re.findall(r'<link rel="stylesheet"[^>]*>', response.content.decode())
        assert stylesheets == ['<link rel="stylesheet" href="/static/css/colloque.css">'], path
    css = b"".join(client.get("/static/css/colloque.css").streaming_content).decode()
    assert (css.index("Bootstrap") < css.index(".skip-link") < css.index(".timetable-plenaries")
            < css.index(".registration-form") < css.index(".press-badge"))
    assert "sourceMappingURL" not in css


def test_public_pages_do_not_vary_on_the_browsers_language(client, demo_event):
    """The URL alone gives the language (/en/… or French): a proxy keeps one copy per page."""
    for path in ("/", "/programme/", "/en/programme/", "/presse/", "/inscription/"):
        french = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert "accept-language" not in french.get("Vary", "").lower(), path
        assert french["Content-Language"] == english["Content-Language"], path


def test_robots_txt_keeps_personal_links_and_staff_pages_out_of_search_engines(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    rules = response.content.decode().splitlines()
    assert rules[0] == "User-agent: *"
    for path in ("/admin/", "/inscription/gerer/", "/inscription/confirmer/",
                 "/presse/accreditation/suivi/", "/en/inscription/gerer/",
                 "/en/presse/accreditation/suivi/"):
        assert f"Disallow: {path}" in rules
    assert "Disallow: /" not in rules and "Disallow: /programme/" not in rules


def test_robots_txt_names_the_sitemap_at_the_sites_address(client, db, site):
    rules = client.get("/robots.txt").content.decode().splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in rules


def test_the_sitemap_lists_every_public_page_in_both_languages_and_nothing_personal(
        client, demo_event, site):
    from xml.etree import ElementTree

    from tests.registrations.factories import RegistrationFactory

    RegistrationFactory(event=demo_event)  # a person's links must not show
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert not response.cookies
    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
             "x": "http://www.w3.org/1999/xhtml"}
    urls = ElementTree.fromstring(response.content).findall("s:url", names)
    listed = {url.find("s:loc", names).text: {
        link.get("hreflang"): link.get("href") for link in url.findall("x:link", names)}
        for url in urls}
    expected = _public_paths(demo_event) + ["/inscription/"]
    assert set(listed) == {SITE + prefix + path for path in expected for prefix in ("", "/en")}
    for path in expected:
        assert listed[SITE + "/en" + path] == {
            "fr": SITE + path, "en": SITE + "/en" + path, "x-default": SITE + path}
    assert len(urls) == len(listed)  # each address once


def _json_ld(response) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>',
                        response.content.decode(), re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_home_event_has_image_opening_performer_and_organiser_sites(client, demo_event, site):
    data = _json_ld(client.get("/"))
    assert data["image"] == [SITE + "/static/program/partage.png"]
    assert [p["name"] for p in data["performer"]] == ["Patrick Bloche"]
    assert data["performer"][0]["url"] == SITE + "/intervenants/#patrick-bloche"
    sites = {o["name"]: o["url"] for o in data["organizer"]}
    assert sites["Ville de Paris"] == "https://www.paris.fr"
    assert sites["Académie de Paris"] == "https://www.ac-paris.fr"
    assert all(url.startswith("https://") for url in sites.values())


def test_session_page_describes_its_own_event_and_offer(client, demo_event, site):
    session = demo_event.sessions.get(slug="atelier-parents")
    data = _json_ld(client.get(session.get_absolute_url()))
    assert data["@type"] == "Event" and data["name"] == session.title
    assert data["url"] == SITE + session.get_absolute_url()
    assert data["description"].startswith(session.description_html.split(".")[0][3:20])
    assert "<" not in data["description"]
    assert data["offers"]["url"] == SITE + "/inscription/?atelier=atelier-parents"
    assert data["offers"]["price"] == "0"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["superEvent"]["url"] == SITE + "/"
    assert data["performer"]


def test_accreditation_form_states_the_crew_size_bounds_the_server_enforces(client, demo_event):
    page = client.get("/presse/accreditation/").content.decode()
    field = re.search(r'<input type="number" name="crew_size"[^>]*>', page)[0]
    assert 'min="1"' in field and 'max="10"' in field
