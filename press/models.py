"""Press accreditation: a journalist asks, staff decide, the journalist gets a badge.

The allowed status changes are written once, in `TRANSITIONS`; `press.services` applies them
and records each one as an `AccreditationTransition` (who, when, why: the journal's shape is
`colloque.models.Transition`, shared with registrations).
"""

import base64
import datetime as dt
import secrets

from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from colloque.models import Transition
from colloque.text import validate_multiline, validate_single_line
from colloque.tokens import hash_token
from program.models import Event


def private_storage():
    """Journalists' documents live outside MEDIA_URL (callable keeps migrations stable)."""
    return storages["private"]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def unusable_digest() -> str:
    """The digest of a random token nobody holds: a request before it gets its own, or
    after anonymisation."""
    return hash_token(new_token())


def press_token(kind: str, pk: int) -> str:
    """The token of a request's status link (`kind` "status") or of its badge ("checkin"):
    an HMAC of its number under SECRET_KEY.

    As for registrations (`registrations.models.link_token`), only its digest is stored
    (`token_hash`, `checkin_token_hash`): a database leak opens no status page and passes
    no badge at the desk, yet every e-mail and the badge page can give the same token again.
    Changing SECRET_KEY changes the tokens: the next e-mail brings the digests in line
    (`current_tokens`).
    """
    digest = salted_hmac(f"press.{kind}", str(pk), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_digests(pk: int) -> dict[str, str]:
    """The stored digests of request `pk`'s two tokens, by field name."""
    return {"token_hash": hash_token(press_token("status", pk)),
            "checkin_token_hash": hash_token(press_token("checkin", pk))}


def current_tokens(accreditation: "AccreditationRequest") -> None:
    """Bring the stored digests in line with the request's tokens before they are given
    (an e-mail, a badge): they differ only after SECRET_KEY has changed, and the links then
    change too; the e-mail being sent carries the new one."""
    digests = token_digests(accreditation.pk)
    if accreditation.anonymised_at or all(
            getattr(accreditation, field) == value for field, value in digests.items()):
        return
    for field, value in digests.items():
        setattr(accreditation, field, value)
    AccreditationRequest.objects.filter(pk=accreditation.pk).update(**digests)


DEFAULT_PERSONALITY = (
    "Patrick Bloche, adjoint à la Maire de Paris chargé de l'éducation, de la petite enfance, "
    "des familles, de l'organisation et du fonctionnement du Conseil de Paris"
)
DEFAULT_CONTACT_NAME = "Camille Pavlovic"
DEFAULT_CONTACT_PHONE = "01 42 76 49 61"
DEFAULT_CONTACT_EMAIL = "presse@paris.fr"
DEFAULT_ENTRANCE = "Entrée presse, 5 rue de Lobau, 75004 Paris"


class PressInfoQuerySet(models.QuerySet):
    def for_event(self, event: Event | None) -> "PressInfo":
        """The press settings of `event`, or the invitation's defaults when staff set none."""
        info = self.filter(event=event).first() if event else None
        return info or self.model(event=event)


class PressInfo(models.Model):
    """What the press area and the badge e-mail say, editable by staff for each edition."""

    event = models.OneToOneField(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="press_info"
    )
    personality = models.TextField(
        _("personnalité présente"), blank=True, default=DEFAULT_PERSONALITY, max_length=1000,
        help_text=_("Telle que l'invitation presse la présente."),
        validators=[validate_multiline],
    )
    contact_name = models.CharField(
        _("contact presse : nom"), max_length=150, default=DEFAULT_CONTACT_NAME,
        validators=[validate_single_line],
    )
    contact_phone = models.CharField(
        _("contact presse : téléphone"), max_length=40, default=DEFAULT_CONTACT_PHONE,
        validators=[validate_single_line],
    )
    contact_email = models.EmailField(
        _("contact presse : e-mail"), default=DEFAULT_CONTACT_EMAIL
    )
    arrival_time = models.TimeField(
        _("heure d'arrivée de la presse"), default=dt.time(8, 30),
        help_text=_("Indiquée sur le badge et dans l'e-mail d'accréditation."),
    )
    entrance = models.CharField(_("entrée presse"), max_length=250, default=DEFAULT_ENTRANCE,
                                validators=[validate_single_line])
    instructions = models.TextField(
        _("consignes pratiques"), blank=True, max_length=4000, validators=[validate_multiline],
        help_text=_("Texte libre ajouté à l'e-mail d'accréditation (stationnement, régie…)."),
    )

    objects = PressInfoQuerySet.as_manager()

    class Meta:
        verbose_name = _("informations presse")
        verbose_name_plural = _("informations presse")

    def __str__(self):
        return str(_("Informations presse — %(event)s") % {"event": self.event})


class PressKitDocument(models.Model):
    """A press-kit file (press release, photos) staff publish for download."""

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE,
        related_name="press_kit_documents",
    )
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to="press-kit/")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_published = models.BooleanField(_("publié"), default=True)

    class Meta:
        verbose_name = _("document du dossier de presse")
        verbose_name_plural = _("dossier de presse")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("press:kit-document", kwargs={"pk": self.pk})

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Demande reçue, en cours d'examen")
    INFO_REQUESTED = "info_requested", _("Informations complémentaires demandées")
    APPROVED = "approved", _("Accréditation accordée")
    REJECTED = "rejected", _("Accréditation refusée")


