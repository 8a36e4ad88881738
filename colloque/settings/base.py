"""Settings shared by every environment, read from the environment (12-factor).

Each variable is documented in README.md and `.env.example`.
"""

import ipaddress
import urllib.parse
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Core
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Public origin used in e-mails and calendar files, e.g. https://colloque-mixite.paris.fr
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

DJANGO_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "axes",
]
LOCAL_APPS = [
    "colloque",
    "program",
    "registrations",
    "press",
]
# colloque before django_tasks_db: the first app's command wins, and colloque's `db_worker`
# (a worker that survives dead processes and database outages) replaces the library's.
INSTALLED_APPS = DJANGO_APPS + ["colloque"] + THIRD_PARTY_APPS + LOCAL_APPS[1:]

MIDDLEWARE = [
    # First: an anonymous public page kept a few seconds ago is served before the rest runs,
    # with the headers the whole stack gave it (issue 13, program/cache.py).
    "program.cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "colloque.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed where the proxy does not (static files are compressed once by
    # WhiteNoise, above). Django pads each compressed response with random bytes against
    # BREACH; the cached public pages hold no secret (no CSRF token, no session).
    "django.middleware.gzip.GZipMiddleware",
    "colloque.middleware.DatabaseUnavailableMiddleware",  # 503, not 500, during an outage
    "django.contrib.sessions.middleware.SessionMiddleware",
    "colloque.i18n.LocaleMiddleware",  # no Vary: Accept-Language (the URL decides)
    "colloque.middleware.MalformedRequestMiddleware",  # a NUL in the URL: 404, not 500
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused login into the lockout page
]

ROOT_URLCONF = "colloque.urls"
WSGI_APPLICATION = "colloque.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "program.context_processors.current_event",
            ],
        },
    },
]

# Database: embedded SQLite by default, postgres://… in production
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare the statements a connection runs often: with
    # persistent connections PostgreSQL parses and plans the registration queries once per
    # connection (bench: about 40 % less database CPU). Behind PgBouncer in transaction
    # mode, set DB_PREPARE_THRESHOLD=off.
    _prepare = env.str("DB_PREPARE_THRESHOLD", default="5")
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "server_side_binding": True,
        "prepare_threshold": None if _prepare.lower() in ("off", "none", "") else int(_prepare),
    })
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default; CACHE_URL or REDIS_URL for a cache shared by all servers
if env("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A per-process cache is accepted in production only with one web process, or when
# ALLOW_LOCAL_CACHE=1 says the limits may be per process (make bench on one machine).
ALLOW_LOCAL_CACHE = env.bool("ALLOW_LOCAL_CACHE", default=False)

# Background tasks (e-mail delivery): stored in the database, run by `manage.py db_worker`
TASKS = {
    "default": {
        "BACKEND": "colloque.tasks_backend.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# E-mail: smtp://, consolemail://, filemail:///absolute/path (django-environ)
# Django 6.1 configures mail through MAILERS; EMAIL_URL is translated into it.
_EMAIL_OPTIONS = {
    "EMAIL_HOST": "host", "EMAIL_PORT": "port", "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password", "EMAIL_USE_TLS": "use_tls", "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
}


def mailer_from_url(url: str, *, timeout: int) -> dict:
    """One MAILERS entry from EMAIL_URL. SMTP gets `timeout` seconds per connection and per
    answer unless the URL says `?timeout=N` (a server that accepts and never answers must not
    hold the worker). django-environ reads filemail:///tmp/mails as the relative tmp/mails:
    the path is taken from the URL itself."""
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    if backend.endswith("smtp.EmailBackend"):
        options = {opt: config[key] for key, opt in _EMAIL_OPTIONS.items() if config.get(key)}
        options["timeout"] = config.get("OPTIONS", {}).get("TIMEOUT", timeout)
    elif backend.endswith("filebased.EmailBackend"):
        parts = urllib.parse.urlsplit(url)
        options = {"file_path": urllib.parse.unquote(parts.netloc + parts.path)}
    else:
        options = {}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_url(env("EMAIL_URL", default="consolemail://"),
                                      timeout=env.int("EMAIL_TIMEOUT", default=5))}
# Delivery (colloque/mail.py): first retry after EMAIL_RETRY_SECONDS, doubled each time; after
# EMAIL_BREAKER_FAILURES failures in a row the worker stops trying for EMAIL_BREAKER_SECONDS.
EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=60)
EMAIL_BREAKER_FAILURES = env.int("EMAIL_BREAKER_FAILURES", default=3)
EMAIL_BREAKER_SECONDS = env.int("EMAIL_BREAKER_SECONDS", default=30)
# A task left running this long by a worker that died goes back to the queue (db_worker)
TASK_RUNNING_TIMEOUT = env.int("TASK_RUNNING_TIMEOUT", default=300)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Colloque mixité sociale <ne-pas-repondre@paris.fr>"
)
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where answers to the site's e-mails go: an address a person reads (the sender does not)
REPLY_TO_EMAIL = env(
    "REPLY_TO_EMAIL", default="OPMIRE — Colloque mixité sociale <colloque-mixite@paris.fr>"
)
ADMINS = [("OPMIRE", a) for a in env.list("DJANGO_ADMINS", default=[])]

