"""Production start-up rules an operator relies on."""

import json
import os
import runpy
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_SETTINGS_MODULE="colloque.settings.production",
                       WEB_CONCURRENCY="1")
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY="k" * 30 + "-production-secret-0123456789-abcdef",
        DJANGO_ALLOWED_HOSTS="colloque.example.org",
        EMAIL_URL="smtp://mail.example.org:25",
        DATABASE_URL="sqlite:////tmp/colloque-check.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 30 + "-production-secret-0123456789-abcdef",
    "DJANGO_ALLOWED_HOSTS": "colloque.example.org",
    "EMAIL_URL": "smtp://mail.example.org:25",
    "DATABASE_URL": "sqlite:////tmp/colloque-check.sqlite3",
}


def test_production_refuses_a_per_process_cache_when_several_processes_serve():
    result = _manage("check", **PRODUCTION, WEB_CONCURRENCY="4")
    assert result.returncode != 0
    assert "4 web processes share no cache: set REDIS_URL" in result.stderr


@pytest.mark.parametrize("setting", [
    {"REDIS_URL": "redis://127.0.0.1:6379/1"},
    {"ALLOW_LOCAL_CACHE": "1"},
    {"WEB_CONCURRENCY": "1"},
])
def test_production_starts_with_a_shared_cache_or_when_told_so(setting):
    result = _manage("check", **{**PRODUCTION, "WEB_CONCURRENCY": "4", **setting})
    assert result.returncode == 0, result.stderr


def test_check_deploy_flags_the_console_mailer_in_production():
    result = _manage(
        "check", "--deploy",
        DJANGO_SECRET_KEY="k" * 30 + "-production-secret-0123456789-abcdef",
        DJANGO_ALLOWED_HOSTS="colloque.example.org",
        DATABASE_URL="sqlite:////tmp/colloque-check.sqlite3",
    )
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("colloque.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_procfile_names_web_release_and_worker():
    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert lines["web"].strip().startswith("gunicorn -c colloque/gunicorn.conf.py")
    assert "$PORT" in lines["web"]
    assert "migrate" in lines["release"]
    assert "db_worker" in lines["worker"]


def _procfile() -> dict[str, str]:
    return {
        name.strip(): command.strip()
        for name, command in (
            line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
        )
    }


def _as_production_runs_it(command: str, **env) -> subprocess.CompletedProcess:
    """A Procfile command started as the PaaS starts it: through a shell, with no
    DJANGO_SETTINGS_MODULE of its own (whatever a line says, it says it itself)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(WEB_CONCURRENCY="1", PORT=str(_free_port()), **env)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    return subprocess.run(["/bin/sh", "-c", command], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("process", ["web", "release", "worker"])
def test_every_procfile_process_runs_the_production_settings(process):
    """Only the production settings refuse to start without a secret key: a process that
    starts without one would run with development settings (DEBUG, a public key)."""
    result = _as_production_runs_it(_procfile()[process])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_scheduled_commands_run_the_production_settings_the_environment_names():
    result = _as_production_runs_it("python manage.py purge_personal_data",
                                    DJANGO_SETTINGS_MODULE="colloque.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_bare_checkout_runs_developer_commands(tmp_path):
    """`manage.py makemigrations --check` (CI, a developer) needs no production secret."""
    result = _as_production_runs_it("python manage.py makemigrations --check --dry-run",
                                    DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_worker_runs_without_the_autoreloader():
    assert "--no-reload" in shlex.split(_procfile()["worker"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_healthz_and_compressed_hashed_static_files(tmp_path):
    """The `web` process as production runs it: gunicorn, WhiteNoise, collected static files."""
    env = {
        "DJANGO_SECRET_KEY": "k" * 30 + "-production-secret-0123456789-abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = _manage(*command, **env)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="colloque.settings.production",
                       WEB_CONCURRENCY="1", PORT=str(port),
                       GUNICORN_ACCESS_LOG="-")  # off by default (gunicorn.conf.py)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "colloque/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "colloque.wsgi"],
        cwd=ROOT, env=environment, stdout=(tmp_path / "access.log").open("w"),
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                health = urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                server.poll()
                assert server.returncode is None, server.stderr.read().decode()
                time.sleep(0.1)  # waiting for a process to boot, not for application time
        assert health.status == 200
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["css/site.css"]
        request = urllib.request.Request(
            f"{base}/static/{hashed}", headers={"Accept-Encoding": "gzip"}
        )
        static = urllib.request.urlopen(request, timeout=5)
        assert static.status == 200
        assert static.headers["Content-Encoding"] == "gzip"
        assert "immutable" in static.headers["Cache-Control"]
        # A private link, and the referer a private page sends with its stylesheet.
        private = urllib.request.Request(
            f"{base}/inscription/gerer/SeCrEtToKeN0123456789/",
            headers={"Referer": f"{base}/presse/accreditation/suivi/PrEsStOkEn98765/"})
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(private, timeout=5)  # an unknown token: 404
    finally:
        server.terminate()
        server.wait(timeout=20)
    access_log = (tmp_path / "access.log").read_text()
    assert "/inscription/gerer/***" in access_log  # the request was logged, without its token
    assert "SeCrEtToKeN" not in access_log and "PrEsStOkEn" not in access_log


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does while PostgreSQL restarts."""
    def refused(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refused)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.executemany", refused)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/inscription/", "/en/programme/"])
