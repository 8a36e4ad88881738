"""What a public page costs to draw with 9 sessions and with 60 (issue 13), part of `make bench`.

The day the invitation goes out the programme may have grown; its pages must not cost more
for it. For `/`, `/programme/` and `/intervenants/` this measures, in one process with the
production settings on a PostgreSQL database of its own (colloque_perf_cost, the demo
colloquium, then 51 more workshops with two speakers each, as staff would add them), the
median time and the queries of:

- **drawn whole**: the page cache off (PUBLIC_PAGE_CACHE_SECONDS=0), every part drawn;
- **drawn again**: what production does once a page's few seconds are over: the parts that
  list the sessions are kept (`{% keep %}`, program/cache.py) until a staff edit or a seat
  taken, so only the rest is drawn (here: the stored pages dropped before each request);
- **after a staff edit**: a session saved before each request (a new version of the pages):
  the parts that list the sessions are drawn again, each session's own fragments are kept
  under its stamps (program/cache.py `fragments`), so only the edited session is read and
  drawn;
- **from the cache**: the same address again, served by PublicPageCacheMiddleware.

Time in process, without the network or gunicorn (bench/public_pages.py measures those).
BENCH_COST_RENDERS (40) renders per figure, after 3 not counted. Nothing leaves 127.0.0.1.
"""

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RENDERS = int(os.environ.get("BENCH_COST_RENDERS", 40))
PAGES = ["/", "/programme/", "/intervenants/"]
MODES = ["drawn whole", "after a staff edit", "drawn again", "from the cache"]


def _measure(client, path: str, mode: str) -> tuple[float, int]:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0 if mode == "drawn whole" else 5

    from program.models import Session

    edited = Session.objects.order_by("pk").first()

    def get():
        if mode == "drawn again":
            cache.clear()  # the stored pages (this process's cache), not the kept parts
        elif mode == "after a staff edit":
            edited.save()  # as the admin saves it: a new version, a new stamp
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200
        return time.perf_counter() - started

    for _ in range(3):
        get()
    times = [get() for _ in range(RENDERS)]
    if mode == "drawn again":
        cache.clear()
    elif mode == "after a staff edit":
        edited.save()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def _add_workshops(event, count: int) -> None:
    import datetime as dt

    from tests.factories import SessionSpeakerFactory, SpeakerFactory, WorkshopFactory, paris

    for index in range(count):
        start = paris(event.date, 14) + dt.timedelta(minutes=5 * (index % 20))
        workshop = WorkshopFactory(event=event, room=f"Salle annexe {index}", start=start,
                                   end=start + dt.timedelta(hours=1, minutes=30))
        for _ in range(2):
            SessionSpeakerFactory(session=workshop, speaker=SpeakerFactory())


def measure() -> dict:
    """{(path, mode): {9: (ms, queries), 60: (ms, queries)}}, in a process set up by main()."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.test import Client

    from program.models import Event

    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for sessions in (9, 60):
        event = Event.objects.current()
        if sessions == 60:
            _add_workshops(event, 60 - event.sessions.count())
        assert event.sessions.count() == sessions
        for path in PAGES:
            for mode in MODES:
                results.setdefault((path, mode), {})[sessions] = _measure(client, path, mode)
    return results


HEADER = (f"{'Page cost, in process (median)':<36} {'9 sessions':>12} {'60 sessions':>12} "
          f"{'queries':>8}")


def print_table(results: dict) -> None:
    print(HEADER)
    for (path, mode), by_size in results.items():
        (ms_9, q_9), (ms_60, q_60) = by_size[9], by_size[60]
        queries = f"{q_9}" if q_9 == q_60 else f"{q_9} → {q_60}"
        print(f"{path + ' ' + mode:<36} {ms_9:>9.1f} ms {ms_60:>9.1f} ms {queries:>8}")


def main():
    if os.environ.get("BENCH_COST_CHILD"):
        print_table(measure())
        return
    import registration_rush as rush

    rush.BENCH_DB = "colloque_perf_cost"
    env = rush.environment(rush.free_port())
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="colloque-cost-static-")
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(48)
    print(f"Preparing database {rush.BENCH_DB} …", flush=True)
    rush.prepare_database(env)
    subprocess.run([rush.PY, __file__], cwd=ROOT, env={**env, "BENCH_COST_CHILD": "1"},
                   check=True)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    main()
