"""Text that people type, made safe to store once and show everywhere.

- One mailbox, one address: `normalise_email` gives the canonical form of an e-mail address
  (NFKC, trimmed, local part in lower case, domain through IDNA 2008 / UTS 46 and stored as
  its ASCII form, « xn--… »). The same mailbox written with composed or decomposed accents,
  full-width letters, capitals, or as an internationalised domain or its punycode, gives one
  string: the one-active-registration rule holds on it (`registrations.models`). ASCII for
  the domain because it is what DNS and SMTP use, unambiguous (Django's mail code encodes a
  Unicode domain with Python's IDNA 2003 codec, which sends « straße.de » to « strasse.de »,
  another domain), and compared alike by every database.
- No invisible characters: names and free text refuse control characters (ESC, NUL…),
  bidirectional overrides (U+202E…), zero-width and other format characters, private-use
  code points and lone surrogates. They would reach the admin, the exports, e-mail
  subjects and the badge PDF, where they hide or reorder what staff read
  (`validate_single_line`, `validate_multiline`; line breaks and tabs are allowed only in
  multi-line text). Accepted text is stored in NFC (`NormalisedTextMixin` on the forms).
- Tokens and codes from URLs are checked for their shape before any query (`is_token`).
"""

import re
import unicodedata

import idna
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

# Unicode general categories refused in names and free text: controls, format characters
# (bidirectional controls, zero-width characters, soft hyphen, BOM…), surrogates, private use,
# and the line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_MULTILINE_ALLOWED = frozenset("\n\r\t")

# The tokens of private links and badges: URL-safe base64 (an HMAC, 43 characters today).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")


def normalise_email(value: str) -> str:
    """The canonical form of an e-mail address (see the module's docstring).

    Raises ValueError when the domain is not a valid internationalised domain name."""
    value = unicodedata.normalize("NFKC", value).strip()
    local, at, domain = value.rpartition("@")
    if not at:
        return value.lower()
    local = unicodedata.normalize("NFC", local.lower())
    if domain.startswith("[") or domain.isascii() and not _has_ace_label(domain):
        return f"{local}@{domain.lower()}"  # an address literal, or plain ASCII
    try:
        domain = idna.encode(domain, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(f"invalid domain: {exc}") from None
    return f"{local}@{domain}"


def _has_ace_label(domain: str) -> bool:
    """A label in punycode, which IDNA decodes to check it (« xn--… »)."""
    return any(label.lower().startswith("xn--") for label in domain.split("."))


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that names and free text refuse, or None."""
    for character in value:
        if unicodedata.category(character) in _REFUSED_CATEGORIES and not (
            multiline and character in _MULTILINE_ALLOWED
        ):
            return character
    return None


def _validate(value: str, *, multiline: bool) -> None:
    character = refused_character(value, multiline=multiline)
    if character is not None:
        raise ValidationError(
            _("Ce texte contient un caractère invisible ou de contrôle (%(code)s), souvent "
              "apporté par un copier-coller : retirez-le, puis envoyez à nouveau."),
            code="invisible_character", params={"code": f"U+{ord(character):04X}"},
        )


def validate_single_line(value: str) -> None:
    """Validator for names and one-line text: no control, format or invisible character."""
    _validate(value, multiline=False)


def validate_multiline(value: str) -> None:
    """Validator for free text: the same, but line breaks and tabs are allowed."""
    _validate(value, multiline=True)


def is_token(value: str) -> bool:
    """Whether `value` has the shape of a private link's or a badge's token."""
    return bool(_TOKEN.fullmatch(value))


class NormalisedTextMixin:
    """A form whose accepted text is stored in NFC (composed accents), whatever the keyboard
    or the copy-paste sent: one spelling of a name in the database, the exports and the
    desk's search. Runs in `clean()`, before a ModelForm builds its instance."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str):
                self.cleaned_data[name] = unicodedata.normalize("NFC", value)
        return cleaned if cleaned is not None else self.cleaned_data


class EmailAddressField(forms.EmailField):
    """An e-mail address in its canonical form (`normalise_email`), checked after
    normalisation: a domain IDNA refuses is an invalid address, said in the field's words."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return normalise_email(value)
        except ValueError:
            message = self.error_messages.get("invalid", EmailValidator.message)
            raise ValidationError(message, code="invalid") from None
