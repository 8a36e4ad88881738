"""`{% dashboard %}`: the organisers' figures on the admin home page, block by block as the
user's permissions allow (`colloque.dashboard` reads them; this module adds the links and the
chart's geometry)."""

import math
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from colloque import dashboard
from program.models import Event

register = template.Library()

# The bar chart's drawing, in SVG user units (the figure scales to its box).
CHART_WIDTH, CHART_HEIGHT = 640, 220
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 36, 8, 20, 34
CHART_MAX_DATE_LABELS = 8


def _changelist(model: str, **query) -> str:
    url = reverse(f"admin:{model.replace('.', '_')}_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def bar_chart(days: list[dict]) -> dict | None:
    """Where to draw each day's bar: one per day with registrations, on a scale from 0 to the
    busiest day; a date under the first bar and about every `len(days) / 8` days after."""
    if not days:
        return None
    peak = max(day["count"] for day in days)
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot_height
    slot = plot_width / len(days)
    bar_width = min(max(slot * 0.7, 1), 48)
    step = math.ceil(len(days) / CHART_MAX_DATE_LABELS)
    last = len(days) - 1
    bars = []
    for i, day in enumerate(days):
        height = plot_height * day["count"] / peak
        centre = CHART_LEFT + (i + 0.5) * slot
        bars.append({
            **day,
            "x": round(centre - bar_width / 2, 1), "y": round(baseline - height, 1),
            "width": round(bar_width, 1), "height": round(height, 1), "centre": round(centre, 1),
            "date_label": i == last or (i % step == 0 and last - i >= step / 2),
        })
    busiest = max(days, key=lambda day: day["count"])
    return {
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT, "top": CHART_TOP, "baseline": baseline,
        "date_y": baseline + 18, "bars": bars, "counts_on_bars": slot >= 18,
        "peak": peak, "busiest": busiest["day"], "first": days[0]["day"],
        "last": days[-1]["day"], "total": sum(day["count"] for day in days),
        "days_with_registrations": [day for day in days if day["count"]],
    }


def dashboard_context(user, now) -> dict:
    """What `admin/_dashboard.html` shows to `user`: only the blocks their permissions open."""
    can_registrations = user.has_perm("registrations.view_registration")
    can_press = user.has_perm("press.view_accreditationrequest")
    can_desk = user.has_perm("registrations.check_in_registration")
    context = {
        "now": now, "can_registrations": can_registrations, "can_press": can_press,
        "can_desk": can_desk, "desk_only": can_desk and not (can_registrations or can_press),
        "desk_url": reverse("registrations:checkin") if can_desk else None,
    }
    event = Event.objects.current() if (can_registrations or can_press) else None
    context["event"] = event
    if event is None:
        return context
    if can_registrations:
        registrations = "registrations.registration"
        of_event = {"event__id__exact": event.pk}
        confirmed = {**of_event, "status__exact": dashboard.Status.CONFIRMED}
        by_status = dashboard.registrations_by_status(event, now)
        for row in by_status["rows"]:
            row["url"] = _changelist(registrations, **of_event, status__exact=row["status"])
        needs = dashboard.accessibility_needs(event)
        if user.has_perm("registrations.view_health_data"):  # counts for all, people for some
            for row in needs["rows"]:
                row["url"] = _changelist(registrations, **confirmed, **row["filter"])
        context.update(
            registrations_url=_changelist(registrations, **of_event),
            by_status=by_status,
            seats=dashboard.seats(event, now),
            audience=dashboard.audience_mix(event),
            needs=needs,
            chart=bar_chart(dashboard.registrations_per_day(event)),
        )
        if dashboard.is_event_day(event, now):
            context["arrivals"] = dashboard.arrivals(event, now)
            context["not_arrived_url"] = _changelist(registrations, **of_event, arrived="no")
    if can_press:
        accreditations = "press.accreditationrequest"
        press = dashboard.press_requests(event)
        for row in press["rows"]:
            row["url"] = _changelist(accreditations, event__id__exact=event.pk,
                                     status__exact=row["status"])
        context.update(press=press, press_pending_url=_changelist(
            accreditations, event__id__exact=event.pk,
            status__in=f"{dashboard.PressStatus.SUBMITTED},{dashboard.PressStatus.INFO_REQUESTED}",
        ))
    return context


@register.inclusion_tag("admin/_dashboard.html", takes_context=True)
def dashboard_blocks(context):
    return dashboard_context(context["request"].user, timezone.now())


@register.filter
def bar_width(percent) -> str:
    """A bar's CSS width from a percentage, kept within 0–100 (a capacity lowered below the
    seats already taken gives a rate above 100)."""
    return f"{min(max(int(percent or 0), 0), 100)}%"
