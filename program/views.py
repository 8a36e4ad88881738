from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from registrations.selectors import event_seats_left

from . import calendar
from .models import Event, Page, SessionSpeaker, Speaker
from .structured_data import event_json_ld


def _timetable(event: Event) -> dict:
    """Context shared by the home and programme pages: a fixed number of queries."""
    sessions = list(event.sessions.with_speakers().with_seats_left().in_order())
    window = event.registration_window()
    return {
        "event": event,
        "sessions": sessions,
        "plenaries": [s for s in sessions if not s.is_workshop],
        "workshops": [s for s in sessions if s.is_workshop],
        "registration_window": window,
        "seats_left": event_seats_left(event) if window == "open" else None,
    }


def home(request):
    context = _timetable(Event.objects.current_or_404())
    context["json_ld"] = event_json_ld(
        context["event"], context["sessions"], seats_left=context["seats_left"]
    )
    return render(request, "program/home.html", context)


def programme(request):
    return render(request, "program/programme.html", _timetable(Event.objects.current_or_404()))


def session_detail(request, slug):
    event = Event.objects.current_or_404()
    session = get_object_or_404(event.sessions.with_speakers().with_seats_left(), slug=slug)
    return render(request, "program/session_detail.html", {
        "event": event,
        "session": session,
        "registration_window": event.registration_window(),
    })


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
    return render(request, "program/speakers.html", {"event": event, "speakers": speakers})


def page(request, slug):
    return render(request, "program/page.html", {"page": get_object_or_404(Page, slug=slug)})


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
