import collections

from django.conf import settings
from django.db.models import Count, Max, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import cache, calendar
from .cache import public_page
from .markup import as_text
from .models import Event, Page, Session, SessionSpeaker, Speaker
from .seat_counts import event_seats_left
from .structured_data import event_json_ld, session_fragment, session_json_ld
from .templatetags.colloque import inner_quotes

_Slot = collections.namedtuple("_Slot", "start end room")


class Timetable:
    """The day's sessions for the home and programme pages.

    The parts of those pages that list the sessions are kept between renders
    (`{% keep %}`, program/cache.py) under `signature`: the registration window and the
    seats left, read by one small query. When a kept part has to be drawn again (after a staff
    edit or a seat taken), each session's own fragments (its card, its line of the home
    page's summary, its JSON-LD) come from `program.cache.fragments`, which keeps them under
    the session's stamps (`SessionQuerySet.with_stamps`) and its seats left: one query reads
    the stamps, and only the sessions whose fragments are not kept are read and drawn. So a
    page drawn again, even after a staff edit, costs about the same with 60 sessions as with 9.
    """

    def __init__(self, event: Event, request=None):
        self.event = event
        self.request = request
        self.registration_window = event.registration_window()
        self._loaded: dict[int, Session] = {}
        self.plenaries = _Kind(self, workshops=False)
        self.workshops = _Kind(self, workshops=True)

    @cached_property
    def seats_left(self) -> int | None:
        """Seats left in the plenary room, shown while registrations are open."""
        return event_seats_left(self.event) if self.registration_window == "open" else None

    @cached_property
    def _session_seats(self) -> dict[int, int | None]:
        seats = self.event.sessions.with_seats_left().order_by("pk")  # one signature a state
        return dict(seats.values_list("pk", "seats_left"))

    @cached_property
    def signature(self) -> tuple:
        return (self.registration_window, self.seats_left, *self._session_seats.items())

    @cached_property
    def _entries(self) -> list[tuple[int, bool, tuple | None, object]]:
        """(pk, is a workshop, stamps, slot: its `start`, `end` and `room`) of each session,
        in order: one query, no model. A page that keeps no fragment reads the sessions
        themselves instead (no stamps needed)."""
        if not cache.keeps_parts(self.request):
            return [(s.pk, s.is_workshop, None, s) for s in self._all_sessions]
        rows = self.event.sessions.with_stamps().in_order().values_list(
            "pk", "kind", "start", "end", "room",
            "updated_at", "speakers_changed", "roles_changed", "roles")
        return [(pk, kind == Session.Kind.WORKSHOP, tuple(stamps), _Slot(start, end, room))
                for pk, kind, start, end, room, *stamps in rows]

    @cached_property
    def _all_sessions(self) -> list[Session]:
        sessions = list(self.event.sessions.with_speakers().in_order())
        for session in sessions:
            session.seats_left = self._session_seats.get(session.pk)
            self._loaded[session.pk] = session
        return sessions

    def _keys(self, workshops: bool | None = None) -> list[tuple]:
        return [(pk, stamps, self._session_seats.get(pk)) for pk, is_workshop, stamps, _slot
                in self._entries if workshops is None or is_workshop == workshops]

    def _sessions(self, keys: list[tuple]) -> list[Session | None]:
        """The sessions of `keys`, in their order, with their speakers and seats left (None
        for one deleted since the stamps were read): only those not read yet for this page."""
        wanted = [key[0] for key in keys]
        if missing := [pk for pk in wanted if pk not in self._loaded]:
            for session in self.event.sessions.with_speakers().filter(pk__in=missing):
                session.seats_left = self._session_seats.get(session.pk)
                self._loaded[session.pk] = session
        return [self._loaded.get(pk) for pk in wanted]

    def _first(self, workshops: bool):
        return next((slot for _pk, is_workshop, _stamps, slot in self._entries
                     if is_workshop == workshops), None)

    def _drawn(self, name: str, template_name: str, workshops: bool) -> list[str]:
        template = get_template(template_name)

        def draw(keys):
            return [template.render({"session": s}) if s else "" for s in self._sessions(keys)]

        return cache.fragments(self.request, name, self._keys(workshops), draw)

    @cached_property
    def json_ld(self) -> dict:
        event = self.event
        keys = [(pk, stamps, event.venue, event.address) for pk, _is_workshop, stamps, _slot
                in self._entries]  # a session's place names the venue

        def draw(keys):
            return [session_fragment(event, s) if s else None for s in self._sessions(keys)]

        fragments = cache.fragments(self.request, "json-ld", keys, draw)
        return event_json_ld(event, [f for f in fragments if f], seats_left=self.seats_left)


class _Kind:
    """The plenaries, or the workshops, of a `Timetable`, as the templates show them: their
    programme `cards`, their `lines` in the home page's summary, their `count`, and when and
    where the `first` takes place (`start`, `end`, `room`)."""

    def __init__(self, timetable: Timetable, *, workshops: bool):
        self.timetable, self.is_workshop = timetable, workshops

    @cached_property
    def cards(self) -> list[str]:
        return self.timetable._drawn("card", "program/_session_card.html", self.is_workshop)

    @cached_property
    def lines(self) -> list[str]:
        return self.timetable._drawn("line", "program/_session_line.html", self.is_workshop)

    @cached_property
    def count(self) -> int:
        return len(self.timetable._keys(self.is_workshop))

    @cached_property
    def first(self):
        return self.timetable._first(self.is_workshop)


