"""Public pages for anonymous visitors: no cookie, cached a few seconds, never personal."""

import gzip

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from press.models import PressInfo
from program.cache import PublicPageCacheMiddleware, public_page
from program.models import Page, Session
from registrations.models import Registration, hash_token, link_token
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

def public_urls(event) -> list[str]:
    session = event.sessions.first()
    urls = ["/", "/programme/", session.get_absolute_url(), "/intervenants/", "/presse/"]
    urls += [page.get_absolute_url() for page in Page.objects.all()]
    return urls + ["/en" + url for url in urls]


def test_anonymous_get_of_each_public_page_sets_no_cookie(client, demo_event):
    urls = public_urls(demo_event)
    assert len(urls) == 18
    for url in urls:
        for attempt in ("rendered", "from the cache"):
            response = client.get(url)
            assert response.status_code == 200, (url, attempt)
            assert not response.cookies, (url, attempt)
            assert "Set-Cookie" not in response.headers, (url, attempt)
            assert "Cookie" not in response.get("Vary", ""), (url, attempt)
            assert response["Cache-Control"] == "public, max-age=0, s-maxage=5", url
    assert not client.cookies


def test_forms_still_set_their_csrf_cookie_and_are_not_shared(client, demo_event):
    for url in ("/inscription/", "/presse/accreditation/"):
        response = client.get(url)
        assert "csrftoken" in response.cookies
        assert "public" not in response.get("Cache-Control", "")


def test_pages_are_served_from_the_cache_for_a_few_seconds(client, demo_event, settings):
    session = demo_event.sessions.first()
    assert session.title in client.get("/programme/").text
    # A write that bypasses the models' signals (as a registration changing the seats left
    # does): the page stays as it was until it expires.
    Session.objects.filter(pk=session.pk).update(title_fr="Titre changé sans signal")
    assert "Titre changé sans signal" not in client.get("/programme/").text
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    assert "Titre changé sans signal" in client.get("/programme/").text


@pytest.mark.parametrize("url", ["/", "/programme/", "/en/programme/"])
def test_a_staff_edit_of_a_session_shows_at_once_on_the_cached_page(client, demo_event, url):
    session = demo_event.sessions.first()
    title = session.title_en if url.startswith("/en/") else session.title_fr
    assert title in client.get(url).text
    session.title_fr = session.title_en = "Nouveau titre de la séance"
    session.save()
    assert "Nouveau titre de la séance" in client.get(url).text


def test_staff_edits_of_a_page_the_event_and_the_press_area_show_at_once(demo_event):
    anonymous = Client()
    page = Page.objects.get(slug="infos-pratiques")
    assert "Navette fluviale" not in anonymous.get(page.get_absolute_url()).text
    assert demo_event.title in anonymous.get("/").text
    assert "Jean Dupont" not in anonymous.get("/presse/").text

    page.body_fr = "## Accès\n\nNavette fluviale depuis le quai."
    page.save()
    demo_event.title_fr = "Colloque renommé par les organisateurs"
    demo_event.save()
    info = PressInfo.objects.for_event(demo_event)
    info.personality = "Jean Dupont, adjoint à la Maire"
    info.save()

    assert "Navette fluviale depuis le quai." in anonymous.get(page.get_absolute_url()).text
    assert "Colloque renommé par les organisateurs" in anonymous.get("/").text
    assert "Jean Dupont, adjoint à la Maire" in anonymous.get("/presse/").text


def _programme_card(html: str, session) -> str:
    start = html.index(f'aria-labelledby="session-{session.pk}"')
    return html[start:html.index("</article>", start)]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_edits_of_speakers_and_of_who_speaks_show_at_once_on_the_kept_cards(client, demo_event,
                                                                           prefix):
    """A session's card is kept across staff edits under its own stamps: the edit of one of
    its speakers, a speaker added, removed or made moderator changes them."""
    from program.models import SessionSpeaker, Speaker

    session = demo_event.sessions.filter(session_speakers__isnull=False).first()
    role = session.session_speakers.select_related("speaker").first()
    programme, home = prefix + "/programme/", prefix + "/"
    assert role.speaker.name in _programme_card(client.get(programme).text, session)
    client.get(home)

    role.speaker.name = "Nom corrigé par les organisateurs"
    role.speaker.save()
    assert "Nom corrigé par les organisateurs" in _programme_card(
        client.get(programme).text, session)
    assert '"name": "Nom corrigé par les organisateurs"' in client.get(home).text  # JSON-LD

    role.role = SessionSpeaker.Role.MODERATOR
    role.save()
    moderation = "Modération :" if not prefix else "Moderator:"
    assert moderation in _programme_card(client.get(programme).text, session)

    newcomer = Speaker.objects.create(name="Intervenante ajoutée")
    SessionSpeaker.objects.create(session=session, speaker=newcomer, order=9)
    assert "Intervenante ajoutée" in _programme_card(client.get(programme).text, session)

    role.delete()
    assert "Nom corrigé par les organisateurs" not in client.get(programme).text
    assert "Nom corrigé par les organisateurs" not in client.get(home).text


