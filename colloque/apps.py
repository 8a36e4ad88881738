from django.apps import AppConfig


class ColloqueConfig(AppConfig):
    name = "colloque"
    verbose_name = "Colloque"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import end_after_a_working_day

        user_logged_in.connect(end_after_a_working_day, dispatch_uid="colloque-working-day")
