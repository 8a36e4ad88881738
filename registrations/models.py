"""A person's registration for the colloquium day and, optionally, one afternoon workshop.

State machine (`Registration.Status`, transitions written once in `TRANSITIONS`, each one
recorded in `RegistrationTransition` and in the `<status>_at` time fields):

    pending ──confirm──▶ confirmed ──cancel──▶ cancelled
       │  └──confirm (day full)──▶ waitlisted ──promote──▶ confirmed
       └──hold runs out──▶ expired          └──cancel──▶ cancelled

Seats: who holds one and who waits is written once, in `seats.py` (the Q objects below, the
partial index `registration_seat_holders` and the properties come from it). Expiry is read
from the clock in every seat rule, so correctness never depends on a job flipping `pending` to
`expired`: that flip is done by the `expire_hold` task queued with each registration
(`tasks.queue_hold_expiry`) and by the next seat-changing write of the event.

Waiting lists. `event_waitlist_seq` / `workshop_waitlist_seq` give an explicit order, assigned
under the event's row lock (`services.py`), so the order is the order in which the database
granted the lock to the submissions: first come, first served.
"""

import base64

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from colloque.models import Transition
from colloque.text import validate_multiline, validate_single_line
from colloque.tokens import hash_token  # noqa: F401  (services and e-mails read it here)
from program.models import Event, Session

from . import seats