def test_a_database_outage_answers_503_with_retry_after_and_the_sites_page(
        client, database_down, path):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Site momentanément indisponible" in page
    assert "Nothing was recorded" in page


@pytest.mark.django_db
def test_a_database_outage_before_the_view_answers_503_too(client, monkeypatch):
    def refused(self, request):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.middleware.common.CommonMiddleware.process_request", refused)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_other_errors_still_answer_the_500_page(client, monkeypatch):
    def broken(self, request):
        raise ValueError("a bug")

    monkeypatch.setattr("django.middleware.common.CommonMiddleware.process_request", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


def test_gunicorn_writes_an_access_log_only_when_asked(monkeypatch):
    """Off by default (the router logs requests; an address is personal data): the operator
    turns it on with GUNICORN_ACCESS_LOG."""
    conf = ROOT / "colloque" / "gunicorn.conf.py"
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    assert runpy.run_path(str(conf))["accesslog"] is None
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    assert runpy.run_path(str(conf))["accesslog"] == "-"


def test_a_staff_edit_shows_at_once_in_every_web_process_without_redis(tmp_path):
    """Two gunicorn workers, each with a cache of its own (ALLOW_LOCAL_CACHE=1, no Redis): an
    edit saved by a third process (the admin of another worker, a command) shows at once in
    the pages of both, their stored pages and kept session cards included."""
    env = {
        "DJANGO_SECRET_KEY": "k" * 30 + "-production-secret-0123456789-abcdef",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "consolemail://", "ALLOW_LOCAL_CACHE": "1", "WEB_CONCURRENCY": "2",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
        result = _manage(*command, **env)
        assert result.returncode == 0, result.stderr
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="colloque.settings.production",
                       PORT=str(port))
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "colloque/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "colloque.wsgi"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )

    def pages(count: int) -> set[str]:
        """The programme page `count` times, each on a new connection (either worker)."""
        seen = set()
        for _ in range(count):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/programme/",
                                        timeout=5) as answer:
                seen.add(answer.read().decode())
        return seen

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                server.poll()
                assert server.returncode is None, server.stderr.read().decode()
                time.sleep(0.1)  # waiting for a process to boot, not for application time
        assert all("Nouveau titre" not in page for page in pages(30))  # both workers keep it
        edit = _manage("shell", "-c", (
            "from program.models import Session\n"
            "session = Session.objects.order_by('start').first()\n"
            "session.title_fr = 'Nouveau titre saisi par les organisateurs'\n"
            "session.save()\n"), **env)
        assert edit.returncode == 0, edit.stderr
        assert all("Nouveau titre saisi par les organisateurs" in page for page in pages(30))
    finally:
        server.terminate()
        server.wait(timeout=20)