def _speaker_entry(html: str, speaker) -> str:
    start = html.index(f'<li id="{speaker.slug}"')
    return html[start:html.index("</article>", start)]


def test_edits_of_a_session_and_of_who_speaks_show_at_once_on_the_speakers_page(client,
                                                                              demo_event):
    """Each speaker's entry is kept across staff edits under its own stamps: an edit of one
    of their sessions, of their role, or their removal changes them."""
    from program.models import SessionSpeaker

    role = SessionSpeaker.objects.select_related("speaker", "session").first()
    speaker, session = role.speaker, role.session
    assert session.title_fr in _speaker_entry(client.get("/intervenants/").text, speaker)

    session.title_fr = "Séance renommée par les organisateurs"
    session.save()
    entry = _speaker_entry(client.get("/intervenants/").text, speaker)
    assert "Séance renommée par les organisateurs" in entry
    assert "(modération)" not in entry

    role.role = SessionSpeaker.Role.MODERATOR
    role.save()
    assert "(modération)" in _speaker_entry(client.get("/intervenants/").text, speaker)

    speaker.session_roles.all().delete()
    assert f'<li id="{speaker.slug}"' not in client.get("/intervenants/").text


@pytest.fixture
def manage_url(demo_event):
    """The private manage link of Awa's confirmed registration."""
    reference = "CACHE0001"
    RegistrationFactory(event=demo_event, reference=reference, first_name="Awa",
                        token_hash=hash_token(link_token(reference)))
    return reverse("registrations:manage", kwargs={"token": link_token(reference)})


def test_a_persons_flash_message_is_never_served_to_another(client, demo_event, manage_url):
    stranger = Client()
    assert stranger.get("/programme/").status_code == 200  # the page is now in the cache
    response = client.post(manage_url + "annuler/")
    assert response.status_code == 302 and "messages" in response.cookies
    own = client.get("/programme/")  # before the manage page, where the message was going
    assert "Votre inscription est annulée" in own.text
    assert "public" not in own["Cache-Control"]
    for _ in range(2):
        assert "Votre inscription est annulée" not in stranger.get("/programme/").text


def test_a_persons_manage_page_is_never_cached(client, demo_event, manage_url):
    first = client.get(manage_url)
    assert "Awa" in first.text and "public" not in first.get("Cache-Control", "")
    Registration.objects.update(first_name="Aminata")
    assert "Aminata" in client.get(manage_url).text
    assert "Aminata" in Client().get(manage_url).text


def _anonymous_request(path="/"):
    request = RequestFactory().get(path)
    request._messages = CookieStorage(request)
    return request


def test_a_response_carrying_a_message_is_not_stored():
    calls = []

    @public_page
    def view(request):
        calls.append(request)
        if len(calls) == 1:
            messages.info(request, "Pour vous seul·e")
        return HttpResponse("page")

    site = PublicPageCacheMiddleware(view)
    site(_anonymous_request())
    site(_anonymous_request())
    site(_anonymous_request())
    assert len(calls) == 2  # the first was personal, the second was stored and served


def test_a_view_not_marked_public_is_never_stored():
    calls = []

    def view(request):
        calls.append(request)
        return HttpResponse("page")

    site = PublicPageCacheMiddleware(view)
    for _ in range(3):
        site(_anonymous_request())
    assert len(calls) == 3


def test_a_cached_page_is_served_whole_before_the_rest_of_the_stack(client, demo_event,
                                                                    django_assert_num_queries):
    first = client.get("/programme/")
    with django_assert_num_queries(0):
        again = client.get("/programme/")
    assert again.content == first.content
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options",
                   "Content-Language", "Cache-Control", "Content-Type"):
        assert again[header] == first[header], header


def test_gzip_and_plain_answers_are_kept_apart(client, demo_event):
    plain = client.get("/programme/")
    compressed = client.get("/programme/", headers={"accept-encoding": "gzip, br"})
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
    assert client.get("/programme/", headers={"accept-encoding": "gzip"}).content == \
        compressed.content
    assert client.get("/programme/").content == plain.content
    assert "Content-Encoding" not in client.get("/programme/")