def _timetable(request, event: Event) -> dict:
    timetable = Timetable(event, request)
    return {
        "event": event,
        "timetable": timetable,
        "registration_window": timetable.registration_window,
        "seats_left": timetable.seats_left,
    }


@public_page
def home(request):
    return render(request, "program/home.html",
                  _timetable(request, Event.objects.current_or_404()))


def _summary(html: str, words: int = 30) -> str:
    """A meta description from stored HTML: its first words, as plain text."""
    return Truncator(as_text(html)).words(words, truncate=" …")


@public_page
def programme(request):
    context = _timetable(request, Event.objects.current_or_404())
    event = context["event"]
    context["meta_description"] = _(
        "Programme du colloque « %(title)s », %(date)s : conférences plénières le matin, "
        "ateliers en parallèle l'après-midi, horaires, salles, intervenant·es et places "
        "restantes."
    ) % {"title": inner_quotes(event.title), "date": date_format(event.date, "l j F Y")}
    return render(request, "program/programme.html", context)


@public_page
def session_detail(request, slug):
    event = Event.objects.current_or_404()
    session = get_object_or_404(event.sessions.with_speakers().with_seats_left(), slug=slug)
    window = event.registration_window()
    seats_left = session.seats_left if session.is_workshop else (
        event_seats_left(event) if window == "open" else None)
    return render(request, "program/session_detail.html", {
        "event": event,
        "session": session,
        "registration_window": window,
        "meta_description": _summary(session.description_html) or session.title,
        "json_ld": session_json_ld(event, session, seats_left=seats_left),
    })


@public_page
def speakers(request):
    event = Event.objects.current_or_404()
    return render(request, "program/speakers.html", {
        "event": event,
        "speakers": SpeakerList(event, request),
        "meta_description": _(
            "Les intervenant·es du colloque « %(title)s » : leurs fonctions, leurs "
            "organisations et les séances où ils et elles interviennent."
        ) % {"title": inner_quotes(event.title)},
    })


class SpeakerList:
    """The speakers page's entries, in name order, each drawn from
    program/_speaker.html. Like the sessions' fragments (`Timetable`), each entry is kept
    across staff edits (`program.cache.fragments`) under what it shows that can change: the
    speaker's, their roles' and their sessions' last change, and how many roles they have. One
    query reads those stamps; only the speakers whose entry is not kept are read and drawn."""

    def __init__(self, event: Event, request=None):
        self.event = event
        self.request = request

    def _speakers(self):
        roles = (
            SessionSpeaker.objects.filter(session__event=self.event)
            .select_related("session")
            .order_by("session__start", "session__order", "session__pk")
        )
        return (
            Speaker.objects.filter(session_roles__session__event=self.event)
            .distinct()
            .order_by("name", "pk")
            .prefetch_related(Prefetch("session_roles", queryset=roles, to_attr="event_roles"))
        )

    @cached_property
    def entries(self) -> list[str]:
        template = get_template("program/_speaker.html")
        if not cache.keeps_parts(self.request):
            return [template.render({"speaker": speaker}) for speaker in self._speakers()]
        stamps = (
            Speaker.objects.filter(session_roles__session__event=self.event)
            .annotate(roles_changed=Max("session_roles__updated_at"),
                      sessions_changed=Max("session_roles__session__updated_at"),
                      roles=Count("session_roles"))
            .order_by("name", "pk")
            .values_list("pk", "updated_at", "roles_changed", "sessions_changed", "roles")
        )

        def draw(keys):
            found = {speaker.pk: speaker
                     for speaker in self._speakers().filter(pk__in=[key[0] for key in keys])}
            return [template.render({"speaker": found[key[0]]}) if key[0] in found else ""
                    for key in keys]

        return cache.fragments(self.request, "speaker",
                               [(pk, tuple(stamp)) for pk, *stamp in stamps], draw)


@public_page
def page(request, slug):
    page = get_object_or_404(Page, slug=slug)
    return render(request, "program/page.html", {
        "page": page, "meta_description": _summary(page.body_html),
    })


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request):
    event = Event.objects.current_or_404()
    return _ics_response(calendar.event_calendar(event), f"{event.slug}.ics")


def session_ics(request, slug):
    event = Event.objects.current_or_404()
    session = get_object_or_404(
        event.sessions.select_related("event").with_speakers(), slug=slug
    )
    return _ics_response(calendar.session_calendar(session), f"{session.slug}.ics")


# Personal pages (links from e-mails), the welcome desk and staff pages: not for search engines.
_PRIVATE_URLS = [
    ("registrations:confirm", True), ("registrations:manage", True),
    ("registrations:checkin", False), ("registrations:submitted", False),
    ("press:status", True), ("press:document", True), ("press:checkin", True),
    ("press:export-print", False),
]


def _private_prefix(name: str, has_token: bool) -> str:
    if not has_token:
        return reverse(name)
    placeholder = "1" if name == "press:document" else "jeton"
    path = reverse(name, args=[placeholder])
    return path[: path.index(f"/{placeholder}/") + 1]


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    """`/robots.txt`: everything public may be indexed, except the paths above and the admin;
    the sitemap (program/sitemaps.py) lists the public pages."""
    disallowed = [reverse("admin:index")]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            disallowed += [_private_prefix(name, token) for name, token in _PRIVATE_URLS]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in dict.fromkeys(disallowed)),
             "", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
