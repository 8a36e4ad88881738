from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = _("Programme")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Event
        from .querysets import EventManager

        # The copy of the current edition is an Event row: only Event writes make it stale.
        post_save.connect(EventManager.forget_current, sender=Event,
                          dispatch_uid="forget-current-event")
        post_delete.connect(EventManager.forget_current, sender=Event,
                            dispatch_uid="forget-current-event-delete")

        # What the public pages show: a staff edit makes every cached page stale at once.
        from .cache import bump_version

        for sender in ("program.Event", "program.Session", "program.Speaker",
                       "program.SessionSpeaker", "program.Page", "press.PressInfo",
                       "press.PressKitDocument"):
            for signal in (post_save, post_delete):
                signal.connect(bump_version, sender=sender,
                               dispatch_uid=f"public-pages-{signal is post_save}-{sender}")
