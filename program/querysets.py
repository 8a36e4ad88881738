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

    def current_or_404(self):
        """`current()` for public views: no published edition is a (friendly) 404."""
        event = self.current()
        if event is None:
            raise Http404(_("Aucun colloque n'est publié pour le moment."))
        return event


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

    def with_seats_left(self):
        """Annotate `seats_taken` and `seats_left` (None for sessions without a capacity).

        What holds a seat is the registrations app's rule: it lives in
        `registrations.selectors.workshop_seats_taken`.
        """
        from registrations.selectors import workshop_seats_taken

        qs = self.annotate(seats_taken=workshop_seats_taken())
        return qs.annotate(
            seats_left=models.Case(
                models.When(capacity__isnull=True, then=models.Value(None)),
                models.When(seats_taken__gte=models.F("capacity"), then=models.Value(0)),
                default=models.F("capacity") - models.F("seats_taken"),
                output_field=models.IntegerField(null=True),
            )
        )
