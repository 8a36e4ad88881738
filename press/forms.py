import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from colloque.text import (
    EmailAddressField,
    NormalisedTextMixin,
    validate_multiline,
    validate_single_line,
)

from .documents import validate_document
from .models import AccreditationRequest

DOCUMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

# Digits, an optional leading +, and the separators people type: spaces, dots, hyphens,
# parentheses. French (06 12 34 56 78) and international (+33 6 12 34 56 78) numbers pass.
_PHONE_CHARACTERS = re.compile(r"\+?[0-9\s.()\-]+")
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 8, 20


def validate_phone(value: str) -> None:
    digits = sum(character.isdigit() for character in value)
    if not (
        _PHONE_CHARACTERS.fullmatch(value) and PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS
    ):
        raise ValidationError(
            _("Saisissez un numéro de téléphone, par exemple 06 12 34 56 78 "
              "ou +33 6 12 34 56 78."),
            code="invalid_phone",
        )


class DocumentField(forms.FileField):
    """A PDF, JPEG or PNG of at most 5 MB, its type read from its content."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("PDF, JPEG ou PNG, 5 Mo au plus."),
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = DOCUMENT_ACCEPT
        self.error_messages["empty"] = _("Le fichier envoyé est vide.")

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file:
            validate_document(file)
        return file


class AccreditationForm(NormalisedTextMixin, forms.ModelForm):
    assignment_letter = DocumentField(
        label=_("Lettre de mission de votre rédaction"),
        help_text=_(
            "Si vous n'avez pas de carte de presse (pigistes, presse étrangère) : "
            "PDF, JPEG ou PNG, 5 Mo au plus."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que ces informations soient utilisées pour traiter ma demande "
            "d'accréditation et pour le contrôle d'accès le jour du colloque."
        ),
        error_messages={"required": _("Votre accord est nécessaire pour traiter la demande.")},
    )
    # Honeypot: hidden from people, filled in by naive robots.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))

    class Meta:
        model = AccreditationRequest
        fields = [
            "first_name", "last_name", "email", "phone", "outlet", "media_type", "role",
            "press_card_number", "assignment_letter", "has_camera", "has_tripod",
            "has_lights", "crew_size", "interview_wishes", "consent",
        ]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "outlet": forms.TextInput(attrs={"autocomplete": "organization"}),
            "crew_size": forms.NumberInput(),
            "interview_wishes": forms.Textarea(attrs={"rows": 3}),
        }
        # The address in its canonical form (`colloque.text`): one mailbox, one request.
        field_classes = {"email": EmailAddressField}
        help_texts = {
            "press_card_number": _("Carte de presse délivrée par la CCIJP."),
            "crew_size": _("Vous compris, 10 personnes au plus."),
            "interview_wishes": _("Personnes que vous souhaitez interviewer, sujets."),
            "phone": _("Pour vous joindre le jour du colloque."),
        }

    def __init__(self, *args, event=None, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)
        self.fields["media_type"].choices = [("", "---------")] + list(
            AccreditationRequest.MediaType.choices
        )
        self.fields["role"].choices = [("", "---------")] + list(AccreditationRequest.Role.choices)
        self.fields["phone"].validators.append(validate_phone)  # the field strips spaces itself
        # The model's validators, on the fields (the service validates the instance again).
        for name in ("first_name", "last_name", "phone", "outlet", "press_card_number"):
            self.fields[name].validators.append(validate_single_line)
        self.fields["interview_wishes"].validators.append(validate_multiline)
        # The bounds clean_crew_size enforces; the model's field would render min="0".
        self.fields["crew_size"].widget.attrs.update({"min": 1, "max": 10})

    def clean_crew_size(self):
        size = self.cleaned_data["crew_size"]
        if not 1 <= size <= 10:
            raise ValidationError(_("L'équipe compte de 1 à 10 personnes."))
        return size

    def clean_press_card_number(self):
        return self.cleaned_data["press_card_number"].strip()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("press_card_number") and not cleaned.get("assignment_letter") and (
            "assignment_letter" not in self.errors
        ):
            self.add_error(
                "press_card_number",
                _("Indiquez votre numéro de carte de presse ou joignez une lettre de mission."),
            )
        # An address with a request in progress is not an error here: the form would tell
        # anybody who has asked for accreditation. The service e-mails its owner instead.
        return cleaned

    def _post_clean(self):
        # The service builds and validates the instance (it knows the event).
        pass

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items()
                if k not in ("assignment_letter", "website")}


class AnswerForm(NormalisedTextMixin, forms.Form):
    answer = forms.CharField(
        label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000,
        validators=[validate_multiline],
    )
    document = DocumentField(label=_("Nouveau document (facultatif)"))


class ReasonForm(NormalisedTextMixin, forms.Form):
    """Staff's reason (rejection) or question (more information), in the admin."""

    message = forms.CharField(
        label=_("Message envoyé au ou à la journaliste"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}), max_length=3000,
        validators=[validate_multiline],
    )

