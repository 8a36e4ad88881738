from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressConfig(AppConfig):
    name = "press"
    verbose_name = _("Presse")

    def ready(self):
        from django.db.models.signals import post_delete

        from .documents import delete_stored_document
        from .models import AccreditationRequest

        post_delete.connect(delete_stored_document, sender=AccreditationRequest,
                            dispatch_uid="press-delete-document")