# Passwords and authentication
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Guessing passwords (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one client address, that pair is refused, even with the right password, for
# LOGIN_LOCKOUT_MINUTES after the last try (each try during the lockout starts it again).
# A superuser unlocks earlier by deleting the line in Admin → Axes → tentatives de connexion.
# A cool-off rather than a lock that only a superuser lifts: the lock is per address, so a
# stranger cannot lock staff out of their own desk, and a superuser who mistypes on the day
# is not stuck until someone opens a shell. 0 means: locked until a superuser unlocks.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked pair before any check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
_lockout_minutes = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes) if _lockout_minutes > 0 else None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# The client address as the registration rate limit reads it (TRUSTED_PROXY_COUNT)
AXES_CLIENT_IP_CALLABLE = "colloque.ratelimit.client_ip"

# Sessions: only staff have one (public pages keep their messages in a cookie). A login lasts
# a working day, SESSION_HOURS, counted from the login: requests do not extend it
# (SESSION_SAVE_EVERY_REQUEST off). The cookie carries that limit rather than dying with the
# browser: browsers that restore their tabs keep "session" cookies anyway, so
# SESSION_EXPIRE_AT_BROWSER_CLOSE would promise what it cannot hold, and the welcome desk
# reopens its browser during the day without logging in again.
SESSION_COOKIE_AGE = env.int("SESSION_HOURS", default=10) * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

# Internationalisation: French first, English second
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise (compressed, hashed names in production)
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Journalists' documents: outside MEDIA_URL, only reachable through a permission-checked view
    "private": {
        "BACKEND": "colloque.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media"),
                    "base_url": None},
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Several app servers: uploads on S3-compatible object storage (django-storages), only when
# MEDIA_BUCKET is set. Public media (speaker photos, press kit) in MEDIA_BUCKET, read by
# anyone; journalists' documents in PRIVATE_MEDIA_BUCKET, private objects that only the
# permission-checked view reads (colloque.storage.PrivateS3Storage has no URL).
if env("MEDIA_BUCKET", default=""):
    _s3 = {
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        "access_key": env("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        **_s3, "bucket_name": env("MEDIA_BUCKET"), "querystring_auth": False,
        "custom_domain": env("MEDIA_CUSTOM_DOMAIN", default=None),
    }}
    STORAGES["private"] = {"BACKEND": "colloque.storage.PrivateS3Storage", "OPTIONS": {
        **_s3, "bucket_name": env("PRIVATE_MEDIA_BUCKET"), "default_acl": "private",
    }}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"  # div templates are the default since 5.0

# Registrations
# How long an unconfirmed registration holds its seats (minutes); with the caps below, the
# seats one network or one mail domain can keep from others, and for how long
REGISTRATION_HOLD_MINUTES = env.int("REGISTRATION_HOLD_MINUTES", default=15)
# Unconfirmed registrations holding seats at once, per network (IPv4 /24, IPv6 /64) and per
# mail domain (not the big public webmails: colloque/ratelimit.py); 0: no cap
REGISTRATION_HOLDS_PER_NETWORK = env.int("REGISTRATION_HOLDS_PER_NETWORK", default=20)
REGISTRATION_HOLDS_PER_DOMAIN = env.int("REGISTRATION_HOLDS_PER_DOMAIN", default=30)
# Mail domains without that cap besides the webmails and the audience's institutions
# (académies, paris.fr, education.gouv.fr): registrations.services.hold_domain
REGISTRATION_UNCAPPED_DOMAINS = frozenset(
    domain.strip().lower() for domain in env.list("REGISTRATION_UNCAPPED_DOMAINS", default=[]))