# The one place that says which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED, Status.INFO_REQUESTED}),
    Status.INFO_REQUESTED: frozenset({Status.SUBMITTED, Status.REJECTED}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
}
FINAL_STATUSES = frozenset({Status.APPROVED, Status.REJECTED})
PENDING_STATUSES = frozenset({Status.SUBMITTED, Status.INFO_REQUESTED})  # staff decide

# The notes the services write in the journal (stable values), and how staff read them.
CHECK_IN_NOTE = "check-in"
NOTE_LABELS = {CHECK_IN_NOTE: _("arrivée enregistrée à l'accueil")}


class AccreditationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def active(self):
        return self.exclude(status=Status.REJECTED)

    def for_security_desk(self, event: Event):
        return self.filter(event=event).approved().order_by("last_name", "first_name", "pk")

    def for_status_token(self, token: str):
        """The request whose status link carries `token` (compared by digest), as a
        queryset. Links sent before tokens were hashed carry the random token whose digest
        is kept in `legacy_token_hash`."""
        digest = hash_token(token)
        return self.filter(Q(token_hash=digest) | Q(legacy_token_hash=digest))

    def for_checkin_code(self, token: str):
        """The request whose badge carries `token` (`PRESSE:<token>`, see `press.badge`),
        compared by digest; badges sent before tokens were hashed match
        `legacy_checkin_token_hash`."""
        digest = hash_token(token)
        return self.filter(Q(checkin_token_hash=digest) | Q(legacy_checkin_token_hash=digest))


