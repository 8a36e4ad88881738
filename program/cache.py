"""Whole public pages, cached for anonymous visitors (issue 13).

The programme page is what everyone opens the day the invitation goes out. An anonymous GET
of a public page is the same for everybody for a few seconds. A view decorated with
`public_page` says so (and tells a front proxy it may keep the page:
`Cache-Control: public, s-maxage=…`); `PublicPageCacheMiddleware`, first in MIDDLEWARE, keeps
the finished response, headers included, in the shared cache (Redis in production, local
memory under `make run`) for PUBLIC_PAGE_CACHE_SECONDS, short enough for the seats left to stay
true, and serves it again before any other middleware, the URL resolver or the view runs: a
page served from the cache costs a tenth of a rendered one's Python.

Staff edits show at once: the cache keys carry a version number kept in the cache itself,
which `bump_version` (a post_save/post_delete receiver on the programme and press models, see
`program.apps`) increments, so every server stops using the older pages together. With a
cache of each process's own (local memory: `make run`, or ALLOW_LOCAL_CACHE=1 with several
web processes on one machine) the version is a file's modification time instead, which every
process of the machine reads: an edit saved by one shows in all.

Within a page, the parts that list the sessions are kept too (`kept_part`, `{% keep %}`), in
this process's memory and under the same version: a page rendered again after its few seconds joins
the stored parts instead of drawing sixty sessions, so its cost hardly grows with their number.
When a staff edit makes those parts stale, each session's own fragments (its card, its line of
the home page, its JSON-LD) are kept across versions (`fragments`), under what they show that
can change: the session's, its speakers' and their roles' last change, and the seats left. A
page drawn after an edit draws again only what the edit changed.

Nothing personal is cached: requests carrying a session or a messages cookie are not served
from the cache, and a response is kept only if its view is a public page and it is a plain 200
that sets no cookie, carries no message, put no CSRF token in the page and did not read the
session. The key holds the scheme, the host (as Django validates it: lower case, without the
port) and the path (the language is in the path, colloque/i18n.py), and whether the browser
takes gzip (GZipMiddleware). A host that ALLOWED_HOSTS refuses is never looked up: Django
answers it 400.

The query string is not in the key: no public page reads one, and the page does not repeat it
(its language switch drops it). A link shared with the parameters mailers and social networks
add (`utm_*`, the `fbclid` Facebook gives each click) finds the page everybody shares, and
nobody can make the site draw a page for each made-up `?x=…`, nor fill the cache with them.
A query holding a NUL byte goes to Django, which answers 404 (MalformedRequestMiddleware).
"""

import collections
import functools
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from .querysets import EventManager

logger = logging.getLogger(__name__)

VERSION_KEY = "public-page:version"
# Fragments of the public pages, across versions, by (language, name, *key); see fragments().
_fragments: collections.OrderedDict = collections.OrderedDict()
_fragments_lock = threading.Lock()
MAX_FRAGMENTS = 4000
_last_version_seen = None
# The parts of the public pages ({% keep %}): the latest of each, by (language, name); see
# kept_part().
_parts: dict = {}


def _version_file() -> Path | None:
    """Where the version lives when the cache is this process's own (LocMemCache: `make run`,
    or ALLOW_LOCAL_CACHE=1 with several web processes on one machine): the modification time
    of a file every process of the machine sees, one per database. None with a shared cache
    (Redis), which holds the version itself."""
    if not isinstance(caches["default"], LocMemCache):
        return None
    database = connection.settings_dict
    return _version_path(f"{database.get('HOST')}|{database.get('PORT')}|{database.get('NAME')}")


