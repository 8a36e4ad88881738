import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .markup import MarkdownFieldsMixin, RenderedHTMLField, excerpt
from .querysets import EventManager, SessionQuerySet
from .templatetags.colloque import hm

# Staff write formatted texts in Markdown; this says how, without the word.
FORMATTED_TEXT_HELP = _(
    "Mise en forme : une ligne vide entre deux paragraphes ; **gras** ; *italique* ; "
    "« - » en début de ligne pour une liste ; « ## » en début de ligne pour un intertitre ; "
    "[texte du lien](https://adresse-du-site)."
)


def _local(date: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(date, time, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


class Event(MarkdownFieldsMixin, models.Model):
    """One edition of the colloquium: a day, a venue, its registration and press windows."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(
        _("nom court"), max_length=100, unique=True,
        help_text=_("Sans accents ni espaces, utilisé pour nommer le fichier d'agenda (.ics). "
                    "Rempli à partir du titre."),
    )
    summary = models.CharField(
        _("accroche"), max_length=300, blank=True,
        help_text=_("Une phrase, reprise en tête de page et dans les moteurs de recherche."),
    )
    description = models.TextField(
        _("présentation"), blank=True, help_text=FORMATTED_TEXT_HELP
    )
    description_html = RenderedHTMLField(_("présentation (HTML)"))
    organisers = models.CharField(
        _("organisateurs"), max_length=300, blank=True,
        help_text=_("Signature des e-mails envoyés aux participant·es."),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure de début"))
    end_time = models.TimeField(_("heure de fin"))
    venue = models.CharField(_("lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300)
    plenary_capacity = models.PositiveIntegerField(
        _("jauge de la salle plénière"),
        help_text=_("Nombre de places pour la journée (conférences du matin)."),
    )
    registration_opens_at = models.DateTimeField(
        _("ouverture des inscriptions"),
        help_text=_("Jour et heure (heure de Paris) où le formulaire d'inscription ouvre."),
    )
    registration_closes_at = models.DateTimeField(
        _("clôture des inscriptions"),
        help_text=_("Au plus tard au début du colloque."),
    )
    registrations_closed = models.BooleanField(
        _("inscriptions fermées manuellement"), default=False,
        help_text=_("Cocher pour fermer les inscriptions avant la date de clôture."),
    )
    press_accreditation_deadline = models.DateTimeField(
        _("date limite d'accréditation presse"),
        help_text=_("Après cette date, le formulaire d'accréditation presse est fermé."),
    )
    is_published = models.BooleanField(
        _("publié"), default=False,
        help_text=_("Décoché : l'événement n'apparaît pas sur le site public."),
    )
    is_demo = models.BooleanField(
        _("contenu de démonstration"), default=False,
        help_text=_("Affiche un bandeau « contenu de démonstration » sur le site public."),
    )

    objects = EventManager()
    rendered_fields = {"description_html": ("description", None)}

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("program:home")

    @property
    def starts_at(self) -> dt.datetime:
        return _local(self.date, self.start_time)

    @property
    def ends_at(self) -> dt.datetime:
        return _local(self.date, self.end_time)

    def registration_window(self, now: dt.datetime | None = None) -> str:
        """"open", "not_yet_open" or "closed" (by date or by staff)."""
        now = now or timezone.now()
        if self.registrations_closed or now >= self.registration_closes_at:
            return "closed"
        if now < self.registration_opens_at:
            return "not_yet_open"
        return "open"

    def accreditation_is_open(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.press_accreditation_deadline

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("L'heure de fin doit être postérieure à l'heure de début.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _(
                "La clôture des inscriptions doit être postérieure à leur ouverture."
            )
        if self.date and self.registration_closes_at and self.start_time:
            if self.registration_closes_at > self.starts_at:
                errors["registration_closes_at"] = _(
                    "Les inscriptions doivent fermer au plus tard au début de l'événement."
                )
        if errors:
            raise ValidationError(errors)


class Speaker(MarkdownFieldsMixin, models.Model):
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(
        _("nom court"), max_length=160, unique=True, blank=True,
        help_text=_("Sans accents ni espaces, il sert de lien vers la personne sur la page "
                    "des intervenant·es. Vide : fait à partir du nom."),
    )
    role = models.CharField(_("fonction"), max_length=250, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("biographie"), blank=True, help_text=FORMATTED_TEXT_HELP)
    bio_html = RenderedHTMLField(_("biographie (HTML)"))
    photo = models.ImageField(_("photo"), upload_to="speakers/", blank=True)
    photo_alt = models.CharField(
        _("texte alternatif de la photo"), max_length=200, blank=True,
        help_text=_("Décrit la photo pour les personnes qui ne la voient pas. "
                    "Vide : « Portrait de » suivi du nom."),
    )
    is_demo = models.BooleanField(
        _("contenu de démonstration"), default=False,
        help_text=_("Exemple à remplacer : décochez une fois la fiche vérifiée."),
    )
    # Dates the programme's kept fragments (program/cache.py `fragments`).
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    rendered_fields = {"bio_html": ("bio", None)}

    class Meta:
        verbose_name = _("intervenant·e")
        verbose_name_plural = _("intervenant·es")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:160]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("program:speakers") + f"#{self.slug}"

    @property
    def affiliation(self) -> str:
        return ", ".join(part for part in (self.role, self.organisation) if part)

    @property
    def photo_alt_text(self) -> str:
        return self.photo_alt or _("Portrait de %(name)s") % {"name": self.name}


class Session(MarkdownFieldsMixin, models.Model):
    """A morning plenary conference or an afternoon workshop."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Conférence plénière")
        WORKSHOP = "workshop", _("Atelier")

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="sessions"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=250)
    slug = models.SlugField(
        _("adresse de la page"), max_length=120,
        help_text=_("Fin de l'adresse de la page de la séance (/programme/…/), sans accents ni "
                    "espaces. Rempli à partir du titre ; à ne plus changer une fois le "
                    "programme diffusé, sinon les liens déjà partagés ne marchent plus."),
    )
    description = models.TextField(_("description"), blank=True, help_text=FORMATTED_TEXT_HELP)
    description_html = RenderedHTMLField(_("description (HTML)"))
    # The programme's session cards show the first 30 words.
    excerpt_html = RenderedHTMLField(_("début de la description (HTML)"))
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    room = models.CharField(_("salle"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(
        _("ordre"), default=0, help_text=_("Départage les séances qui commencent à la même heure.")
    )
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True,
        help_text=_("Obligatoire pour un atelier ; vide pour une conférence plénière."),
    )
    speakers = models.ManyToManyField(
        Speaker, through="SessionSpeaker", related_name="sessions", verbose_name=_("intervenant·es")
    )
    # Dates the programme's kept fragments (program/cache.py `fragments`).
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    objects = SessionQuerySet.as_manager()
    rendered_fields = {"description_html": ("description", None),
                       "excerpt_html": ("description", excerpt)}

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["start", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="session_ends_after_start",
                violation_error_message=_("La fin doit être postérieure au début."),
            ),
            models.CheckConstraint(
                condition=Q(kind="plenary", capacity__isnull=True)
                | Q(kind="workshop", capacity__isnull=False),
                name="session_capacity_only_for_workshops",
                violation_error_message=_(
                    "Un atelier doit avoir un nombre de places ; "
                    "une conférence plénière n'en a pas."
                ),
            ),
            models.UniqueConstraint(
                fields=["event", "room", "start"],
                condition=~Q(room=""),
                name="session_one_per_room_and_time",
                violation_error_message=_(
                    "Une autre séance commence à la même heure dans cette salle."
                ),
            ),
            models.UniqueConstraint(fields=["event", "slug"], name="session_slug_unique_per_event"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("program:session-detail", kwargs={"slug": self.slug})

    @property
    def is_workshop(self) -> bool:
        return self.kind == self.Kind.WORKSHOP

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("La fin doit être postérieure au début.")
        if self.kind == self.Kind.WORKSHOP and self.capacity is None:
            errors["capacity"] = _("Un atelier doit avoir un nombre de places.")
        if self.kind == self.Kind.PLENARY and self.capacity is not None:
            errors["capacity"] = _(
                "Une conférence plénière se tient dans la salle plénière : laissez ce champ vide."
            )
        event = self._event_for_validation()
        if event and event.date and event.start_time and event.end_time and self.start and self.end:
            if self.start < event.starts_at or self.end > event.ends_at:
                errors["start"] = _(
                    "La séance doit se tenir pendant l'événement, "
                    "le %(date)s entre %(start)s et %(end)s."
                ) % {
                    "date": event.date.strftime("%d/%m/%Y"),
                    "start": hm(event.start_time),
                    "end": hm(event.end_time),
                }
            elif self.room and event.pk:
                overlapping = (
                    Session.objects.filter(event=event, room=self.room)
                    .filter(start__lt=self.end, end__gt=self.start)
                    .exclude(pk=self.pk)
                    .first()
                )
                if overlapping:
                    errors["room"] = _(
                        "La salle « %(room)s » est déjà occupée par « %(other)s » sur ce créneau."
                    ) % {"room": self.room, "other": overlapping.title}
        if errors:
            raise ValidationError(errors)

    def _event_for_validation(self) -> "Event | None":
        """The event as being edited: in the admin's Session inline on an Event page, the
        in-memory (possibly unsaved, possibly just modified) event, else the stored one."""
        try:
            return self.event
        except Event.DoesNotExist:
            return None

    def _unique_slug(self) -> str:
        base = slugify(self.title)[:110] or "seance"
        taken = set(
            Session.objects.filter(event_id=self.event_id, slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug


class SessionSpeaker(models.Model):
    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Intervenant·e")
        MODERATOR = "moderator", _("Modérateur·rice")

    session = models.ForeignKey(
        Session, verbose_name=_("séance"), on_delete=models.CASCADE,
        related_name="session_speakers",
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("intervenant·e"), on_delete=models.CASCADE,
        related_name="session_roles",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(
        _("ordre"), default=0, help_text=_("Ordre d'affichage : 0 en premier.")
    )
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "speaker"], name="session_speaker_unique"),
        ]

    def __str__(self):
        return f"{self.speaker} — {self.session}"


class Page(MarkdownFieldsMixin, models.Model):
    """A page of text staff edit in the admin: practical information, legal notices."""

    class Slug(models.TextChoices):
        PRACTICAL = "infos-pratiques", _("Informations pratiques")
        LEGAL = "mentions-legales", _("Mentions légales")
        PRIVACY = "donnees-personnelles", _("Données personnelles")
        ACCESSIBILITY = "accessibilite", _("Déclaration d'accessibilité")

    slug = models.SlugField(_("page"), max_length=40, choices=Slug.choices, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("contenu"), help_text=FORMATTED_TEXT_HELP)
    body_html = RenderedHTMLField(_("contenu (HTML)"))
    is_demo = models.BooleanField(
        _("contenu de démonstration"), default=False,
        help_text=_("Texte d'exemple à remplacer : décochez une fois le texte validé."),
    )
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    rendered_fields = {"body_html": ("body", None)}

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("program:page", kwargs={"slug": self.slug})
