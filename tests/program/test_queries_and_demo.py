import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program.demo import load_demo
from program.models import Event, Page, Session, SessionSpeaker, Speaker
from tests.factories import SessionSpeakerFactory, SpeakerFactory, WorkshopFactory, paris

pytestmark = pytest.mark.django_db


def _add_workshops(event: Event, count: int) -> None:
    """More workshops, each with two new speakers, to show the page cost does not grow."""
    for index in range(count):
        start = paris(event.date, 9) + dt.timedelta(minutes=15 * (index % 20))
        workshop = WorkshopFactory(event=event, room=f"Salle annexe {index}", start=start,
                                   end=start + dt.timedelta(hours=1))
        for _ in range(2):
            SessionSpeakerFactory(session=workshop, speaker=SpeakerFactory())


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", ["/", "/programme/", "/intervenants/", "/en/programme/"])
def test_page_queries_do_not_grow_with_sessions_and_speakers(client, demo_event, url, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # each request draws the whole page
    with_9 = _queries(client, url)
    _add_workshops(demo_event, 51)
    assert demo_event.sessions.count() == 60
    with_60 = _queries(client, url)
    assert with_60 == with_9
    assert with_60 <= 6


@pytest.mark.parametrize(("url", "budget"), [("/", 2), ("/programme/", 2), ("/en/programme/", 2),
                                             ("/intervenants/", 0)])
def test_a_page_drawn_again_after_its_few_seconds_reads_only_the_seats(client, demo_event, url,
                                                                         budget, settings):
    """The parts listing the sessions are kept ({% keep %}): once a page's few seconds are
    over (here: the stored pages dropped), drawing it again reads the seats left, not the
    sessions and their speakers."""
    from django.core.cache import cache

    settings.CURRENT_EVENT_CACHE_SECONDS = 5  # as in production: the edition is kept too
    _queries(client, url)
    cache.clear()  # the stored pages, not the kept parts
    with_9 = _queries(client, url)
    _add_workshops(demo_event, 51)  # saved like staff do: a new version of the pages
    _queries(client, url)
    cache.clear()
    with_60 = _queries(client, url)
    assert with_60 == with_9
    assert with_60 <= budget


def _sessions_read(context) -> list[int]:
    """How many sessions each query that reads whole sessions asked for."""
    counts = []
    for query in context.captured_queries:
        sql = query["sql"]
        if sql.startswith('SELECT "program_session"."id", "program_session"."event_id"'):
            ids = re.search(r'"program_session"\."id" IN \(([^)]*)\)', sql)
            counts.append(len(ids[1].split(",")) if ids else -1)  # -1: every session
    return counts


@pytest.mark.parametrize("url", ["/", "/programme/", "/en/programme/"])
def test_after_a_staff_edit_a_page_reads_and_draws_again_only_the_edited_session(
        client, demo_event, url, settings):
    """A staff edit makes every kept part stale, but each session's fragments are kept under
    its own stamps: the page reads the stamps, then only the session that changed."""
    from django.core.cache import cache

    settings.CURRENT_EVENT_CACHE_SECONDS = 5  # as in production
    _add_workshops(demo_event, 51)
    client.get(url)  # every fragment drawn and kept
    plenary = demo_event.sessions.plenaries().first()
    plenary.title_fr = plenary.title_en = "Conférence au titre corrigé"
    plenary.save()
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert "Conférence au titre corrigé" in response.text
    assert _sessions_read(context) == [1]
    assert len(context.captured_queries) <= 6


def test_after_a_staff_edit_the_speakers_page_reads_only_the_edited_speaker(
        client, demo_event, settings):
    from django.core.cache import cache

    settings.CURRENT_EVENT_CACHE_SECONDS = 5  # as in production
    _add_workshops(demo_event, 51)
    client.get("/intervenants/")  # every entry drawn and kept
    speaker = Speaker.objects.order_by("pk").first()
    speaker.organisation = "Organisation corrigée"
    speaker.save()
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get("/intervenants/")
    assert "Organisation corrigée" in response.text
    speakers_read = [query["sql"] for query in context.captured_queries
                     if query["sql"].startswith('SELECT DISTINCT "program_speaker"."id"')]
    assert len(speakers_read) == 1 and f'"program_speaker"."id" IN ({speaker.pk})' in \
        speakers_read[0]
    assert len(context.captured_queries) <= 5


def test_session_page_queries_are_a_fixed_few(client, demo_event, settings,
                                              django_assert_max_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    session = demo_event.sessions.workshops().first()
    with django_assert_max_num_queries(5):
        assert client.get(session.get_absolute_url()).status_code == 200


def test_load_demo_twice_changes_nothing(db):
    load_demo()
    models = (Event, Session, Speaker, SessionSpeaker, Page)
    first = {model.__name__: model.objects.count() for model in models}
    assert first == {"Event": 1, "Session": 9, "Speaker": 9, "SessionSpeaker": 14, "Page": 4}
    load_demo()
    assert {model.__name__: model.objects.count() for model in models} == first
    assert all(page.is_demo and page.body_fr and page.body_en for page in Page.objects.all())
    assert Session.objects.plenaries().count() == 4
    assert Session.objects.workshops().count() == 5


def test_load_demo_keeps_a_page_staff_have_validated(db):
    load_demo()
    Page.objects.filter(slug="mentions-legales").update(body_fr="Texte validé", is_demo=False)
    load_demo()
    assert Page.objects.get(slug="mentions-legales").body_fr == "Texte validé"
    assert Page.objects.get(slug="accessibilite").is_demo
