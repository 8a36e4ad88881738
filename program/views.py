from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import calendar
from .models import Event, Page, Speaker


def _current_event_or_404() -> Event:
    event = Event.objects.current()
    if event is None:
        raise Http404("Aucun événement publié.")
    return event


def home(request):
    event = _current_event_or_404()
    sessions = event.sessions.with_speakers().with_seats_left().in_order()
    return render(request, "program/home.html", {
        "event": event,
        "plenaries": [s for s in sessions if not s.is_workshop],
        "workshops": [s for s in sessions if s.is_workshop],
    })


def programme(request):
    event = _current_event_or_404()
    sessions = event.sessions.with_speakers().with_seats_left().in_order()
    return render(request, "program/programme.html", {
        "event": event,
        "plenaries": [s for s in sessions if not s.is_workshop],
        "workshops": [s for s in sessions if s.is_workshop],
    })


def session_detail(request, slug):
    event = _current_event_or_404()
    session = get_object_or_404(
        event.sessions.with_speakers().with_seats_left(), slug=slug
    )
    return render(request, "program/session_detail.html", {"event": event, "session": session})


def speakers(request):
    event = _current_event_or_404()
    speakers = (
        Speaker.objects.filter(sessions__event=event).distinct().order_by("name")
    )
    return render(request, "program/speakers.html", {"event": event, "speakers": speakers})


def page(request, slug):
    return render(request, "program/page.html", {"page": get_object_or_404(Page, slug=slug)})


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request):
    event = _current_event_or_404()
    return _ics_response(calendar.event_calendar(event), f"{event.slug}.ics")


def session_ics(request, slug):
    event = _current_event_or_404()
    session = get_object_or_404(event.sessions.select_related("event"), slug=slug)
    return _ics_response(calendar.session_calendar(session), f"{session.slug}.ics")
