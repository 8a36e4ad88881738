"""Registration rush: gunicorn + PostgreSQL, many people registering at once (`make bench`).

A benchmark, not a test. It
1. (re)creates the database `colloque_bench` (owner: role colloque), migrates it, loads the
   demo colloquium (300 seats in the plenary room, five workshops of 30 to 60 seats) and
   collects the static files;
2. starts gunicorn with the production settings on 127.0.0.1 (free port, the rate limits and
   hoarding caps of production, each person from a network of their own at one of the
   audience's mail domains, e-mails to the console) and the e-mail worker (`db_worker`, at a
   lower CPU priority, BENCH_WORKER_NICE). BENCH_WORKER=1 (default) runs it beside the site
   all along; =after starts it once the rush is over (the site alone takes the rush, the
   outbox keeps the e-mails); =0 leaves it off (links read from the outbox as soon as they
   are queued);
3. measures the public pages first: PAGES_CLIENTS (64) people loading `/`, then
   `/programme/`, again and again for PAGES_SECONDS each (bench/public_pages.py); then runs
   two phases, each timed on its own, with CONCURRENCY virtual people in threads (each
   loads the form once for its CSRF cookie and token): the rush (everybody submits the form,
   TOTAL people or DURATION seconds), then the confirmations (each person posts the link of
   their e-mail, read from the task table like a mailbox once the worker has sent it);
4. prints registrations per second for each phase and end to end, p50/p99 latency, errors, the
   CPU each request costs in gunicorn, the worker and PostgreSQL, how busy the machine was
   (idle time during a phase means waiting on the event lock, not on the CPU), and the final
   seat counts against the capacities; then lets the worker empty the outbox (at most BENCH_DRAIN
   seconds, 0 to skip) and reports how long that took and its CPU per e-mail; then stops
   gunicorn and the worker; last, one table of every phase (requests per second, p50, p99,
   errors, gunicorn CPU per request).

Nothing leaves 127.0.0.1. Settings: BENCH_TOTAL (2000), BENCH_CONCURRENCY (32),
BENCH_DURATION (60 s), BENCH_WORKERS (gunicorn workers, one per CPU), BENCH_WORKER (1),
BENCH_WORKER_NICE (10), BENCH_MAIL_WORKERS (1 `worker` process), BENCH_DRAIN (120 s),
BENCH_PAGES_CLIENTS (64), BENCH_PAGES_SECONDS (10 per page, 0 to skip),
BENCH_ADMIN_DB_URL
(postgres://colloque:colloque@127.0.0.1:5432/colloque, used to create the bench database).
"""

import base64
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
from django.utils.crypto import salted_hmac

sys.path.insert(0, str(Path(__file__).resolve().parent))
import public_pages  # noqa: E402 - bench/ is not a package

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
TOTAL = int(os.environ.get("BENCH_TOTAL", 2000))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 32))
DURATION = float(os.environ.get("BENCH_DURATION", 60))
WORKERS = int(os.environ.get("BENCH_WORKERS", os.cpu_count() or 1))  # as gunicorn.conf.py
ADMIN_DB_URL = os.environ.get(
    "BENCH_ADMIN_DB_URL", "postgres://colloque:colloque@127.0.0.1:5432/colloque"
)
BENCH_DB = "colloque_bench"
AUDIENCES = ["elected", "researcher", "teacher", "parent", "association", "city_staff", "other"]
# 1: the worker runs beside the site all along; after: it starts once the rush is over (the
# site alone takes the rush, the outbox keeps the e-mails); 0: no worker at all.
WORKER_MODE = os.environ.get("BENCH_WORKER", "1")
if WORKER_MODE not in ("1", "after", "0"):
    sys.exit(f"BENCH_WORKER={WORKER_MODE!r}: 1, after or 0")
WITH_WORKER = WORKER_MODE != "0"
WORKER_NICE = int(os.environ.get("BENCH_WORKER_NICE", 10))
MAIL_WORKERS = int(os.environ.get("BENCH_MAIL_WORKERS", 1))  # `worker` processes (Procfile)
DRAIN = float(os.environ.get("BENCH_DRAIN", 120))
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_db_url() -> str:
    parts = urllib.parse.urlsplit(ADMIN_DB_URL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DB))


# The site's secret for this run: the mailbox computes each confirmation link from the
# registration's reference, as the worker does (no token is stored in a task row).
SECRET_KEY = secrets.token_urlsafe(48)


