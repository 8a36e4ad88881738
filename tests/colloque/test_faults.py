"""Faults production will meet: a worker killed, the database cut, a mail server that hangs.

The processes run as the Procfile starts them (production settings, `db_worker --no-reload`,
gunicorn) against this test's PostgreSQL database; e-mails go to files (`filemail://`) or
to a small SMTP server in the test, and are counted by Message-ID. The shared PostgreSQL
cluster is never stopped: a TCP proxy in the test stands between the processes and it, and
is cut and restored. Each test is bounded (pytest-timeout) and polls instead of sleeping
for a fixed time.
"""

import collections
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="processes share PostgreSQL"),
    pytest.mark.timeout(90),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(port: int | None = None) -> str:
    db = connection.settings_dict
    return (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{port or db['PORT'] or 5432}/{db['NAME']}")


@pytest.fixture
def production(tmp_path):
    """The environment of a production process, on this test's database."""
    site_port = _free_port()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "colloque.settings.production",  # as README says
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"filemail://{tmp_path / 'mails'}",
        "SITE_URL": f"http://127.0.0.1:{site_port}",
        "PORT": str(site_port),
        "WEB_CONCURRENCY": "2",
        "ALLOW_LOCAL_CACHE": "1",
        "REGISTRATION_RATE_LIMIT": "off",
        "REGISTRATION_HOLDS_PER_NETWORK": "0",  # every submission comes from 127.0.0.1
        "REGISTRATION_HOLDS_PER_DOMAIN": "0",
        "TASK_RUNNING_TIMEOUT": "2",
        "EMAIL_RETRY_SECONDS": "1",
        "EMAIL_TIMEOUT": "1",
        "EMAIL_BREAKER_FAILURES": "2",
        "EMAIL_BREAKER_SECONDS": "1",
        "CONN_MAX_AGE": "60",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def processes():
    """Processes started by a test, killed at its end (before the database is flushed).

    Each runs in a process group of its own, killed whole: gunicorn's workers die with
    their master. Then any session still open on the test database (a killed process's
    connection a proxy kept open, a transaction it left) is ended, so that the flush after
    the test never waits on a lock nobody will release."""
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)
    _end_other_sessions()


def _end_other_sessions():
    """End every other session on this test's database, and wait until they are gone."""
    query = ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    count = ("SELECT count(*) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with connection.cursor() as cursor:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            cursor.execute(query)
            cursor.execute(count)
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.2)  # polling the server's sessions


def _start(command, env, **kwargs) -> subprocess.Popen:
    """A process in a group of its own, so that the fixture kills it with its children."""
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, **kwargs)


def _log():
    """Where the processes' logs go: FAULTS_LOG=/path to read them after a failure."""
    return open(os.environ.get("FAULTS_LOG", os.devnull), "a")  # noqa: SIM115