@functools.cache
def _version_path(database: str) -> Path:
    name = hashlib.sha256(database.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"colloque-public-pages-{name}.version"


def _file_version(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        _touch(path)
        return path.stat().st_mtime_ns


def _touch(path: Path) -> None:
    """A new modification time, later than the last one even within the clock's resolution."""
    try:
        last = path.stat().st_mtime_ns
    except FileNotFoundError:
        last = 0
    path.touch()
    now = max(time.time_ns(), last + 1)
    os.utime(path, ns=(now, now))


def bump_version(**kwargs) -> None:
    """Make every cached public page stale, on every server (a signal receiver).

    With the cache unreachable the staff's save goes through all the same: the pages are
    not read from the cache either meanwhile (PublicPageCacheMiddleware draws them), and this
    process forgets its kept parts at once."""
    try:
        if (path := _version_file()) is not None:
            _touch(path)
            return
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet, or evicted
            cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - Redis down: the edit must not be lost for it
        _parts.clear()
        logger.error("public page cache unreachable: pages not marked stale", exc_info=True)


def _version() -> int:
    """The current version. A new one starts from the clock, so that a version evicted from
    the cache never comes back and revives pages stored before an edit."""
    global _last_version_seen
    if (path := _version_file()) is not None:
        version = _file_version(path)
    else:
        version = cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)
    if version != _last_version_seen:
        # Staff saved something: this process's copy of the current edition may be the old
        # one (program.querysets.EventManager), and it must not go into the new pages.
        EventManager.forget_current()
        _last_version_seen = version
    return version


def _is_personal(meta) -> bool:
    """A staff login or a message waiting for this person (request.META or a WSGI environ):
    their page is theirs."""
    cookie = meta.get("HTTP_COOKIE")
    return bool(cookie) and any(name in parse_cookie(cookie) for name in (
        settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name))


def _view_can_be_shared(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a form with a CSRF token
        and not (session is not None and session.accessed)
        and not len(get_messages(request))
    )


def _private(response):
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True)
    return response


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip decides

# Parameters added to links by mailers, social networks and ad networks to follow a click:
# no page of this site reads them, and no link of its own repeats them.
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "twclid", "ttclid", "igshid",
    "li_fat_id", "yclid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "srsltid",
})


def _is_tracking(part: str) -> bool:
    name = unquote_plus(part.partition("=")[0]).lower()
    return name in TRACKING_PARAMETERS or name.startswith("utm_")


def without_tracking(query: str) -> str:
    """`query` (a raw query string) without the parameters that only follow a click
    (TRACKING_PARAMETERS, `utm_*`), the others in their order: what the language switch of a
    form's page keeps (`?atelier=…`)."""
    return "&".join(part for part in query.split("&") if part and not _is_tracking(part))


def _has_nul(query: str) -> bool:
    return "\x00" in unquote_plus(query)


