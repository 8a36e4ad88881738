"""The staff journal: who exported, resent, downloaded or decided what, and when.

Written by `colloque.audit.record` from the admin and the staff views; read by superusers in
the admin (« Journal de l'équipe »). It names its target by reference (a registration's
reference, an accreditation request's number), never by a person's name or address: the
journal outlives the personal data it talks about (retention).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class StaffAction(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        RESEND = "resend", _("E-mail renvoyé")
        DOCUMENT = "document", _("Document téléchargé")
        DECISION = "decision", _("Décision presse")
        CANCEL = "cancel", _("Annulation")
        PROMOTE = "promote", _("Sortie de liste d'attente")
        CHECK_IN = "check_in", _("Arrivée enregistrée")
        ERASE = "erase", _("Effacement de données personnelles")
        UNLOCK = "unlock", _("Compte débloqué")
        MAILING = "mailing", _("Envoi groupé")
        ATTESTATION = "attestation", _("Attestation de présence envoyée")
        DATA_EXPORT = "data_export", _("Données d'une personne téléchargées")

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    username = models.CharField(_("identifiant"), max_length=150, blank=True)
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("détail"), max_length=300)
    count = models.PositiveIntegerField(_("nombre"), null=True, blank=True)

    class Meta:
        verbose_name = _("action de l'équipe")
        verbose_name_plural = _("journal de l'équipe")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.description}"


class QueuedTask(DBTaskResult):
    """The task queue (e-mails, end of holds) under a French name, for superusers."""

    class Meta:
        proxy = True
        verbose_name = _("e-mail ou tâche en file d'attente")
        verbose_name_plural = _("e-mails et tâches en file d'attente")
