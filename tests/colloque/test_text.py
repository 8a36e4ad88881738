"""colloque.text: one canonical form per mailbox, no invisible characters in what people type."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from colloque.text import (
    EmailAddressField,
    NormalisedTextMixin,
    is_token,
    normalise_email,
    validate_multiline,
    validate_single_line,
)

# The same mailbox, four ways (issue 12): composed accent, decomposed accent, the
# internationalised domain's punycode, full-width letters and capitals.
SAME_MAILBOX = [
    "awa@collège-exemple.fr",
    "awa@colle\u0300ge-exemple.fr",
    "awa@xn--collge-exemple-yjb.fr",
    "ＡＷＡ＠ＣＯＬＬÈＧＥ-ＥＸＥＭＰＬＥ．ＦＲ",
]


def test_four_spellings_of_one_mailbox_give_one_address():
    assert {normalise_email(value) for value in SAME_MAILBOX} == {
        "awa@xn--collge-exemple-yjb.fr"}


@pytest.mark.parametrize("value, canonical", [
    ("  Awa.Traore@Example.ORG ", "awa.traore@example.org"),
    ("awa@XN--COLLGE-EXEMPLE-YJB.FR", "awa@xn--collge-exemple-yjb.fr"),
    ("awa@exemple。fr", "awa@exemple.fr"),  # ideographic full stop, a dot in UTS 46
    # IDNA 2008 keeps ß (IDNA 2003, Python's codec, would send the mail to strasse.de).
    ("hans@straße.de", "hans@xn--strae-oqa.de"),
    ("k@\u212aelvin.fr", "k@kelvin.fr"),  # KELVIN SIGN, K once NFKC-normalised
])
def test_canonical_form(value, canonical):
    assert normalise_email(value) == canonical


def test_canonical_form_is_stable():
    for value in SAME_MAILBOX:
        once = normalise_email(value)
        assert normalise_email(once) == once


def test_invalid_punycode_is_an_invalid_address():
    with pytest.raises(ValueError):
        normalise_email("awa@xn--zz.fr")
    field = EmailAddressField(error_messages={"invalid": "Adresse invalide."})
    with pytest.raises(ValidationError, match="Adresse invalide."):
        field.clean("awa@xn--zz.fr")
    with pytest.raises(ValidationError):
        EmailAddressField().clean("awa@xn--zz.fr")


def test_email_field_gives_the_canonical_form():
    assert EmailAddressField().clean(SAME_MAILBOX[3]) == "awa@xn--collge-exemple-yjb.fr"


@pytest.mark.parametrize("character", [
    "\x00", "\x1b", "\x07", "\x7f", "\u0085",  # controls: NUL, ESC, BEL, DEL, NEL
    "\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c",  # bidi
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, soft hyphen
    "\ue000", "\u2028", "\u2029", "\ud800",  # private use, separators, lone surrogate
])
def test_invisible_and_control_characters_are_refused(character):
    for validate in (validate_single_line, validate_multiline):
        with pytest.raises(ValidationError) as error:
            validate(f"Awa{character}Traoré")
        message = error.value.messages[0]
        assert "caractère invisible ou de contrôle" in message
        assert f"U+{ord(character):04X}" in message


@pytest.mark.parametrize("text", [
    "Awa Traoré", "Ñúñez-O'Brien", "Nguyễn Thị Minh Khai", "محمد", "张伟", "Zoë 🎓",
    "e\u0301",  # a decomposed accent is a letter and its mark, not an invisible character
])
def test_names_in_every_script_pass(text):
    validate_single_line(text)


def test_line_breaks_and_tabs_only_in_multiline_text():
    text = "Première ligne\r\nSeconde\tligne\n"
    validate_multiline(text)
    with pytest.raises(ValidationError):
        validate_single_line(text)


def test_forms_store_text_in_nfc():
    class Form(NormalisedTextMixin, forms.Form):
        name = forms.CharField()

    form = Form({"name": "Traore\u0301"})
    assert form.is_valid()
    assert form.cleaned_data["name"] == "Traoré"


@pytest.mark.parametrize("value, expected", [
    ("a" * 43, True), ("AbC-_09" * 6, True), ("", False), ("short", False),
    ("a" * 101, False), ("a" * 42 + "\x00", False), ("a" * 42 + "=", False),
    ("a" * 42 + "é", False), ("١" * 43, False),
])
def test_token_shape(value, expected):
    assert is_token(value) is expected
