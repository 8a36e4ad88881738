"""Registration rush: gunicorn + PostgreSQL, many people registering at once (`make bench`).

A benchmark, not a test. It
1. (re)creates the database `colloque_bench` (owner: role colloque), migrates it, loads the
   demo colloquium (300 seats in the plenary room, five workshops of 30 to 60 seats) and
   collects the static files;
2. starts gunicorn with the production settings on 127.0.0.1 (free port, rate limit off,
   e-mails to the console) and the e-mail worker (`db_worker`, at a lower CPU priority,
   BENCH_WORKER_NICE: during a rush the web requests come first and the outbox absorbs the
   e-mails; BENCH_WORKER=0 leaves it off, so messages stay in the outbox);
3. runs the rush: CONCURRENCY virtual people in threads, each one loading the form once
   (CSRF cookie and token), then, for each registration, submitting the form and confirming
   the address through the link of the confirmation e-mail, read from the task table like
   a mailbox once the worker has sent the message (worker off: as soon as it is queued); it
   stops after TOTAL registrations or DURATION seconds;
4. prints completed registrations per second (completed = confirmed or on a waiting list),
   p50/p99 latency of each request and of a whole registration, errors, the CPU used per
   registration by each process, and the final seat counts against the capacities; then
   lets the worker empty the outbox (at most BENCH_DRAIN seconds, 0 to skip) and reports how
   long that took and its CPU per e-mail; then stops gunicorn and the worker.

Nothing leaves 127.0.0.1. Settings: BENCH_TOTAL (2000), BENCH_CONCURRENCY (32),
BENCH_DURATION (60 s), BENCH_WORKERS (gunicorn workers, 2 x CPU + 1), BENCH_WORKER (1),
BENCH_WORKER_NICE (10), BENCH_DRAIN (120 s), BENCH_ADMIN_DB_URL
(postgres://colloque:colloque@127.0.0.1:5432/colloque, used to create the bench database).
"""

import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
TOTAL = int(os.environ.get("BENCH_TOTAL", 2000))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 32))
DURATION = float(os.environ.get("BENCH_DURATION", 60))
WORKERS = int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 1) * 2 + 1))
ADMIN_DB_URL = os.environ.get(
    "BENCH_ADMIN_DB_URL", "postgres://colloque:colloque@127.0.0.1:5432/colloque"
)
BENCH_DB = "colloque_bench"
AUDIENCES = ["elected", "researcher", "teacher", "parent", "association", "city_staff", "other"]
WITH_WORKER = os.environ.get("BENCH_WORKER", "1") != "0"
WORKER_NICE = int(os.environ.get("BENCH_WORKER_NICE", 10))
DRAIN = float(os.environ.get("BENCH_DRAIN", 120))
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_db_url() -> str:
    parts = urllib.parse.urlsplit(ADMIN_DB_URL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DB))


def environment(port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "colloque.settings.production",
        "DATABASE_URL": bench_db_url(),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "REGISTRATION_RATE_LIMIT": "off",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    }


def prepare_database(env: dict) -> None:
    with psycopg.connect(ADMIN_DB_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB} OWNER colloque")
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"],
                    ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn stopped during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz within 30 s")


class Mailbox:
    """Reads confirmation links from the task table, as people read their e-mail."""

    def __init__(self, url: str):
        self.conn = psycopg.connect(url, autocommit=True)
        self.links: dict[str, str] = {}
        self.waiting: dict[str, threading.Event] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.seen: set = set()
        self.since = None
        self.column = "finished_at" if WITH_WORKER else "enqueued_at"
        self.thread = threading.Thread(target=self.run, daemon=True)

    def expect(self, email: str) -> threading.Event:
        with self.lock:
            event = self.waiting.setdefault(email, threading.Event())
            if email in self.links:
                event.set()
            return event

    def run(self):
        while not self.stop.is_set():
            # With the worker on, only e-mails it has sent: nobody confirms before the message
            # arrives. Without it, the message waiting in the outbox.
            rows = self.conn.execute(
                f"SELECT t.id, t.{self.column}, r.email, t.args_kwargs #>> '{{kwargs,token}}' "
                "FROM django_tasks_database_dbtaskresult t "
                "JOIN registrations_registration r "
                "  ON r.id = (t.args_kwargs #>> '{kwargs,registration_id}')::bigint "
                "WHERE t.task_path = 'registrations.tasks.send_registration_email' "
                "  AND t.args_kwargs #>> '{kwargs,kind}' = 'confirm_request' "
                "  AND t.status = %s "
                f"  AND t.{self.column} >= coalesce(%s, '-infinity'::timestamptz)"
                "  - interval '5 s'",
                ["SUCCESSFUL" if WITH_WORKER else "READY", self.since],
            ).fetchall()
            with self.lock:
                for row_id, sent_at, to, token in rows:
                    if row_id in self.seen:
                        continue
                    self.seen.add(row_id)
                    if sent_at is not None:
                        self.since = max(self.since or sent_at, sent_at)
                    if token:
                        self.links[to] = token
                        self.waiting.setdefault(to, threading.Event()).set()
            time.sleep(0.05)


