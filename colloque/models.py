"""The staff journal, and the shape of a status journal.

`StaffAction`: who exported, resent, downloaded or decided what, and when. Written by
`colloque.audit.record` from the admin and the staff views; read by superusers in the admin
(« Journal de l'équipe »). It names its target by reference (a registration's reference, an
accreditation request's number), never by a person's name or address: the journal outlives
the personal data it talks about (retention).

`Transition`: one status change of a registration (`registrations.RegistrationTransition`)
or of an accreditation request (`press.AccreditationTransition`), with the same field names
in both, shown by one admin inline (`colloque.admin.TransitionInline`).
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class Transition(models.Model):
    """One step of a journal: the status before (blank for the first step) and after, when,
    who (`by`; null when the person concerned or the site itself acted) and a note.

    The concrete model adds the foreign key to what changed and says how its codes read:
    `status_choices` (its statuses in words), `note_labels` (the notes its services write in
    English, in words: any other note is what someone typed, shown as typed) and `nobody`
    (who a null `by` is). Its statuses and notes may need longer columns: it redeclares
    `from_status`, `to_status` or `note` with another `max_length`, the same names and kinds.
    """

    from_status = models.CharField(_("de"), max_length=12, blank=True)
    to_status = models.CharField(_("vers"), max_length=12)
    at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    note = models.CharField(_("motif"), max_length=200, blank=True)

    status_choices: ClassVar[list[tuple[str, str]]] = []
    note_labels: ClassVar[dict[str, str]] = {}
    nobody: ClassVar[str] = "—"

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status_label} → {self.to_status_label}"

    def _status_label(self, code: str) -> str:
        return str(dict(self.status_choices).get(code, code)) if code else "—"

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)

    @property
    def note_label(self) -> str:
        """The note in words: a known service note in French, else the note as typed."""
        return str(self.note_labels[self.note]) if self.note in self.note_labels else self.note

    @property
    def by_label(self) -> str:
        """Who acted: the staff member, else `nobody` (the person concerned, the site)."""
        return str(self.by) if self.by_id else str(self.nobody)


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
