import copy
import time

from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def current(self):
        """The edition the public site shows: the next published one, else the latest."""
        today = timezone.localdate()
        upcoming = self.published().filter(date__gte=today).order_by("date").first()
        return upcoming or self.published().order_by("-date").first()


class EventManager(models.Manager.from_queryset(EventQuerySet)):
    """`current()` is read by every public page and every registration: each process keeps it
    for CURRENT_EVENT_CACHE_SECONDS (a few seconds; 0 turns this off), and forgets it as soon
    as it saves or deletes an event itself.

    Staff edits reach the other processes within that delay. No rule depends on this copy:
    the registration services lock and read the event row again before deciding anything.
    """

    _cached: tuple[float, object] | None = None

    def current(self):
        ttl = settings.CURRENT_EVENT_CACHE_SECONDS
        cached = EventManager._cached
        if ttl and cached is not None and time.monotonic() - cached[0] < ttl:
            event = cached[1]
        else:
            event = self.get_queryset().current()
            EventManager._cached = (time.monotonic(), event) if ttl else None
        return copy.copy(event)  # callers may annotate their copy

    def current_or_404(self):
        """`current()` for public views: no published edition is a (friendly) 404."""
        event = self.current()
        if event is None:
            raise Http404(_("Aucun colloque n'est publié pour le moment."))
        return event

    @classmethod
    def forget_current(cls, **kwargs):
        cls._cached = None


class SessionQuerySet(models.QuerySet):
    def plenaries(self):
        return self.filter(kind=self.model.Kind.PLENARY)

    def workshops(self):
        return self.filter(kind=self.model.Kind.WORKSHOP)

    def in_order(self):
        return self.order_by("start", "order", "pk")

    def with_speakers(self):
        from .models import SessionSpeaker

        return self.prefetch_related(
            models.Prefetch(
                "session_speakers",
                queryset=SessionSpeaker.objects.select_related("speaker").order_by("order", "pk"),
            )
        )

    def with_stamps(self):
        """Annotate what dates a session's fragments on the public pages (its card, its line
        of the home page's summary, its JSON-LD): its own last change (`updated_at`), its
        speakers' (`speakers_changed`), its speakers' roles and order (`roles_changed`) and
        how many they are (`roles`, which a removal changes)."""
        return self.annotate(
            speakers_changed=models.Max("session_speakers__speaker__updated_at"),
            roles_changed=models.Max("session_speakers__updated_at"),
            roles=models.Count("session_speakers"),
        )

    def with_seats_left(self):
        """Annotate `seats_taken` and `seats_left` (None for sessions without a capacity).

        What holds a seat is the registrations app's rule, given at start-up (`seat_counts`).
        """
        from .seat_counts import workshop_seats_taken

        qs = self.annotate(seats_taken=workshop_seats_taken())
        return qs.annotate(
            seats_left=models.Case(
                models.When(capacity__isnull=True, then=models.Value(None)),
                models.When(seats_taken__gte=models.F("capacity"), then=models.Value(0)),
                default=models.F("capacity") - models.F("seats_taken"),
                output_field=models.IntegerField(null=True),
            )
        )
