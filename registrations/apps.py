from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Inscriptions")

    def ready(self):
        from django.db.models.signals import post_save

        from program.models import Event, Session
        from program.seat_counts import count_seats_with

        from .selectors import event_seats_left, workshop_seats_taken
        from .services import registration_expire_holds
        from .tasks import expire_holds_with, seats_may_have_changed

        # The expiry task runs the service (which queues this app's e-mail tasks).
        expire_holds_with(registration_expire_holds)

        # The programme pages show the seats left: counted by the rule of this app.
        count_seats_with(workshop_seats_taken=workshop_seats_taken,
                         event_seats_left=event_seats_left)

        # Staff give the event or a workshop more seats (a bigger room): the people waiting
        # get them without waiting for somebody else's registration or cancellation.
        for model in (Event, Session):
            post_save.connect(seats_may_have_changed, sender=model,
                              dispatch_uid=f"registrations-seats-{model.__name__}")