def link_token(reference: str) -> str:
    """registrations.models.link_token, with the run's secret (this script has no settings)."""
    digest = salted_hmac("registrations.link", reference, secret=SECRET_KEY,
                         algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def environment(port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "colloque.settings.production",
        "DATABASE_URL": bench_db_url(),
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # The rate limits and the hoarding caps as in production: each person comes from a
        # network of their own (X-Forwarded-For, read from 127.0.0.1 as from the PaaS router)
        # with an address at one of the audience's domains (`person()`). One machine: the
        # limits count per process (no Redis).
        "ALLOW_LOCAL_CACHE": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    }


def prepare_database(env: dict) -> None:
    with psycopg.connect(ADMIN_DB_URL, autocommit=True) as conn:
        for attempt in range(10):
            try:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
                break
            except psycopg.errors.InsufficientPrivilege:
                # A server process of another role (autovacuum after the last run) is still
                # in it: FORCE cannot end it for us, and it ends by itself in a moment.
                if attempt == 9:
                    raise
                time.sleep(1)
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
                f"SELECT t.id, t.{self.column}, r.email, r.reference "
                "FROM django_tasks_database_dbtaskresult t "
                "JOIN registrations_registration r "
                "  ON r.reference = t.args_kwargs #>> '{kwargs,reference}' "
                "WHERE t.task_path = 'registrations.tasks.send_registration_email' "
                "  AND t.args_kwargs #>> '{kwargs,kind}' = 'confirm_request' "
                "  AND t.status = %s "
                f"  AND t.{self.column} >= coalesce(%s, '-infinity'::timestamptz)"
                "  - interval '5 s'",
                ["SUCCESSFUL" if WITH_WORKER else "READY", self.since],
            ).fetchall()
            with self.lock:
                for row_id, sent_at, to, reference in rows:
                    if row_id in self.seen:
                        continue
                    self.seen.add(row_id)
                    if sent_at is not None:
                        self.since = max(self.since or sent_at, sent_at)
                    self.links[to] = link_token(reference)
                    self.waiting.setdefault(to, threading.Event()).set()
            time.sleep(0.05)


# The audience's mail domains: the académie's and the City's (no domain cap), a webmail, and
# associations and collectives, a few people each (each domain under its cap of 30).
DOMAINS = ["ac-paris.fr", "paris.fr", "gmail.com", "orange.fr", "collectif{n}.org"]


