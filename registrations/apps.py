from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Inscriptions")

    def ready(self):
        from django.db.models.signals import post_save

        from program.models import Event, Session

        from .tasks import seats_may_have_changed

        # Staff give the event or a workshop more seats (a bigger room): the people waiting
        # get them without waiting for somebody else's registration or cancellation.
        for model in (Event, Session):
            post_save.connect(seats_may_have_changed, sender=model,
                              dispatch_uid=f"registrations-seats-{model.__name__}")
