"""Response headers and error pages an attacker or an auditor checks first: the
Content-Security-Policy and Permissions-Policy on public and staff pages, the language cookie's
flags in production, the site's own 400 and 403 pages."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.colloque.test_deployment import PRODUCTION, ROOT


def _policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def _assert_strict(response):
    policy = _policy(response)
    assert policy.get("default-src") == ["'self'"]
    for directive in ("script-src", "script-src-attr", "style-src", "style-src-attr"):
        assert directive not in policy  # all fall back to default-src 'self': no inline code
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    features = response.headers["Permissions-Policy"].split(", ")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in features


@pytest.mark.parametrize("path", ["/", "/inscription/", "/en/presse/accreditation/"])
def test_public_pages_send_a_strict_content_security_policy(client, demo_event, path):
    response = client.get(path)
    assert response.status_code == 200
    _assert_strict(response)


@pytest.mark.parametrize("name", ["admin:index", "admin:registrations_registration_changelist"])
def test_staff_pages_send_the_same_policy(staff_client, demo_event, name):
    response = staff_client.get(reverse(name))
    assert response.status_code == 200
    _assert_strict(response)


def test_a_cached_public_page_keeps_its_policy(client, demo_event, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client.get("/programme/")
    _assert_strict(client.get("/programme/"))


def test_login_outside_the_admin_lands_on_the_staff_home():
    """Django's own login and password views send a person to LOGIN_REDIRECT_URL: the admin
    home, not Django's default /accounts/profile/ which does not exist here."""
    assert resolve_url(settings.LOGIN_REDIRECT_URL) == reverse("admin:index")


PROBE = """
import json
from django.test import Client
client = Client(HTTP_HOST="colloque.example.org")
answer = client.post("/i18n/setlang/", {"language": "en", "next": "/en/"}, secure=True)
cookie = answer.cookies[settings.LANGUAGE_COOKIE_NAME]
page = client.get("/admin/login/", secure=True)
print(json.dumps({"cookie": {flag: cookie[flag] for flag in ("secure", "httponly", "samesite")},
                  "status": page.status_code, "headers": dict(page.headers)}))
"""


def test_production_language_cookie_and_headers(tmp_path):
    """Under the production settings the language cookie is Secure, HttpOnly and SameSite=Lax
    (it carried none of these), and the admin's login page sends the policies with HSTS."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="colloque.settings.production",
                       WEB_CONCURRENCY="1", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                       STATIC_ROOT=str(tmp_path / "static"))
    # Production serves hashed static files from a manifest: collect them, as the release does
    # (a fresh clone has none).
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=environment, check=True, capture_output=True, timeout=300)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings\n" + PROBE],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert probe["status"] == 200
    headers = probe["headers"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_forged_host_header_answers_the_sites_400_page(client):
    """DisallowedHost: the site's page in French and English, with its headers, drawn without
    the database (this test has none: a query would fail) nor the host name the request gave."""
    response = client.get("/programme/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Demande incorrecte" in page and "Bad request" in page
    assert '<html lang="fr">' in page and '<div lang="en">' in page
    assert "attacker.example" not in page
    _assert_strict(response)


def test_a_suspicious_request_answers_the_sites_400_page(client, demo_event):
    """A form post with more fields than Django accepts (TooManyFieldsSent)."""
    fields = {f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("registrations:register"), fields)
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()


def test_staff_without_the_permission_get_the_sites_403_page(client, django_user_model,
                                                             demo_event):
    user = django_user_model.objects.create_user("accueil", "accueil@example.org", "pw",
                                                 is_staff=True)
    client.force_login(user)
    response = client.get(reverse("press:export-print"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page and "Access denied" in page
    _assert_strict(response)


@pytest.mark.parametrize(("variables", "origins"), [
    ({}, []),
    ({"MEDIA_BUCKET": "colloque-media", "MEDIA_CUSTOM_DOMAIN": "media.colloque.example.org"},
     ["https://media.colloque.example.org"]),
    ({"MEDIA_BUCKET": "colloque-media", "AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud"},
     ["https://s3.fr-par.scw.cloud", "https://colloque-media.s3.fr-par.scw.cloud"]),
])
def test_speaker_photos_on_object_storage_are_allowed_images(monkeypatch, variables, origins):
    """With media on S3-compatible storage, the policy lets the pages show the photos from
    the bucket's address (path-style or virtual-hosted) or its CDN, and nothing else."""
    from colloque.settings import base

    for name in ("MEDIA_BUCKET", "MEDIA_CUSTOM_DOMAIN", "AWS_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert base._media_origins() == origins