def _worker(env, processes) -> subprocess.Popen:
    process = _start([PY, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
                     env, stdout=subprocess.DEVNULL, stderr=_log())
    processes.append(process)
    return process


def _message_ids(directory: Path) -> collections.Counter:
    found = collections.Counter()
    for path in directory.glob("*") if directory.exists() else []:
        found.update(re.findall(r"^Message-ID: (\S+)", path.read_text(errors="replace"), re.M))
    return found


def _until(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)  # polling another process, not waiting for application time
    raise AssertionError(f"not within {seconds} s: {what}")


def _queue_messages(count: int, settings, *, priority: int = 0) -> list[str]:
    """Messages as send_email_later queues them, in the production queue."""
    from colloque import mail

    settings.TASKS = {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    ids = []
    for n in range(count):
        message_id = f"<fault-{n}-{secrets.token_hex(4)}@127.0.0.1>"
        mail.deliver_email.using(priority=priority).enqueue(message={
            "subject": f"Message {n}", "text": "Bonjour", "html": "<p>Bonjour</p>",
            "to": [f"p{n}@example.org"], "message_id": message_id, "priority": priority})
        ids.append(message_id)
    return ids


def _all_done():
    from django_tasks_db.models import DBTaskResult

    return not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


def test_a_worker_killed_mid_batch_then_restarted_loses_no_email(
        production, processes, settings, tmp_path):
    ids = _queue_messages(60, settings)
    mails = tmp_path / "mails"
    for _ in range(4):  # killed as soon as it has sent something, four times
        worker = _worker(production, processes)
        before = sum(_message_ids(mails).values())
        _until(lambda b=before: sum(_message_ids(mails).values()) > b, seconds=30,
               what="the worker sends")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    _worker(production, processes)
    _until(_all_done, seconds=40, what="every task done")
    sent = _message_ids(mails)
    assert set(sent) == set(ids)  # every e-mail delivered, none lost
    # Once each, except when a kill falls between the server's acceptance and the worker's
    # record of it (the killing here waits for a delivery, so it aims at that window): then
    # that one message is sent again, with the same Message-ID, which mail systems use to
    # drop the copy. At most one such message per kill.
    assert sum(count - 1 for count in sent.values()) <= 4


class SMTPServer:
    """A mail server in three moods: `refuse` (nothing listens), `hang` (accepts, never
    answers), `ok` (speaks enough SMTP and keeps each message's Message-ID)."""

    def __init__(self):
        self.port = _free_port()
        self.received = collections.Counter()
        self.listener = None
        self.mood = "refuse"

    def set(self, mood: str) -> None:
        self.mood = mood
        if mood == "refuse":
            if self.listener:
                self.listener.close()
                self.listener = None
        elif self.listener is None:
            self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
            threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def accept(self, listener):
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        if self.mood == "hang":
            time.sleep(30)
            conn.close()
            return
        file = conn.makefile("rb")
        with conn:
            conn.sendall(b"220 test ready\r\n")
            for line in file:
                verb = line[:4].upper()
                if verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    data = b""
                    for body in file:
                        if body == b".\r\n":
                            break
                        data += body
                    found = re.search(rb"^Message-ID: (\S+)", data, re.M | re.I)
                    self.received[found.group(1).decode() if found else "?"] += 1
                    conn.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")


def test_a_mail_server_refusing_then_hanging_then_back_gets_every_email_once(
        production, processes, settings):
    server = SMTPServer()
    production["EMAIL_URL"] = f"smtp://127.0.0.1:{server.port}"
    ids = _queue_messages(10, settings) + _queue_messages(5, settings, priority=10)
    _worker(production, processes)
    time.sleep(3)  # the worker meets a refusing server (a phase of the outage, not a wait)
    server.set("hang")
    time.sleep(4)  # then a server that never answers
    server.set("ok")
    _until(_all_done, seconds=60, what="every e-mail delivered")
    assert set(server.received) == set(ids)
    assert set(server.received.values()) == {1}


class Proxy:
    """A TCP proxy between the processes and PostgreSQL, which the test cuts and restores.

    A socket is shut down, not only closed: closing it does not end a `recv` another thread
    is blocked in, and the server would keep that session (and any lock it holds) open."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets = set()
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    def pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        self._end(source, sink)

    def _end(self, *sockets):
        for sock in sockets:
            for end in (lambda s: s.shutdown(socket.SHUT_RDWR), lambda s: s.close()):
                try:
                    end(sock)
                except OSError:
                    pass
        with self.lock:
            self.sockets.difference_update(sockets)

    def cut(self):
        self.open = False
        with self.lock:
            sockets = list(self.sockets)
        self._end(*sockets)

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.fixture
def new_proxy(processes):
    """A proxy to this test's PostgreSQL, closed after the test (before the processes'
    leftover sessions are ended)."""
    proxies = []

    def make() -> Proxy:
        proxies.append(Proxy(int(connection.settings_dict["PORT"] or 5432)))
        return proxies[-1]

    yield make
    for made in proxies:
        made.close()


def _post_registration(port: int, n: int) -> int:
    """A person's submission: the form (CSRF cookie and token), then the POST. The cookies
    are carried by hand: production marks them Secure, and this is plain HTTP on 127.0.0.1."""
    def request(method, body=None, cookies=""):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        headers = {"Cookie": cookies} if cookies else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, "/inscription/", body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read().decode(errors="replace")

    response, html = request("GET")
    if response.status != 200:
        return response.status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookies = "; ".join(value.split(";")[0] for header, value in response.getheaders()
                        if header.lower() == "set-cookie")
    form = urllib.parse.urlencode({
        "csrfmiddlewaretoken": token, "first_name": f"Personne{n}", "last_name": "Panne",
        "email": f"panne{n}@example.org", "organisation": "", "role": "",
        "audience": "parent", "workshop": "", "privacy_consent": "on",
    })
    response, _ = request("POST", form, cookies)
    return response.status


def test_a_database_outage_during_a_burst_gives_503_pages_and_everything_resumes(
        production, processes, new_proxy, tmp_path):
    from program.demo import load_demo
    from registrations.models import Registration

    load_demo()
    proxy = new_proxy()
    production["DATABASE_URL"] = _database_url(proxy.port)
    port = int(production["PORT"])
    production["STATIC_ROOT"] = str(tmp_path / "static")
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=production, check=True, timeout=120)
    web = _start([GUNICORN, "-c", "colloque/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                  "colloque.wsgi"], production, stdout=subprocess.DEVNULL, stderr=_log())
    processes.append(web)
    worker = _worker(production, processes)

    def healthy():
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status
        except (urllib.error.URLError, OSError):
            return None

    _until(lambda: healthy() == 200, seconds=30, what="gunicorn up")
    statuses = collections.Counter()
    for n in range(10):
        statuses[_post_registration(port, n)] += 1
    proxy.cut()
    for n in range(10, 20):
        statuses[_post_registration(port, n)] += 1
    proxy.restore()
    _until(lambda: healthy() == 200, seconds=30, what="the site answers again")
    for n in range(20, 30):
        statuses[_post_registration(port, n)] += 1
    assert set(statuses) <= {302, 503}, statuses
    assert statuses[503] >= 10  # every submission during the cut
    assert statuses[302] == 20
    assert worker.poll() is None and web.poll() is None  # neither process gave up

    registrations = Registration.objects.filter(email__startswith="panne")
    assert registrations.count() == 20  # the ones answered 302, nothing half-written
    emails = set(registrations.values_list("email", flat=True))
    mails = tmp_path / "mails"

    def confirmations_sent():
        texts = "".join(p.read_text(errors="replace") for p in mails.glob("*")) \
            if mails.exists() else ""
        return all(email in texts for email in emails)

    _until(confirmations_sent, seconds=40, what="the worker sends every confirmation e-mail")