def test_a_page_stored_for_one_host_or_scheme_is_not_served_to_another(client, demo_event,
                                                                        settings):
    """A page served from the cache asks the database nothing; one drawn again does."""
    settings.ALLOWED_HOSTS = ["colloque.example", "www.colloque.example"]
    queries = CaptureQueriesContext(connection)

    def drawn(**kwargs) -> bool:
        with queries:
            assert client.get("/programme/", **kwargs).status_code == 200
        return bool(queries.captured_queries)

    assert drawn(HTTP_HOST="colloque.example")
    assert not drawn(HTTP_HOST="colloque.example")
    assert drawn(HTTP_HOST="www.colloque.example")
    assert drawn(HTTP_HOST="colloque.example", secure=True)
    assert not drawn(HTTP_HOST="colloque.example", secure=True)
    assert client.get("/programme/", HTTP_HOST="forged.example").status_code == 400


def test_spellings_and_ports_of_an_allowed_host_share_one_page(demo_event, settings,
                                                                django_requests):
    """Nobody can have a page drawn and stored for each way of writing the host."""
    settings.ALLOWED_HOSTS = ["colloque.example"]
    first = _wsgi_get("/programme/", HTTP_HOST="colloque.example")
    for host in ("COLLOQUE.example", "Colloque.Example:8443", "colloque.example:1",
                 "colloque.example."):
        assert _wsgi_get("/programme/", HTTP_HOST=host) == first, host
    assert len(django_requests) == 1
    status, _headers, _body = _wsgi_get("/programme/", HTTP_HOST="forged.example")
    assert status.startswith("400") and len(django_requests) == 2


def test_requests_with_a_session_cookie_bypass_the_cache(staff_client, demo_event):
    Client().get("/programme/")
    Session.objects.update(title_fr="Vu par les organisateurs")
    response = staff_client.get("/programme/")
    assert "Vu par les organisateurs" in response.text
    assert "private" in response["Cache-Control"]


def test_a_version_evicted_from_the_cache_does_not_bring_back_an_old_page(client, demo_event):
    from django.core.cache import cache

    from program.cache import VERSION_KEY

    session = demo_event.sessions.first()
    assert session.title_fr in client.get("/programme/").text
    session.title_fr = "Titre après la modification"
    session.save()
    cache.delete(VERSION_KEY)  # evicted (Redis maxmemory, a restart of the cache)
    assert "Titre après la modification" in client.get("/programme/").text


def _card(page: str, session) -> str:
    return page.split(f'id="session-{session.pk}"', 1)[1].split("</article>", 1)[0]


def test_a_seat_taken_shows_on_the_programme_once_its_few_seconds_are_over(client, demo_event):
    """Session cards are kept between renders (program.cache.fragments): the seats left are
    part of what identifies a card, so the page rendered again after its few seconds is true."""
    workshop = demo_event.sessions.filter(kind=Session.Kind.WORKSHOP).first()
    seats = workshop.capacity
    with time_machine.travel("2026-12-01 10:00:00 +0100", tick=False) as traveller:
        assert f"{seats} places restantes" in _card(client.get("/programme/").text, workshop)
        RegistrationFactory(event=demo_event, workshop=workshop)
        card = _card(client.get("/programme/").text, workshop)
        assert f"{seats} places restantes" in card  # the page is kept for a few seconds
        traveller.shift(6)
        card = _card(client.get("/programme/").text, workshop)
        assert f"{seats - 1} places restantes" in card
        assert workshop.title in card


def _wsgi_get(path: str, **environ) -> tuple[str, dict, bytes]:
    """GET `path` from the WSGI application gunicorn serves (colloque/wsgi.py)."""
    import io
    import sys

    from colloque.wsgi import application

    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
               "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", **environ}
    # As Django's test client does: the test's database connection (its transaction) must
    # not be closed by the handler's request_started/finished housekeeping.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.fixture
def django_requests():
    """How many requests reached Django's handler."""
    from django.core.signals import request_started

    started = []

    def count(**kwargs):
        started.append(kwargs)

    request_started.connect(count)
    yield started
    request_started.disconnect(count)


def test_the_server_answers_a_cached_page_before_django_with_the_same_headers(
        demo_event, django_requests):
    first = _wsgi_get("/programme/")
    assert len(django_requests) == 1 and first[0] == "200 OK"
    again = _wsgi_get("/programme/")
    assert len(django_requests) == 1  # Django did not see the second request
    assert again == first
    for header in ("Content-Security-Policy", "Permissions-Policy", "Cache-Control",
                   "Content-Language", "Content-Length"):
        assert header in again[1], header


def test_the_server_sends_personal_requests_and_posts_to_django(demo_event, django_requests,
                                                                settings):
    _wsgi_get("/programme/")
    _wsgi_get("/programme/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc; csrftoken=x")
    _wsgi_get("/programme/", HTTP_COOKIE="messages=abc")
    _wsgi_get("/programme/", REQUEST_METHOD="HEAD")
    assert len(django_requests) == 4
    _wsgi_get("/programme/", HTTP_COOKIE="csrftoken=x; django_language=en")
    assert len(django_requests) == 4  # cookies that make nothing personal