def _scheme(meta) -> str:
    """request.scheme, from request.META or a WSGI environ (SECURE_PROXY_SSL_HEADER)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = meta.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return meta.get("wsgi.url_scheme", "http")


def _domain(meta) -> str | None:
    """The host the request names, as Django validates it (lower case, without the port);
    None if ALLOWED_HOSTS refuses it (Django then answers 400). `Colloque.Example:8443`
    and `colloque.example` are the same page: nobody can have one page drawn and stored
    for each spelling or port."""
    domain, _port = split_domain_port(meta.get("HTTP_HOST") or meta.get("SERVER_NAME", ""))
    return domain if domain and validate_host(domain, settings.ALLOWED_HOSTS) else None


def _key(meta, version: int, domain: str) -> str:
    """The key of a page: from the request as the server gave it (request.META, or the WSGI
    environ before Django reads it), so both find the same page."""
    where = "\n".join((_scheme(meta), domain, meta.get("SCRIPT_NAME", ""),
                       meta.get("PATH_INFO", "")))
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    gzip = "gz" if _ACCEPTS_GZIP.search(meta.get("HTTP_ACCEPT_ENCODING", "")) else "id"
    return f"public-page:{version}:{gzip}:{digest}"


_LOOKUP = "colloque.public_page"  # in the request's environ: what _lookup found


def _lookup(meta) -> tuple[int, str, tuple | None] | None:
    """(version, key, stored answer or None) for an anonymous GET of a public page; None for
    any other request. Read once per request: the WSGI application looks first
    (colloque/wsgi.py), and on a miss PublicPageCacheMiddleware finds the answer in the same
    environ (request.META) instead of reading the cache again."""
    if _LOOKUP not in meta:
        if (not settings.PUBLIC_PAGE_CACHE_SECONDS or meta.get("REQUEST_METHOD") != "GET"
                or _is_personal(meta) or _has_nul(meta.get("QUERY_STRING", ""))
                or (domain := _domain(meta)) is None):
            meta[_LOOKUP] = None
        else:
            version = _version()
            key = _key(meta, version, domain)
            meta[_LOOKUP] = (version, key, cache.get(key))
    return meta[_LOOKUP]


def stored_page(meta) -> tuple[bytes, dict] | None:
    """The stored answer (content, headers) to this anonymous GET of a public page, if any:
    what the WSGI application answers before Django builds its request."""
    found = _lookup(meta)
    return found[2] if found else None


def _response_can_be_stored(response) -> bool:
    """What the middleware below the view may have added: a cookie (CSRF, session,
    messages) or a Vary other than gzip's makes the response personal."""
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value}
    return (
        getattr(response, "public_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and vary <= {"accept-encoding"}
    )


def public_page(view):
    """Mark this view's anonymous GETs as the same for everybody: PublicPageCacheMiddleware
    keeps them a few seconds, and a front proxy may too. A personal answer (a message, a
    form's CSRF token, a staff login) is marked private instead.

    The page is the same whatever its query string (the cache key leaves it out): such a view
    never reads request.GET, and its links do not repeat the query (`request.public_page`)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.public_page = True
        response = view(request, *args, **kwargs)
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD"):
            return response
        if _is_personal(request.META) or not _view_can_be_shared(request, response):
            return _private(response)
        patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
        response.public_page = True
        return response

    return wrapper


class PublicPageCacheMiddleware:
    """First in MIDDLEWARE: an anonymous GET of a public page stored less than
    PUBLIC_PAGE_CACHE_SECONDS ago is answered from the shared cache, with the headers the
    whole stack gave it (security policy, language, cache control), before anything else
    runs. Any other request goes through as usual; a finished response its view marked
    `public_page` is stored on the way out, under the version read on the way in (an edit
    saved while the page was being drawn makes it stale at once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            found = _lookup(request.META)
        except Exception:  # noqa: BLE001 - the cache unreachable: the page is drawn
            logger.warning("public page cache unreachable", exc_info=True)
            return self.get_response(request)
        if found is None:
            return self.get_response(request)
        version, key, stored = found
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=headers)
        request.public_page_version = version
        response = self.get_response(request)
        if _response_can_be_stored(response):
            try:
                cache.set(key, (response.content, dict(response.headers)),
                          settings.PUBLIC_PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("public page cache unreachable", exc_info=True)
        return response


def keeps_parts(request) -> bool:
    """Whether this request's page keeps parts and fragments between renders: it goes
    through PublicPageCacheMiddleware (which knows the version). A staff login, a personal
    request, or the page cache off draw everything each time."""
    return getattr(request, "public_page_version", None) is not None


def kept_part(request, name: str, values: tuple, render) -> str:
    """The HTML `render()` gives for the part `name` of a page ({% keep %}), kept while the
    version of the public pages and `values` (what the part shows that can change between two
    staff edits, e.g. the seats left) stay the same. Only the latest of each part is kept, in
    this process's memory and per language: a seat taken replaces it, it does not pile up."""
    if not keeps_parts(request):
        return render()
    slot, state = (get_language(), name), (request.public_page_version, values)
    found = _parts.get(slot)
    if found is not None and found[0] == state:
        return found[1]
    html = render()
    _parts[slot] = (state, html)
    return html


def fragments(request, name: str, keys: list[tuple], draw) -> list:
    """The fragment `name` for each key, in order: those kept from an earlier page, and
    `draw(missing)` (a list in the order of `missing`) for the others, then kept.

    A key names everything its fragment shows that can change (for a session: its pk, its
    stamps from `SessionQuerySet.with_stamps()`, its seats left), so a fragment is kept across
    versions: a staff edit draws again only the sessions it touched. Kept in this process's
    memory, at most MAX_FRAGMENTS (the least recently used go first), in the current
    language. Only when the page `keeps_parts`; otherwise everything is drawn.
    """
    if not keeps_parts(request):
        return list(draw(keys))
    language = get_language()
    with _fragments_lock:
        found = {key: _fragments.get((language, name, *key)) for key in keys}
    missing = [key for key, value in found.items() if value is None]
    if missing:
        drawn = dict(zip(missing, draw(missing), strict=True))
        found.update(drawn)
        with _fragments_lock:
            for key, value in drawn.items():
                _fragments[(language, name, *key)] = value
            while len(_fragments) > MAX_FRAGMENTS:
                _fragments.popitem(last=False)
    with _fragments_lock:
        for key in keys:
            if (full_key := (language, name, *key)) in _fragments:
                _fragments.move_to_end(full_key)
    return [found[key] for key in keys]


def forget_kept() -> None:
    """Forget every part and fragment this process keeps (tests start from nothing; in
    production a deploy restarts the processes)."""
    with _fragments_lock:
        _fragments.clear()
    _parts.clear()
