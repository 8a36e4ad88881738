import contextlib
import hashlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from colloque.text import (
    EmailAddressField,
    NormalisedTextMixin,
    validate_multiline,
    validate_single_line,
)
from program.models import Session

from .models import Registration

UNKNOWN_WORKSHOP = _("Cet atelier n'existe pas : choisissez-en un dans la liste.")


class WorkshopChoiceField(forms.ModelChoiceField):
    """Each workshop with its seats left; a full one offers its waiting list."""

    def label_from_instance(self, session):
        left = getattr(session, "seats_left", None)
        if left:
            seats = ngettext("%(n)s place restante", "%(n)s places restantes", left) % {"n": left}
        else:
            seats = _("complet : inscription sur liste d'attente")
        return format_html("{} <span class=\"text-body-secondary\">({})</span>",
                           session.title, seats)


class WorkshopIdField(WorkshopChoiceField):
    """The chosen workshop's id: the registration service checks it against the event's
    workshops under its lock, so validating the form reads nothing from the database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value)
        if not (value.isascii() and value.isdigit() and len(value) <= 9):  # a database id
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return int(value)


class RegistrationForm(NormalisedTextMixin, forms.Form):
    """The public form. Names and texts refuse invisible and control characters and are kept
    in NFC; the address is kept in its canonical form (`colloque.text`), on which the one
    active registration per address holds."""

    first_name = forms.CharField(label=_("Prénom"), max_length=100,
                                 validators=[validate_single_line],
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Nom"), max_length=100,
                                validators=[validate_single_line],
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = EmailAddressField(
        label=_("Adresse e-mail"), max_length=254,
        help_text=_("Vous recevrez un lien pour confirmer votre inscription."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple "
                                     "nom@exemple.fr.")},
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    role = forms.CharField(
        label=_("Fonction"), max_length=200, required=False,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    audience = forms.ChoiceField(
        label=_("Vous êtes"), choices=[("", "—")] + Registration.Audience.choices,
    )
    workshop = WorkshopIdField(
        label=_("Atelier de l'après-midi"), queryset=Session.objects.none(), required=False,
        empty_label=_("Je ne participerai pas à un atelier"), widget=forms.RadioSelect,
        blank=True,
        help_text=_("Les cinq ateliers ont lieu en même temps : choisissez-en un."),
        error_messages={"invalid_choice": UNKNOWN_WORKSHOP},
    )
    accessibility_needs = forms.MultipleChoiceField(
        label=_("Besoins d'accessibilité (facultatif)"), required=False,
        choices=Registration.Accessibility.choices, widget=forms.CheckboxSelectMultiple,
    )
    accessibility_details = forms.CharField(
        label=_("Précisions (facultatif)"), max_length=500, required=False,
        validators=[validate_multiline],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accessibility_consent = forms.BooleanField(
        label=_("J'accepte que ces informations sur ma santé (besoins d'accessibilité) soient "
                "utilisées uniquement pour organiser mon accueil le jour du colloque, puis "
                "supprimées."),
        required=False,
        help_text=_("Facultatif. Sans votre accord, vos besoins ne sont pas enregistrés ; vous "
                    "pouvez aussi nous écrire."),
    )
    wants_news = forms.BooleanField(
        label=_("Je souhaite être informé·e des prochains événements de l'OPMIRE (facultatif)."),
        required=False,
    )
    # Honeypot: hidden from people, filled in by naive robots.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        # Validation reads no workshop (the service checks the id under its lock);
        # `with_seat_counts()` gives the choices, with their seats left, for display.

    @cached_property
    def helper(self) -> FormHelper:
        """Layout for {% crispy %}: built only when the form is displayed."""
        privacy_url = reverse("program:page", kwargs={"slug": "donnees-personnelles"})
        notice = format_html(
            '<div class="registration-notice small mb-3" id="notice-donnees"><p class="mb-1">{}</p>'
            '<p class="mb-0"><a href="{}">{}</a></p></div>',
            _("Vos données (identité, coordonnées, atelier) servent uniquement à organiser le "
              "colloque, mission d'intérêt public de la Ville de Paris — Observatoire parisien "
              "de la mixité sociale et de la réussite éducative (OPMIRE), responsable du "
              "traitement. Elles sont anonymisées trois mois après l'événement. Avec le lien "
              "reçu par e-mail, vous pouvez à tout moment les télécharger, annuler ou effacer "
              "votre inscription ; pour vos autres droits : dpd@paris.fr."),
            privacy_url, _("En savoir plus sur vos données personnelles"),
        )
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(_("Vos coordonnées"), "first_name", "last_name", "email", "organisation",
                     "role", "audience"),
            Fieldset(_("L'après-midi"), "workshop"),
            Fieldset(_("Accessibilité"), "accessibility_needs", "accessibility_details",
                     "accessibility_consent"),
            Fieldset(_("Vos données"), HTML(notice), "wants_news"),
            Div("website", css_class="hp-field", aria_hidden="true"),
            Submit("submit", _("Envoyer mon inscription"), css_class="btn-lg"),
        )
        return helper

    def cached_html(self) -> str:
        """The blank form's HTML (what {% crispy %} renders), shared by everyone who loads it.

        Rendering the layout is most of the page's cost, and during a rush everybody loads the
        same blank form: it is cached per language, preselected workshop and workshop choices
        (titles and seats left, read for every page), so a seat count is never stale; the
        short timeout covers the other texts staff may edit.
        """
        choices = [(str(value), str(label)) for value, label in self.fields["workshop"].choices]
        key = "registrations:blank-form:" + hashlib.sha256(
            repr((get_language(), self.initial.get("workshop"), choices)).encode()
        ).hexdigest()
        try:
            html = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache unreachable: the form is drawn
            html = None
        if html is None:
            html = render_crispy_form(self)
            with contextlib.suppress(Exception):
                cache.set(key, html, 60)
        return mark_safe(html)  # noqa: S308 - rendered by crispy from the form's own fields

    def with_seat_counts(self):
        self.fields["workshop"].queryset = (
            Session.objects.filter(event=self.event).workshops().with_seats_left().in_order()
        )
        return self

    def clean_accessibility_needs(self):
        return list(dict.fromkeys(self.cleaned_data["accessibility_needs"]))  # each code once

    def clean(self):
        """Accessibility needs are health data (RGPD art. 9): kept only with their own
        consent. Needs given without it are refused in words, so nobody believes them noted."""
        data = super().clean()
        needs = data.get("accessibility_needs") or (data.get("accessibility_details") or "").strip()
        if needs and not data.get("accessibility_consent"):
            self.add_error("accessibility_consent", _(
                "Pour que nous enregistrions vos besoins d'accessibilité, cochez cette case ; "
                "sinon, décochez vos besoins."))
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ChangeWorkshopForm(forms.Form):
    workshop = WorkshopChoiceField(
        label=_("Atelier de l'après-midi"), queryset=Session.objects.none(), required=False,
        empty_label=_("Aucun atelier"), widget=forms.RadioSelect, blank=True,
        error_messages={"invalid_choice": UNKNOWN_WORKSHOP},
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = (
            Session.objects.filter(event=event).workshops().with_seats_left().in_order()
        )
