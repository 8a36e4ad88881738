from django.apps import AppConfig


class ColloqueConfig(AppConfig):
    name = "colloque"
    verbose_name = "Colloque"