class AccreditationRequest(models.Model):
    """One journalist's request for one edition. No identity document is asked."""

    Status = Status

    class MediaType(models.TextChoices):
        PRINT = "print", _("Presse écrite")
        RADIO = "radio", _("Radio")
        TV = "tv", _("Télévision")
        WEB = "web", _("Web")
        AGENCY = "agency", _("Agence")
        PHOTO = "photo", _("Photo")

    class Role(models.TextChoices):
        JOURNALIST = "journalist", _("Journaliste")
        PHOTOGRAPHER = "photographer", _("Photographe")
        JRI = "jri", _("JRI (journaliste reporter d'images)")
        TECHNICIAN = "technician", _("Technicien·ne")

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.PROTECT,
        related_name="accreditation_requests",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    first_name = models.CharField(_("prénom"), max_length=100,
                                  validators=[validate_single_line])
    last_name = models.CharField(_("nom"), max_length=100, validators=[validate_single_line])
    email = models.EmailField(_("adresse e-mail"))
    phone = models.CharField(_("téléphone mobile"), max_length=30)
    outlet = models.CharField(_("média"), max_length=150, validators=[validate_single_line])
    media_type = models.CharField(_("type de média"), max_length=10, choices=MediaType.choices)
    role = models.CharField(_("fonction"), max_length=15, choices=Role.choices)
    press_card_number = models.CharField(
        _("numéro de carte de presse (CCIJP)"), max_length=20, blank=True,
        validators=[validate_single_line],
    )
    assignment_letter = models.FileField(
        _("lettre de mission"), storage=private_storage, upload_to="accreditations/", blank=True,
    )
    has_camera = models.BooleanField(_("caméra ou appareil photo"), default=False)
    has_tripod = models.BooleanField(_("trépied"), default=False)
    has_lights = models.BooleanField(_("éclairage"), default=False)
    crew_size = models.PositiveSmallIntegerField(_("taille de l'équipe"), default=1)
    interview_wishes = models.TextField(_("souhaits d'interview"), blank=True, max_length=2000,
                                        validators=[validate_multiline])
    consent = models.BooleanField(_("consentement au traitement des données"), default=False)
    language = models.CharField(_("langue"), max_length=10, default="fr")
    # SHA-256 digests of the tokens (`press_token`), never the tokens themselves.
    token_hash = models.CharField(
        max_length=64, unique=True, default=unusable_digest, editable=False
    )
    checkin_token_hash = models.CharField(
        max_length=64, unique=True, default=unusable_digest, editable=False
    )
    # Digests of the random tokens of links and badges sent before tokens were derived from
    # the request's number (migration 0004); emptied by anonymisation. NULL, not "": many rows
    # have none, and a unique column allows many NULLs.
    legacy_token_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    legacy_checkin_token_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    keep_documents = models.BooleanField(
        _("conserver les documents après décision"), default=False,
        help_text=_("Par défaut, les documents transmis sont supprimés dès la décision prise."),
    )
    documents_deleted_at = models.DateTimeField(
        _("documents supprimés le"), null=True, blank=True, editable=False
    )
    checked_in_at = models.DateTimeField(
        _("arrivée à l'accueil le"), null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(
        _("anonymisée le"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'accréditation")
        verbose_name_plural = _("demandes d'accréditation")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("view_accreditation_document", _("Peut ouvrir les documents des journalistes")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="accreditation_consent_given"),
            models.CheckConstraint(
                condition=Q(crew_size__gte=1, crew_size__lte=10),
                name="accreditation_crew_size_1_to_10",
            ),
            models.CheckConstraint(
                condition=~Q(press_card_number="") | ~Q(assignment_letter="")
                | Q(status__in=[Status.APPROVED, Status.REJECTED]),
                name="accreditation_card_or_letter",
            ),
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(status=Status.REJECTED),
                name="accreditation_one_active_per_email",
                violation_error_message=_(
                    "Une demande d'accréditation est déjà en cours pour cette adresse e-mail."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.outlet})"

    def get_absolute_url(self):
        return reverse("press:status", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        """The status link's token (recomputed, not stored)."""
        return press_token("status", self.pk)

    @property
    def checkin_token(self) -> str:
        """The badge's token at the welcome desk (recomputed, not stored)."""
        return press_token("checkin", self.pk)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def equipment(self) -> list[str]:
        names = ("has_camera", "has_tripod", "has_lights")
        return [str(self._meta.get_field(n).verbose_name) for n in names if getattr(self, n)]

    @property
    def document_state(self) -> str:
        if self.assignment_letter:
            return "kept" if self.is_final else "present"
        return "deleted" if self.documents_deleted_at else "none"


class AccreditationTransition(Transition):
    """One status change of a request (`colloque.models.Transition`): `by` is null when the
    journalist acted; `note` is staff's reason or question, or the journalist's answer, as
    typed (sent by e-mail, shown on the status page), or a note of `NOTE_LABELS` (the arrival
    at the welcome desk, a step from « approved » to itself)."""

    accreditation = models.ForeignKey(
        AccreditationRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    # Longer than a registration's: « info_requested », and a message of up to 3,000
    # characters (the admin's reason form, the status page's answer form).
    from_status = models.CharField(_("de"), max_length=20, blank=True)
    to_status = models.CharField(_("vers"), max_length=20)
    note = models.TextField(_("motif ou message"), blank=True, max_length=3000,
                            validators=[validate_multiline])

    status_choices = Status.choices
    note_labels = NOTE_LABELS
    nobody = _("le ou la journaliste")

    class Meta(Transition.Meta):
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique des statuts")
