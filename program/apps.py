from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = _("Programme")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Event, Session
        from .querysets import EventManager

        for model in (Event, Session):
            post_save.connect(EventManager.forget_current, sender=model,
                              dispatch_uid=f"forget-current-event-{model.__name__}")
            post_delete.connect(EventManager.forget_current, sender=model,
                                dispatch_uid=f"forget-current-event-{model.__name__}-delete")