# A known address submitted again gets its link again at most once in this many minutes
REGISTRATION_RESEND_COOLDOWN_MINUTES = env.int("REGISTRATION_RESEND_COOLDOWN_MINUTES",
                                               default=10)
# Each process keeps the current edition this long (program.querysets.EventManager).
CURRENT_EVENT_CACHE_SECONDS = env.int("CURRENT_EVENT_CACHE_SECONDS", default=5)
# Successful submissions (registration, accreditation request) per network and per e-mail
# address, "N/s|m|h|d", or "off" (load tests): colloque/ratelimit.py
REGISTRATION_RATE_LIMIT = env("REGISTRATION_RATE_LIMIT", default="60/h")
REGISTRATION_EMAIL_RATE_LIMIT = env("REGISTRATION_EMAIL_RATE_LIMIT", default="5/h")
# Personal data (registrations, accreditation requests) is deleted this many days after the
# event by `manage.py purge_personal_data` (the privacy notice says three months)
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=92)
# The client address (rate limits, admin login lockout): X-Forwarded-For is read only from a
# peer in TRUSTED_PROXIES, TRUSTED_PROXY_COUNT values from its right (0: never; production
# defaults to 1, the PaaS router). docs/deployment.md
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[
    "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"])
# Networks whose people register by the hundred from a few addresses (the City's or the
# académie's egress proxies): no per-network rate limit and no per-network cap of unconfirmed
# registrations for them; the per-address limit still applies. colloque/ratelimit.py
REGISTRATION_UNCAPPED_NETWORKS = env.list("REGISTRATION_UNCAPPED_NETWORKS", default=[])
for _name, _networks in (("TRUSTED_PROXIES", TRUSTED_PROXIES),
                         ("REGISTRATION_UNCAPPED_NETWORKS", REGISTRATION_UNCAPPED_NETWORKS)):
    try:  # a typo stops start-up here, not every request later
        [ipaddress.ip_network(network, strict=False) for network in _networks]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{_name}: {exc}") from None

# Sessions and security defaults
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The language cookie only tells the server which language to answer in (Secure in production)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"


def _media_origins() -> list[str]:
    """Where public media (speaker photos) come from when they live on object storage."""
    if not env("MEDIA_BUCKET", default=""):
        return []
    if env("MEDIA_CUSTOM_DOMAIN", default=""):
        return [f"https://{env('MEDIA_CUSTOM_DOMAIN')}"]
    endpoint = urllib.parse.urlsplit(
        env("AWS_S3_ENDPOINT_URL", default="") or "https://s3.amazonaws.com")
    # path-style (endpoint/bucket/key) or virtual-hosted (bucket.endpoint/key) addresses
    return [f"{endpoint.scheme}://{endpoint.netloc}",
            f"{endpoint.scheme}://{env('MEDIA_BUCKET')}.{endpoint.netloc}"]


# Content-Security-Policy (django.middleware.csp): every script and stylesheet is a file of
# the site, no inline script, handler or style attribute, no plugin, no framing, forms post
# only to the site. Images also as data: URIs (Bootstrap's form controls draw their arrows
# and ticks with them). No nonce: whole public pages are cached (program/cache.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_media_origins()],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Permissions-Policy (colloque.headers): no page uses a camera, microphone, location or
# payment; the welcome desk reads ticket codes through a scanner that types like a keyboard.
PERMISSIONS_POLICY = ["accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
                      "magnetometer", "microphone", "midi", "payment", "usb"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No e-mail address in clear, no private-link token in a logged path (RGPD).
    "filters": {"no_emails": {"()": "colloque.logfilters.RedactEmails"},
                "no_tokens": {"()": "colloque.logfilters.RedactPrivateLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["no_emails", "no_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Attendees after they register (issue 10): `manage.py send_reminders`, run daily, reminds
# each attendee (and each person on the day's waiting list) this many days before the event.
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=3)

# Public pages (issue 13). Whole public pages are kept in the cache above for anonymous
# visitors this many seconds (program/cache.py; 0: off), and dropped at once when staff save
# the programme; the same delay is offered to a front proxy (Cache-Control: s-maxage).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=5)
# css/colloque.css: Bootstrap and the project's stylesheets joined into one file
# (program/staticfiles.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "program.staticfiles.StylesheetBundleFinder",
]