def test_public_pages_and_staff_edits_go_on_when_the_cache_cannot_be_read(demo_event,
                                                                         monkeypatch):
    """Redis down: every public page is drawn (nothing served from, nor kept in, the cache)
    and a staff edit is saved and shows."""
    from django.core.cache import cache

    _wsgi_get("/programme/")

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    for method in ("get", "get_or_set", "set", "incr"):
        monkeypatch.setattr(cache, method, unreachable)
    status, _headers, body = _wsgi_get("/programme/")
    assert status == "200 OK" and demo_event.sessions.first().title_fr in body.decode()
    session = demo_event.sessions.first()
    session.title_fr = "Titre modifié pendant la panne"
    session.save()
    assert "Titre modifié pendant la panne" in Client().get("/programme/").text
    assert "Titre modifié pendant la panne" in _wsgi_get("/programme/")[2].decode()


def test_a_page_not_in_the_cache_is_looked_up_once_per_request(demo_event, monkeypatch):
    """The WSGI application looks first; on a miss the middleware uses what it found."""
    from django.core.cache import cache

    reads = []
    get = cache.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    status, _headers, _body = _wsgi_get("/programme/")
    assert status == "200 OK"
    assert len([key for key in reads if key.startswith("public-page:")]) == 1


def test_a_link_shared_with_click_parameters_finds_the_page_every_visitor_shares(
        demo_event, django_requests):
    """Facebook gives each click its own `fbclid`, a newsletter adds `utm_*`: the visitors
    who follow such links get the page kept for everybody, and nothing of one visitor's
    link shows in the page."""
    first = _wsgi_get("/programme/", QUERY_STRING="fbclid=IwAR0premier&utm_source=lettre")
    assert first[0] == "200 OK" and len(django_requests) == 1
    for query in ("", "fbclid=IwAR0second", "utm_medium=email&utm_campaign=invitation",
                  "UTM_Source=x&gclid=abc&mc_eid=123"):
        again = _wsgi_get("/programme/", QUERY_STRING=query)
        assert again == first, query
    assert len(django_requests) == 1  # none of them reached Django
    page = first[2].decode()
    assert "IwAR0premier" not in page and "lettre" not in page
    assert 'href="/en/programme/"' in page  # the language switch, without the click's trail


def test_made_up_queries_neither_draw_the_page_again_nor_fill_the_cache(
        demo_event, django_requests):
    first = _wsgi_get("/programme/")
    for n in range(20):
        assert _wsgi_get("/programme/", QUERY_STRING=f"x={n}&page={n}") == first
    assert len(django_requests) == 1


def test_a_query_with_a_nul_byte_is_still_a_404(demo_event, django_requests):
    _wsgi_get("/programme/")
    for query in ("fbclid=%00", "q=%00&utm_source=x", "%00=1"):
        status, _headers, _body = _wsgi_get("/programme/", QUERY_STRING=query)
        assert status.startswith("404"), query  # as MalformedRequestMiddleware answers
    assert len(django_requests) == 4


def test_the_language_switch_keeps_the_forms_parameters_but_not_a_clicks(client, demo_event):
    workshop = demo_event.sessions.filter(kind=Session.Kind.WORKSHOP).first()
    response = client.get(f"/inscription/?utm_source=lettre&atelier={workshop.slug}&fbclid=z")
    assert f'href="/en/inscription/?atelier={workshop.slug}"' in response.text


def test_a_public_page_drawn_for_a_query_does_not_repeat_it(client, demo_event):
    """The page kept for everybody never carries what one visitor put in their address."""
    page = client.get("/programme/?x=%22injected%22&page=2").text
    assert "injected" not in page and "page=2" not in page
    assert 'href="/en/programme/"' in page


def test_a_kept_part_is_replaced_by_a_seat_taken_not_piled_up(client, demo_event):
    """Only the latest state of each part is kept in the process: a rush of registrations
    (a new seat count every few seconds) does not grow its memory."""
    from program import cache as page_cache

    workshop = demo_event.sessions.filter(kind=Session.Kind.WORKSHOP).first()
    with time_machine.travel("2026-12-01 10:00:00 +0100", tick=False) as traveller:
        client.get("/programme/")
        parts = len(page_cache._parts)
        for taken in range(1, 6):
            RegistrationFactory(event=demo_event, workshop=workshop)
            traveller.shift(6)
            card = _card(client.get("/programme/").text, workshop)
            assert f"{workshop.capacity - taken} places restantes" in card
        assert len(page_cache._parts) == parts
