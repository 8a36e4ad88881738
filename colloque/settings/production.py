"""Production: PostgreSQL, HTTPS, hashed compressed static files. No default secret."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOW_LOCAL_CACHE, CACHES, DATABASES, STORAGES, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
try:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: production refuses to start without a secret key. "
        "(manage.py runs the production settings unless DJANGO_SETTINGS_MODULE says otherwise; "
        "on a developer's machine use the Makefile, which sets colloque.settings.local.)"
    ) from exc
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")

# The rate limits live in the cache: with one cache per process, each gunicorn worker (one
# per core by default, colloque/gunicorn.conf.py) and each server would count on its own.
_web_processes = env.int("WEB_CONCURRENCY", default=len(os.sched_getaffinity(0)))
if CACHES["default"]["BACKEND"].endswith("LocMemCache") and not ALLOW_LOCAL_CACHE \
        and _web_processes > 1:
    raise ImproperlyConfigured(
        f"{_web_processes} web processes share no cache: set REDIS_URL (or CACHE_URL) to a "
        "cache every process reaches, or WEB_CONCURRENCY=1, or ALLOW_LOCAL_CACHE=1 to accept "
        "rate limits counted per process."
    )

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production runs behind the PaaS router (or a reverse proxy), which appends the client's
# address to X-Forwarded-For; read only from a peer in TRUSTED_PROXIES (docs/deployment.md).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
