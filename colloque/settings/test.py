"""Test runs: fast hashing, in-memory e-mail, temporary media, tasks run on the spot."""

import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="colloque-media-")
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "colloque.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="colloque-private-"), "base_url": None},
    },
}
# Limits and caps off: a test submits many times from one address; tests of them turn them on
REGISTRATION_RATE_LIMIT = REGISTRATION_EMAIL_RATE_LIMIT = "off"
REGISTRATION_HOLDS_PER_NETWORK = REGISTRATION_HOLDS_PER_DOMAIN = 0
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("TEST", {})
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env("TEST_DATABASE_NAME")
STATIC_ROOT = None  # static files come from the finders; nothing is collected in tests
WHITENOISE_USE_FINDERS = True
CURRENT_EVENT_CACHE_SECONDS = 0  # tests change the event between requests


class RequestlessLoginBackend:
    """`django.test.Client.login()` authenticates without a request, which django-axes refuses
    (it counts failures per client address). This backend answers those calls, and only those,
    as ModelBackend would; a login through a page, the admin's included, passes axes first."""

    def authenticate(self, request, **credentials):
        if request is not None:
            return None
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().authenticate(request, **credentials)

    def get_user(self, user_id):
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().get_user(user_id)


# Axes stays on: tests/colloque/test_login.py locks and unlocks through the admin's login page.
AUTHENTICATION_BACKENDS = [
    "colloque.settings.test.RequestlessLoginBackend",
    *AUTHENTICATION_BACKENDS,  # noqa: F405
]
