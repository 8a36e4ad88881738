from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import calendar
from .cache import public_page
from .markup import as_text
from .models import Event, Page, SessionSpeaker, Speaker
from .seat_counts import event_seats_left
from .structured_data import event_json_ld, session_json_ld
from .templatetags.colloque import inner_quotes


class Timetable:
    """The day's sessions for the home and programme pages.

    The parts of those pages that list the sessions are kept between renders
    (`{% keep %}`, program/cache.py) under `signature`: the registration window and the
    seats left, read by one small query. The sessions, their speakers and the JSON-LD are
    read only when a kept part has to be drawn again (after a staff edit or a seat taken),
    so a page drawn again costs about the same with 60 sessions as with 9.
    """

    def __init__(self, event: Event):
        self.event = event
        self.registration_window = event.registration_window()

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
    def sessions(self) -> list:
        sessions = list(self.event.sessions.with_speakers().in_order())
        for session in sessions:  # the same figures as the signature
            session.seats_left = self._session_seats.get(session.pk)
        return sessions

    @cached_property
    def plenaries(self) -> list:
        return [s for s in self.sessions if not s.is_workshop]

    @cached_property
    def workshops(self) -> list:
        return [s for s in self.sessions if s.is_workshop]

    @cached_property
    def json_ld(self) -> dict:
        return event_json_ld(self.event, self.sessions, seats_left=self.seats_left)


def _timetable(event: Event) -> dict:
    timetable = Timetable(event)
    return {
        "event": event,
        "timetable": timetable,
        "registration_window": timetable.registration_window,
        "seats_left": timetable.seats_left,
    }


@public_page
def home(request):
    return render(request, "program/home.html", _timetable(Event.objects.current_or_404()))


def _summary(html: str, words: int = 30) -> str:
    """A meta description from stored HTML: its first words, as plain text."""
    return Truncator(as_text(html)).words(words, truncate=" …")


@public_page
def programme(request):
    context = _timetable(Event.objects.current_or_404())
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
    roles = (
        SessionSpeaker.objects.filter(session__event=event)
        .select_related("session")
        .order_by("session__start", "session__order", "session__pk")
    )
    speakers = (
        Speaker.objects.filter(session_roles__session__event=event)
        .distinct()
        .order_by("name")
        .prefetch_related(Prefetch("session_roles", queryset=roles, to_attr="event_roles"))
    )
    return render(request, "program/speakers.html", {
        "event": event,
        "speakers": speakers,
        "meta_description": _(
            "Les intervenant·es du colloque « %(title)s » : leurs fonctions, leurs "
            "organisations et les séances où ils et elles interviennent."
        ) % {"title": inner_quotes(event.title)},
    })


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