class Client:
    """One person's browser: cookies, CSRF token, a new connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            start = time.perf_counter()
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
            elapsed = time.perf_counter() - start
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, response.getheader("Location"), content, elapsed

    def load_form(self) -> list[str]:
        status, _, content, elapsed = self.request("GET", "/inscription/")
        if status != 200:
            raise RuntimeError(f"form: HTTP {status}")
        html = content.decode()
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return re.findall(r'name="workshop" value="(\d+)"', html)


def rush(port: int, mailbox: Mailbox) -> dict:
    results = {"submit": [], "confirm": [], "registration": [], "completed": 0,
               "submitted": 0, "errors": [], "form": []}
    lock = threading.Lock()
    counter = iter(range(TOTAL))
    deadline = time.monotonic() + DURATION

    def next_index():
        with lock:
            return next(counter, None)

    def person(worker: int):
        client = Client(port)
        rng = random.Random(worker)
        try:
            start = time.perf_counter()
            workshops = client.load_form()
            results["form"].append(time.perf_counter() - start)
        except Exception as exc:  # noqa: BLE001 - counted as an error
            results["errors"].append(f"form: {exc}")
            return
        while time.monotonic() < deadline:
            index = next_index()
            if index is None:
                return
            email = f"rush{index}@bench.example.org"
            # Each registration is another person at this browser: the message of the last
            # confirmation would have been shown (and dropped) by the manage page.
            client.cookies.pop("messages", None)
            form = {
                "csrfmiddlewaretoken": client.csrf, "first_name": f"Personne{index}",
                "last_name": "Rush", "email": email, "organisation": "Banc d'essai",
                "role": "", "audience": rng.choice(AUDIENCES),
                "workshop": rng.choice(workshops + [""]), "privacy_consent": "on",
            }
            try:
                began = time.perf_counter()
                status, location, _, elapsed = client.request("POST", "/inscription/", form)
                if status != 302 or not location.endswith("/inscription/merci/"):
                    raise RuntimeError(f"submit: HTTP {status}")
                results["submit"].append(elapsed)
                with lock:
                    results["submitted"] += 1
                if not mailbox.expect(email).wait(timeout=30):
                    raise RuntimeError("no confirmation e-mail within 30 s")
                token = mailbox.links[email]
                status, location, _, elapsed = client.request(
                    "POST", f"/inscription/confirmer/{token}/",
                    {"csrfmiddlewaretoken": client.csrf},
                )
                if status != 302 or "/inscription/gerer/" not in (location or ""):
                    raise RuntimeError(f"confirm: HTTP {status}")
                results["confirm"].append(elapsed)
                results["registration"].append(time.perf_counter() - began)
                with lock:
                    results["completed"] += 1
            except Exception as exc:  # noqa: BLE001 - counted as an error
                with lock:
                    results["errors"].append(str(exc))

    threads = [threading.Thread(target=person, args=(n,)) for n in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["seconds"] = time.perf_counter() - started
    return results


SEAT_REPORT = """
import json
from program.models import Event
from registrations.models import Registration
from registrations.selectors import seat_summary
event = Event.objects.current()
s = seat_summary(event)
statuses = {k: Registration.objects.filter(status=k).count()
            for k, _ in Registration.Status.choices}
print(json.dumps({
    "statuses": statuses,
    "day": s["day"],
    "workshops": [{"title": w["session"].title, "capacity": w["capacity"], "taken": w["taken"],
                   "waiting": w["waiting"]} for w in s["workshops"]],
}))
"""


def cpu_seconds(pids) -> float:
    """User + system CPU of these processes and of their reaped children."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])
    return total / TICK


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        pids.extend(process_tree(int(child)))
    return pids