def link_token(reference: str) -> str:
    """The token of a registration's private link: an HMAC of its reference under SECRET_KEY.

    One link per registration, which every e-mail can give again (a promotion, a resend,
    registering again) without cancelling the one the person is using: only its digest is
    stored (`token_hash`), and nobody without the secret key can compute it. Like Django's
    password-reset links, changing SECRET_KEY makes new links (see emails.current_link_token).
    """
    digest = salted_hmac("registrations.link", reference, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class RegistrationQuerySet(models.QuerySet):
    def one(self):
        """The registration of a lookup on a unique column (token, reference), or None.

        Like `first()` without its ORDER BY on the model's ordering, which a unique lookup does
        not need: the worker and every private page run it."""
        return next(iter(self.order_by()[:1]), None)

    def on_event_waitlist(self, now=None):
        """The day's waiting list in order, including people who have not confirmed yet."""
        return self.filter(waiting_for_day_q(now or timezone.now())).order_by("event_waitlist_seq")

    def on_workshop_waitlist(self, workshop, now=None):
        return self.filter(waiting_for_workshop_q(now or timezone.now()),
                           workshop=workshop).order_by("workshop_waitlist_seq")


# The seat rules of `seats.py` as Q objects at a given time (QuerySets, exports, dashboard).
holds_workshop_q = seats.HOLDS_WORKSHOP.q
waiting_for_day_q = seats.WAITS_FOR_DAY.q
waiting_for_workshop_q = seats.WAITS_FOR_WORKSHOP.q


def needs_q(code: str) -> Q:
    """Registrations that asked for the accessibility need `code`.

    `accessibility_needs` is a JSON list of codes: a text match on the quoted code runs on
    SQLite and PostgreSQL alike (`__contains` on a JSON list is PostgreSQL only)."""
    return Q(accessibility_needs__icontains=f'"{code}"')


def validate_accessibility_needs(value) -> None:
    """`accessibility_needs` holds a list of known codes (`Registration.Accessibility`), each
    once: what `needs_q`, the exports and the e-mails read."""
    codes = Registration.Accessibility.values
    if not (isinstance(value, list) and all(isinstance(code, str) and code in codes
                                            for code in value)
            and len(set(value)) == len(value)):
        raise ValidationError(
            _("Les besoins d'accessibilité sont une liste de codes, chacun une fois, parmi : "
              "%(codes)s."), code="invalid_needs", params={"codes": ", ".join(codes)})


class Registration(models.Model):
    Status = seats.Status  # the statuses are declared with the seat rules

    class Audience(models.TextChoices):
        ELECTED = "elected", _("Élu·e local·e")
        RESEARCHER = "researcher", _("Chercheur·e")
        TEACHER = "teacher", _("Enseignant·e ou personnel de l'Éducation nationale")
        PARENT = "parent", _("Parent ou collectif de parents")
        ASSOCIATION = "association", _("Association")
        CITY_STAFF = "city_staff", _("Agent·e de la Ville de Paris")
        OTHER = "other", _("Autre")

    class Accessibility(models.TextChoices):
        WHEELCHAIR = "wheelchair", _("Accès en fauteuil roulant")
        LSF = "lsf", _("Interprétation en langue des signes française (LSF)")
        LOOP = "loop", _("Boucle magnétique")
        OTHER = "other", _("Autre besoin")

    ACTIVE_STATUSES = seats.ACTIVE
    # The state machine: allowed transitions, in one place. A status listed among its own
    # targets may be journalled without changing (a workshop seat given or changed, a seat
    # from the waiting list held under a pending hold, the arrival at the desk).
    TRANSITIONS = {
        Status.PENDING: {Status.PENDING, Status.CONFIRMED, Status.WAITLISTED, Status.EXPIRED,
                         Status.CANCELLED},
        Status.WAITLISTED: {Status.WAITLISTED, Status.CONFIRMED, Status.CANCELLED},
        Status.CONFIRMED: {Status.CONFIRMED, Status.CANCELLED},
        Status.CANCELLED: set(),
        Status.EXPIRED: set(),
    }

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.PROTECT, related_name="registrations"
    )
    workshop = models.ForeignKey(
        Session, verbose_name=_("atelier"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="registrations", limit_choices_to={"kind": Session.Kind.WORKSHOP},
    )
    reference = models.CharField(_("référence"), max_length=12, unique=True, editable=False)
    first_name = models.CharField(_("prénom"), max_length=100,
                                  validators=[validate_single_line])
    last_name = models.CharField(_("nom"), max_length=100,
                                  validators=[validate_single_line])
    email = models.EmailField(_("adresse e-mail"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True,
                                    validators=[validate_single_line])
    role = models.CharField(_("fonction"), max_length=200, blank=True,
                            validators=[validate_single_line])
    audience = models.CharField(_("public"), max_length=20, choices=Audience.choices)
    accessibility_needs = models.JSONField(
        _("besoins d'accessibilité"), default=list, blank=True,
        help_text=_("Codes : wheelchair, lsf, loop, other."),
        validators=[validate_accessibility_needs],
    )
    accessibility_details = models.CharField(
        _("précisions sur l'accessibilité"), max_length=500, blank=True,
        validators=[validate_multiline],
    )
    wants_news = models.BooleanField(_("accepte d'être informé·e des événements de l'OPMIRE"),
                                     default=False)
    language = models.CharField(_("langue"), max_length=8, default="fr")

    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hold_expires_at = models.DateTimeField(_("fin de la réservation provisoire"))
    event_waitlist_seq = models.PositiveIntegerField(
        _("rang d'arrivée sur la liste d'attente de la journée"), null=True, blank=True,
        editable=False,
    )
    workshop_waitlist_seq = models.PositiveIntegerField(
        _("rang d'arrivée sur la liste d'attente de l'atelier"), null=True, blank=True,
        editable=False,
    )
    # Where an unconfirmed registration came from, to cap the seats one network or one mail
    # domain holds unconfirmed (services.registration_create): the network (IPv4 /24, IPv6
    # /64), never the address, cleared once confirmed; the domain, empty for big webmails.
    hold_network = models.CharField(_("réseau d'origine (non confirmée)"), max_length=43,
                                    blank=True, default="", editable=False)
    hold_domain = models.CharField(_("domaine de l'adresse (non confirmée)"), max_length=253,
                                   blank=True, default="", editable=False)
    # When the form last sent the link again to this address (registering it again): at most
    # once every REGISTRATION_RESEND_COOLDOWN_MINUTES (services.registration_create).
    link_resent_at = models.DateTimeField(_("lien renvoyé le"), null=True, blank=True,
                                          editable=False)

    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    consented_at = models.DateTimeField(_("consentement donné le"), null=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True, editable=False)
    waitlisted_at = models.DateTimeField(
        _("mise en liste d'attente le"), null=True, blank=True, editable=False
    )
    promoted_at = models.DateTimeField(
        _("sortie de liste d'attente le"), null=True, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True, editable=False)
    expired_at = models.DateTimeField(_("expirée le"), null=True, blank=True, editable=False)
    checked_in_at = models.DateTimeField(
        _("arrivée à l'accueil le"), null=True, blank=True, editable=False
    )
    # Claimed by `send_reminders` with UPDATE … WHERE reminded_at IS NULL: one reminder each.
    reminded_at = models.DateTimeField(
        _("rappel envoyé le"), null=True, blank=True, editable=False
    )
    accessibility_consent_at = models.DateTimeField(
        _("accord pour les besoins d'accessibilité donné le"), null=True, blank=True,
        editable=False,
    )
    anonymised_at = models.DateTimeField(
        _("anonymisée le"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["-created_at", "-pk"]
        permissions = [
            # The welcome desk (« Accueil »): find a ticket, record an arrival, nothing else.
            ("check_in_registration", _("Peut enregistrer les arrivées à l'accueil")),
            ("export_registration", _("Peut exporter les inscriptions (CSV, XLSX)")),
            # Accessibility needs are health data: in the admin and the exports only for
            # staff given this permission (the desk shows them, the dashboard counts them).
            ("view_health_data", _("Peut voir les besoins d'accessibilité (données de santé)")),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="registration_event_status"),
            # Partial indexes for the writes under the event lock: they stay as small as the
            # capacities while the waiting lists grow.
            models.Index(fields=["event", "hold_expires_at"], name="registration_pending_holds",
                         condition=Q(status="pending")),
            # Those who may hold a seat: not the day's waiting list, even unconfirmed.
            models.Index(fields=["event", "workshop"], name="registration_seat_holders",
                         condition=seats.HOLDS_DAY.q(now=None)),
            # Unconfirmed registrations per network and per mail domain (the hoarding caps).
            models.Index(fields=["event", "hold_network"], name="registration_network_holds",
                         condition=Q(status="pending")),
            models.Index(fields=["event", "hold_domain"], name="registration_domain_holds",
                         condition=Q(status="pending")),
            models.Index(fields=["event", "event_waitlist_seq"], name="registration_day_queue"),
            models.Index(fields=["workshop", "workshop_waitlist_seq"],
                         name="registration_workshop_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                "event", Lower("email"),
                condition=Q(status__in=list(seats.ACTIVE)),
                name="registration_one_active_per_email",
                violation_error_message=_("Une inscription existe déjà pour cette adresse e-mail."),
            ),
            models.CheckConstraint(
                condition=Q(workshop__isnull=False) | Q(workshop_waitlist_seq__isnull=True),
                name="registration_workshop_waitlist_needs_workshop",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @classmethod
    def statuses_before(cls, to_status: str) -> list[str]:
        """The statuses from which `to_status` may be reached (for the bulk UPDATEs' WHERE)."""
        return [status for status, targets in cls.TRANSITIONS.items()
                if to_status in targets and status != to_status]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def hold_is_valid(self) -> bool:
        return self.status == self.Status.PENDING and self.hold_expires_at > timezone.now()

    @property
    def is_effectively_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.hold_expires_at <= timezone.now()
        )

    @property
    def has_day_seat(self) -> bool:
        """A ticket for the day: confirmed (a pending hold is not a ticket yet)."""
        return self.status == self.Status.CONFIRMED

    @property
    def holds_workshop_seat(self) -> bool:
        """A workshop seat held or kept: confirmed, or pending with its hold running."""
        return seats.HOLDS_WORKSHOP.holds(self)

    @property
    def has_workshop_seat(self) -> bool:
        """A ticket for the workshop: confirmed and holding its seat."""
        return self.has_day_seat and seats.HOLDS_WORKSHOP.holds(self)

    @property
    def on_workshop_waitlist(self) -> bool:
        return bool(self.workshop_id) and self.workshop_waitlist_seq is not None

    @property
    def workshop_place(self) -> str:
        """The workshop seat in a word, for staff (admin list, exports); "" when none."""
        if not self.workshop_id or not self.is_active:
            return ""
        if self.has_workshop_seat:
            return str(_("oui"))
        if self.holds_workshop_seat:
            return str(_("réservée, à confirmer"))
        return str(_("liste d'attente"))

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES and not self.is_effectively_expired

    def accessibility_labels(self) -> list[str]:
        """The needs in words. A value that is not a list of known codes (written by an
        import or a shell, not by the forms) is shown as it is rather than breaking the
        admin page, the desk or an export in the middle."""
        labels = dict(self.Accessibility.choices)
        needs = self.accessibility_needs
        if not isinstance(needs, list):
            needs = [] if needs in (None, "") else [needs]
        return [str(labels.get(code, code)) if isinstance(code, str) else str(code)
                for code in needs]


# The journal's notes are written by the services in English (stable values, tests and
# queries read them); staff read them in words.
NOTE_LABELS = {
    "submitted": _("formulaire envoyé"),
    "e-mail confirmed": _("adresse e-mail confirmée"),
    "hold expired": _("réservation provisoire expirée (adresse non confirmée à temps)"),
    "promoted from waiting list": _("place obtenue depuis la liste d'attente"),
    "seat from waiting list, to confirm": _("place obtenue depuis la liste d'attente, "
                                            "à confirmer"),
    "workshop seat from waiting list": _("place en atelier obtenue depuis la liste d'attente"),
    "by staff": _("annulée par l'équipe"),
    "by the registrant": _("annulée par la personne"),
    "promoted by staff": _("placée par l'équipe"),
    "workshop seat given by staff": _("place en atelier donnée par l'équipe"),
    "check-in": _("arrivée enregistrée à l'accueil"),
    "duplicate address": _("annulée : la même adresse e-mail, écrite autrement, avait une "
                           "autre inscription en cours"),
}


class RegistrationTransition(Transition):
    """The journal of a registration's life: who did what, when and why (`colloque.models.
    Transition`). Its notes are the service notes of `NOTE_LABELS`, a workshop change
    (« workshop → <slug> ») or a cancellation's reason typed by staff."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )

    status_choices = Registration.Status.choices
    note_labels = NOTE_LABELS

    class Meta(Transition.Meta):
        verbose_name = _("étape")
        verbose_name_plural = _("historique")

    @property
    def note_label(self) -> str:
        if self.note.startswith("workshop → "):
            slug = self.note.removeprefix("workshop → ")
            return (_("atelier changé : aucun") if slug == "-"
                    else _("atelier changé : %(slug)s") % {"slug": slug})
        return super().note_label


class Mailing(models.Model):
    """A message staff wrote to a segment (`mailings.SEGMENTS`), sent one e-mail per person.

    The record of the sending (who, when, how many); the recipients are not stored: the
    segment is read when the mailing is sent.
    """

    class Segment(models.TextChoices):
        CONFIRMED = "confirmed", _("Toutes les personnes inscrites (confirmées)")
        WORKSHOP = "workshop", _("Les personnes inscrites à un atelier")
        DAY_WAITLIST = "day_waitlist", _("La liste d'attente de la journée")
        WORKSHOP_WAITLIST = "workshop_waitlist", _("La liste d'attente d'un atelier")
        PRESS = "press", _("Les journalistes accrédité·es")
        NEWS = "news", _("Les personnes qui ont demandé les nouvelles de l'OPMIRE")

    event = models.ForeignKey(Event, verbose_name=_("événement"), on_delete=models.PROTECT,
                              related_name="mailings")
    segment = models.CharField(_("destinataires"), max_length=20, choices=Segment.choices)
    workshop = models.ForeignKey(
        Session, verbose_name=_("atelier"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", limit_choices_to={"kind": Session.Kind.WORKSHOP},
    )
    # Subjects go into a header, bodies into every e-mail: no invisible character in either.
    subject_fr = models.CharField(_("objet (français)"), max_length=200,
                                  validators=[validate_single_line])
    body_fr = models.TextField(_("message (français)"), max_length=10_000,
                               validators=[validate_multiline])
    subject_en = models.CharField(_("objet (anglais)"), max_length=200, blank=True,
                                  validators=[validate_single_line])
    body_en = models.TextField(_("message (anglais)"), blank=True, max_length=10_000,
                               validators=[validate_multiline])
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("nombre de destinataires"), default=0)

    class Meta:
        verbose_name = _("envoi groupé")
        verbose_name_plural = _("envois groupés")
        ordering = ["-sent_at", "-pk"]
        permissions = [("send_mailing", _("Peut écrire aux inscrit·es (envois groupés)"))]

    def __str__(self):
        return self.subject_fr

    def text_for(self, language: str) -> tuple[str, str]:
        """(subject, body) in `language` when a translation is given, else in French."""
        if language == "en" and self.subject_en.strip() and self.body_en.strip():
            return self.subject_en, self.body_en
        return self.subject_fr, self.body_fr