def person(index: int) -> tuple[str, str]:
    """The e-mail address of the `index`th person and the address they connect from: a /24
    of their own, as the router reports it in X-Forwarded-For."""
    domain = DOMAINS[index % len(DOMAINS)].format(n=index // len(DOMAINS) % 400)
    return (f"rush{index}@{domain}",
            f"{10 + index // 65536}.{index // 256 % 256}.{index % 256}.7")


class Client:
    """One person's browser: cookies, CSRF token, a new connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.forwarded_for = ""

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
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


def run_people(port: int, work, items: list, deadline: float) -> None:
    """CONCURRENCY people (threads) take the next item until none is left or time is up."""
    lock = threading.Lock()
    queue = iter(items)

    def next_item():
        with lock:
            return next(queue, None)

    def person():
        client = Client(port)
        try:
            client.workshops = client.load_form()  # CSRF cookie and token, once per browser
        except Exception as exc:  # noqa: BLE001 - counted as an error
            work.errors.append(f"form: {exc}")
            return
        while time.monotonic() < deadline and (item := next_item()) is not None:
            try:
                work(client, item, random.Random(hash(item)))
            except Exception as exc:  # noqa: BLE001 - counted as an error
                work.errors.append(str(exc))

    threads = [threading.Thread(target=person) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Submit:
    """Phase 1, the rush: everyone submits the form when registrations open."""

    def __init__(self):
        self.latency, self.errors, self.done = [], [], []

    def __call__(self, client, index, rng):
        email, client.forwarded_for = person(index)
        form = {
            "csrfmiddlewaretoken": client.csrf, "first_name": f"Personne{index}",
            "last_name": "Rush", "email": email, "organisation": "Banc d'essai",
            "role": "", "audience": rng.choice(AUDIENCES),
            "workshop": rng.choice(client.workshops + [""]), "privacy_consent": "on",
        }
        status, location, _, elapsed = client.request("POST", "/inscription/", form)
        if status != 302 or not location.endswith("/inscription/merci/"):
            raise RuntimeError(f"submit: HTTP {status}")
        self.latency.append(elapsed)
        self.done.append(email)


class Confirm:
    """Phase 2: each person opens the e-mail and confirms (the link is read once sent)."""

    def __init__(self, mailbox: Mailbox):
        self.mailbox, self.latency, self.errors, self.done = mailbox, [], [], []

    def __call__(self, client, email, rng):
        # Each confirmation is another person at this browser: the message of the last
        # confirmation would have been shown (and dropped) by the manage page.
        client.cookies.pop("messages", None)
        if not self.mailbox.expect(email).wait(timeout=60):
            raise RuntimeError("no confirmation e-mail within 60 s")
        status, location, _, elapsed = client.request(
            "POST", f"/inscription/confirmer/{self.mailbox.links[email]}/",
            {"csrfmiddlewaretoken": client.csrf},
        )
        if status != 302 or "/inscription/gerer/" not in (location or ""):
            raise RuntimeError(f"confirm: HTTP {status}")
        self.latency.append(elapsed)
        self.done.append(email)


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


def machine_cpu() -> dict:
    """The whole machine's CPU time (all cores) from /proc/stat: busy, idle, stolen."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return {"busy": (user + nice + system + irq + softirq) / TICK,
            "idle": (idle + iowait) / TICK, "steal": steal / TICK}


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
    workers = []

    def start_workers():  # the `worker` line of the Procfile: renders and sends the e-mails
        return [subprocess.Popen(
            [PY, "manage.py", "db_worker", "--no-reload", "--interval", "0.5", "-v0"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=lambda: os.nice(WORKER_NICE),
        ) for _ in range(MAIL_WORKERS)]

    if WORKER_MODE == "1":
        workers = start_workers()
    mailbox = None
    try:
        wait_until_up(port, server)
        pages = []
        if public_pages.SECONDS:
            print(f"Public pages: {public_pages.CLIENTS} clients, {public_pages.SECONDS:.0f} s "
                  "per page …", flush=True)
            pages = [public_pages.measure(port, path, server_cpu=lambda: cpu_seconds(
                process_tree(server.pid))) for path in public_pages.PAGES]
        mailbox = Mailbox(bench_db_url())  # reads mail from phase 2 on: nobody confirms before
        print(f"Rush: {TOTAL} registrations, {CONCURRENCY} people at a time, at most "
              f"{DURATION:.0f} s per phase, e-mail worker ({MAIL_WORKERS} process"
              f"{'es' if MAIL_WORKERS > 1 else ''}) "
              + {"1": f"on (nice {WORKER_NICE})", "after": "started after the rush",
                 "0": "off"}.get(WORKER_MODE, WORKER_MODE), flush=True)

        def cpu_now():
            return {
                "web": cpu_seconds(process_tree(server.pid)),
                "worker": sum(cpu_seconds(process_tree(w.pid)) for w in workers),
                "db": cpu_seconds(database_backends(mailbox.conn.info.backend_pid)),
                "client": time.process_time(),
                **machine_cpu(),
            }

        def queued():
            return mailbox.conn.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
                " AND task_path <> 'registrations.tasks.expire_hold'"  # e-mails only
            ).fetchone()[0]

        def run_phase(work, items) -> dict:
            before, started = cpu_now(), time.perf_counter()
            run_people(port, work, items, time.monotonic() + DURATION)
            seconds, after = time.perf_counter() - started, cpu_now()
            return {"work": work, "seconds": seconds, "queued": queued(),
                    "cpu": {k: after[k] - before[k] for k in after}}

        phases = {"rush": run_phase(Submit(), list(range(TOTAL)))}
        # Phase 2: the people whose submission went through open their e-mail.
        mailbox.thread.start()
        if WORKER_MODE == "after":
            workers = start_workers()
        phases["confirm"] = run_phase(Confirm(mailbox), phases["rush"]["work"].done)
        mailbox.stop.set()
        pending_tasks = queued()
        drain = None
        if workers and DRAIN and pending_tasks:  # the outbox empties after the rush
            before = cpu_now()["worker"]
            started, deadline = time.perf_counter(), time.monotonic() + DRAIN
            while (left := queued()) and time.monotonic() < deadline:
                time.sleep(0.5)
            drain = {"seconds": time.perf_counter() - started, "left": left,
                     "sent": pending_tasks - left, "cpu_worker": cpu_now()["worker"] - before}
        # How long people waited for their e-mail: from the submission's commit (the task row
        # is written in it) to the worker's delivery, per kind of message.
        mail_waits = mailbox.conn.execute(
            "SELECT args_kwargs #>> '{kwargs,kind}', count(*), "
            "  percentile_cont(0.5) WITHIN GROUP (ORDER BY finished_at - enqueued_at), "
            "  percentile_cont(0.99) WITHIN GROUP (ORDER BY finished_at - enqueued_at) "
            "FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL' "
            "AND task_path = 'registrations.tasks.send_registration_email' GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        if mailbox:
            mailbox.stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
    seats = json.loads(subprocess.run(
        [PY, "manage.py", "shell", "-c", SEAT_REPORT], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1])

    cores = os.cpu_count() or 1
    rush, confirm = phases["rush"], phases["confirm"]
    submitted, confirmed = len(rush["work"].done), len(confirm["work"].done)
    print()
    print(f"1. Rush: registrations completed : {submitted} in {rush['seconds']:.1f} s = "
          f"{submitted / rush['seconds']:.0f} registrations/s")
    print("   (form submitted and answered: stored, seats held or place on a waiting list "
          "decided, confirmation e-mail in the outbox)")
    print(f"2. Confirmations by e-mail link  : {confirmed} in {confirm['seconds']:.1f} s = "
          f"{confirmed / confirm['seconds']:.0f}/s")
    both = rush["seconds"] + confirm["seconds"]
    print(f"   Submit + confirm, end to end : {confirmed / both:.0f} registrations/s")
    errors = rush["work"].errors + confirm["work"].errors
    print(f"Errors                          : {len(errors)}"
          + (f" (first: {errors[0]})" if errors else ""))
    for name, phase in phases.items():
        values = phase["work"].latency
        done = max(len(phase["work"].done), 1)
        cpu = {k: v * 1000 / done for k, v in phase["cpu"].items()}
        server_cpu = cpu["web"] + cpu["worker"] + cpu["db"]
        print(f"{name.capitalize():<8} latency p50 {percentile(values, 50):6.1f} ms, "
              f"p99 {percentile(values, 99):6.1f} ms (n={len(values)}); CPU per request: "
              f"gunicorn {cpu['web']:.1f} ms, worker {cpu['worker']:.1f} ms, PostgreSQL "
              f"{cpu['db']:.1f} ms, this client {cpu['client']:.1f} ms "
              f"(server alone: at most ~{cores * 1000 / server_cpu:.0f}/s on {cores} cores); "
              f"e-mail tasks queued at the end: {phase['queued']}")
        share = {k: 100 * v / (sum(phase["cpu"][k] for k in ("busy", "idle", "steal")) or 1)
                 for k, v in phase["cpu"].items()}
        print(f"{'':<9}machine: busy {share['busy']:.0f} %, idle {share['idle']:.0f} %, "
              f"stolen by the host {share['steal']:.0f} %; processes above: "
              f"{sum(share[k] for k in ('web', 'worker', 'db', 'client')):.0f} %")
    if drain:
        per_mail = drain["cpu_worker"] * 1000 / max(drain["sent"], 1)
        print(f"Outbox after the phases         : {drain['sent']} e-mail tasks done in "
              f"{drain['seconds']:.1f} s ({drain['left']} left), worker {per_mail:.1f} ms CPU "
              "per task")
    for kind, count, p50, p99 in mail_waits:
        print(f"E-mail {kind:<16}: {count} sent, waited p50 {p50.total_seconds():.1f} s, "
              f"p99 {p99.total_seconds():.1f} s from the submission to the worker's delivery")
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
          f"{accounted}, submitted {submitted}, confirmed {confirmed}")
    print()
    threads = os.environ.get("GUNICORN_THREADS", "4, colloque/gunicorn.conf.py's default")
    print(f"Summary: {cores} cores, gunicorn {WORKERS} workers x threads {threads}")
    print(public_pages.HEADER)
    for result in pages:
        print(public_pages.row(f"GET {result['path']} ({result['clients']} clients)",
                               result["rps"], result["p50"], result["p99"],
                               len(result["errors"]), result["server_ms"]))
    for name, phase in phases.items():
        values, done = phase["work"].latency, max(len(phase["work"].done), 1)
        print(public_pages.row(
            f"{'Register (POST)' if name == 'rush' else 'Confirm (POST)'} "
            f"({CONCURRENCY} clients)", len(phase["work"].done) / phase["seconds"],
            percentile(values, 50), percentile(values, 99), len(phase["work"].errors),
            phase["cpu"]["web"] * 1000 / done))
    page_errors = sum(len(result["errors"]) for result in pages)
    if errors or page_errors or not exact or accounted != submitted:
        sys.exit(1)


if __name__ == "__main__":
    main()