def database_backends(mailbox_pid: int) -> list[int]:
    with psycopg.connect(bench_db_url(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [BENCH_DB],
        ).fetchall()
    return [pid for (pid,) in rows if pid != mailbox_pid]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main():
    port = free_port()
    env = environment(port)
    print(f"Preparing database {BENCH_DB} …", flush=True)
    prepare_database(env)
    print(f"Starting gunicorn ({WORKERS} workers) on 127.0.0.1:{port} …", flush=True)
    server = subprocess.Popen(
        [GUNICORN, "-c", "colloque/gunicorn.conf.py", "colloque.wsgi"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, start_new_session=True,
    )
    worker = None
    if WITH_WORKER:  # the `worker` line of the Procfile: renders and sends the e-mails
        worker = subprocess.Popen(
            [PY, "manage.py", "db_worker", "--no-reload", "--interval", "0.5", "-v0"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=lambda: os.nice(WORKER_NICE),
        )
    mailbox = None
    try:
        wait_until_up(port, server)
        mailbox = Mailbox(bench_db_url())
        mailbox.thread.start()
        print(f"Rush: {TOTAL} registrations, {CONCURRENCY} at a time, at most {DURATION:.0f} s"
              f", e-mail worker {f'on (nice {WORKER_NICE})' if worker else 'off'}", flush=True)
        def cpu_now():
            return {
                "web": cpu_seconds(process_tree(server.pid)),
                "worker": cpu_seconds(process_tree(worker.pid)) if worker else 0.0,
                "db": cpu_seconds(database_backends(mailbox.conn.info.backend_pid)),
            }

        def mailbox_cpu():
            return cpu_seconds([mailbox.conn.info.backend_pid])

        def queued():
            return mailbox.conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
            ).fetchone()[0]

        load_before, cpu_before = os.getloadavg()[0], cpu_now()
        client_cpu, mailbox_before = time.process_time(), mailbox_cpu()
        results = rush(port, mailbox)
        results["cpu_client"] = time.process_time() - client_cpu
        results["cpu_mailbox"] = mailbox_cpu() - mailbox_before
        results["load"] = (load_before, os.getloadavg()[0])
        cpu_after = cpu_now()
        results.update({f"cpu_{k}": v - cpu_before[k] for k, v in cpu_after.items()})
        mailbox.stop.set()
        pending_tasks = queued()
        drain = None
        if worker and DRAIN and pending_tasks:  # the outbox empties after the rush
            started, deadline = time.perf_counter(), time.monotonic() + DRAIN
            while (left := queued()) and time.monotonic() < deadline:
                time.sleep(0.5)
            drain = {"seconds": time.perf_counter() - started, "left": left,
                     "sent": pending_tasks - left,
                     "cpu_worker": cpu_now()["worker"] - cpu_after["worker"]}
    finally:
        if mailbox:
            mailbox.stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if worker:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    seats = json.loads(subprocess.run(
        [PY, "manage.py", "shell", "-c", SEAT_REPORT], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1])

    rate = results["completed"] / results["seconds"]
    print()
    print(f"Completed registrations : {results['completed']} in {results['seconds']:.1f} s "
          f"= {rate:.0f} registrations/s (submit + confirm each)")
    print(f"Submissions (POST form) : {results['submitted']} "
          f"= {results['submitted'] / results['seconds']:.0f}/s (not yet confirmed included)")
    print(f"Errors                  : {len(results['errors'])}"
          + (f" (first: {results['errors'][0]})" if results["errors"] else ""))
    for name in ("submit", "confirm", "registration"):
        values = results[name]
        print(f"Latency {name:<15} : p50 {percentile(values, 50):6.1f} ms   "
              f"p99 {percentile(values, 99):6.1f} ms   (n={len(values)})")
    if results["form"]:
        median = statistics.median(results["form"]) * 1000
        print(f"Form load (once/person) : median {median:.1f} ms")
    done = max(results["completed"], 1)
    cpu = {k: results[f"cpu_{k}"] * 1000 / done for k in ("web", "worker", "db")}
    cores = os.cpu_count() or 1
    print(f"CPU per registration    : gunicorn {cpu['web']:.1f} ms, worker {cpu['worker']:.1f} ms, "
          f"PostgreSQL {cpu['db']:.1f} ms -> at most ~{cores * 1000 / sum(cpu.values()):.0f}/s "
          f"on {cores} idle cores")
    client = results["cpu_client"] * 1000 / done
    mailbox_db = results["cpu_mailbox"] * 1000 / done
    print(f"CPU of this client      : {client:.1f} ms per registration "
          f"(HTTP client and mailbox) + {mailbox_db:.1f} ms of PostgreSQL for the mailbox "
          "polling, on the same cores")
    print(f"Load average            : {results['load'][0]:.1f} before, {results['load'][1]:.1f} "
          f"after (other processes share these {cores} cores)")
    print(f"E-mail tasks still queued: {pending_tasks} when the rush ended")
    if drain:
        per_mail = drain["cpu_worker"] * 1000 / max(drain["sent"], 1)
        print(f"Outbox after the rush   : {drain['sent']} e-mail tasks done in "
              f"{drain['seconds']:.1f} s ({drain['left']} left), worker {per_mail:.1f} ms CPU "
              "per task")
    print()
    print("Statuses                :", ", ".join(f"{k} {v}" for k, v in seats["statuses"].items()))
    day = seats["day"]
    exact = day["taken"] <= day["capacity"]
    print(f"Plenary room            : {day['taken']}/{day['capacity']} seats held "
          f"({day['confirmed']} confirmed), {day['waiting']} on the waiting list")
    for w in seats["workshops"]:
        exact &= w["taken"] <= w["capacity"]
        print(f"  {w['title'][:44]:<44} {w['taken']:>4}/{w['capacity']:<4} "
              f"waiting {w['waiting']}")
    accounted = sum(seats["statuses"].values())
    print(f"Capacities respected    : {'yes' if exact else 'NO'}; registrations stored "
          f"{accounted}, completed by clients {results['completed']}")
    if results["errors"] or not exact:
        sys.exit(1)


if __name__ == "__main__":
    main()
