"""What staff type in the admin, and odd values already stored: a message, never a 500."""

import csv
import html
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registrations.models import Registration

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_registration_changelist")


def change_url(registration) -> str:
    return reverse("admin:registrations_registration_change", args=[registration.pk])


def admin_data(registration, **overrides) -> dict:
    data = {
        "first_name": registration.first_name, "last_name": registration.last_name,
        "email": registration.email, "organisation": registration.organisation,
        "role": registration.role, "audience": registration.audience,
        "accessibility_needs": [], "accessibility_details": "",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("address", [
    "awa@example.org", "AWA@Example.ORG", "ａｗａ＠ｅｘａｍｐｌｅ．ｏｒｇ",
])
def test_changing_an_address_to_one_already_registered_is_a_form_error(
    staff_client, event, address
):
    RegistrationFactory(event=event, email="awa@example.org")
    other = RegistrationFactory(event=event, email="ben@example.org")
    response = staff_client.post(change_url(other), admin_data(other, email=address))
    assert response.status_code == 200
    assert ("Une autre inscription en cours utilise déjà cette adresse e-mail pour ce colloque."
            in html.unescape(response.text))
    other.refresh_from_db()
    assert other.email == "ben@example.org"


def test_kelvin_sign_is_the_same_address(staff_client, event):
    """U+212A KELVIN SIGN lower-cases to k in the database's index (LOWER), but not in
    UPPER, which `iexact` compares on PostgreSQL: only the canonical form sees the clash."""
    RegistrationFactory(event=event, email="kim@example.org")
    other = RegistrationFactory(event=event, email="ben@example.org")
    response = staff_client.post(change_url(other), admin_data(other, email="\u212aim@example.org"))
    assert response.status_code == 200
    assert "Une autre inscription en cours" in html.unescape(response.text)


def test_admin_stores_the_canonical_address_and_composed_names(staff_client, event):
    registration = RegistrationFactory(event=event, email="ben@example.org")
    response = staff_client.post(change_url(registration), admin_data(
        registration, email="Ben@Collège-Exemple.FR", first_name="Zoe\u0301"))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.email == "ben@xn--collge-exemple-yjb.fr"
    assert registration.first_name == "Zoé"


@pytest.mark.parametrize("field", ["first_name", "last_name", "organisation", "role",
                                   "accessibility_details"])
def test_admin_refuses_invisible_characters(staff_client, event, field):
    registration = RegistrationFactory(event=event)
    before = getattr(registration, field)
    response = staff_client.post(change_url(registration),
                                 admin_data(registration, **{field: "Awa\u202eTraoré"}))
    assert response.status_code == 200
    assert "caractère invisible ou de contrôle (U+202E)" in html.unescape(response.text)
    registration.refresh_from_db()
    assert getattr(registration, field) == before


BAD_NEEDS = ["lsf", 5, {"lsf": True}, ["jetpack"], [["lsf"]], [None], ["lsf", 3]]


@pytest.mark.parametrize("stored", BAD_NEEDS)
def test_odd_stored_needs_do_not_break_the_admin_or_the_exports(staff_client, event, stored):
    """A value written by an older version, an import or a shell: the pages and the exports
    show it as it is, and the export is whole."""
    odd = RegistrationFactory(event=event, last_name="Bizarre")
    Registration.objects.filter(pk=odd.pk).update(accessibility_needs=stored)
    RegistrationFactory.create_batch(3, event=event)
    assert staff_client.get(change_url(odd)).status_code == 200
    assert staff_client.get(CHANGELIST).status_code == 200
    assert staff_client.get(CHANGELIST, {"besoin": "lsf"}).status_code == 200
    response = staff_client.post(CHANGELIST, {
        "action": "export_as_csv", "_selected_action": list(
            Registration.objects.values_list("pk", flat=True))})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 1 + 4
    assert any("Bizarre" in row for row in rows)
    response = staff_client.post(CHANGELIST, {
        "action": "export_as_xlsx", "_selected_action": list(
            Registration.objects.values_list("pk", flat=True))})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 4


@pytest.mark.parametrize("needs", [["jetpack"], ["lsf", "lsf"], ["LSF"]])
def test_admin_refuses_needs_that_are_not_known_codes(staff_client, event, needs):
    registration = RegistrationFactory(event=event)
    response = staff_client.post(change_url(registration),
                                 admin_data(registration, accessibility_needs=needs))
    assert response.status_code in (200, 302)
    registration.refresh_from_db()
    assert registration.accessibility_needs in ([], ["lsf"])


def test_model_refuses_needs_that_are_not_a_list_of_known_codes(event):
    from django.core.exceptions import ValidationError

    registration = RegistrationFactory.build(event=event)
    for needs in BAD_NEEDS + [["lsf", "lsf"]]:
        registration.accessibility_needs = needs
        with pytest.raises(ValidationError) as error:
            registration.full_clean(exclude=["event", "workshop", "token_hash", "reference",
                                             "hold_expires_at"])
        assert "accessibility_needs" in error.value.message_dict
    registration.accessibility_needs = ["lsf", "wheelchair"]
    registration.full_clean(exclude=["event", "workshop", "token_hash", "reference",
                                     "hold_expires_at"])


@pytest.mark.parametrize("field, value, message", [
    ("subject_fr", "Salle\u202e changée", "caractère invisible ou de contrôle (U+202E)"),
    ("subject_fr", "Salle\x1b[2J", "caractère invisible ou de contrôle (U+001B)"),
    ("body_fr", "Bonjour\u200b", "caractère invisible ou de contrôle (U+200B)"),
    ("body_fr", "x" * 10_001, "au plus 10000 caractères"),
])
def test_mailings_refuse_invisible_characters_and_overlong_bodies(
    staff_client, event, field, value, message, django_capture_on_commit_callbacks
):
    from django.core import mail

    from registrations.models import Mailing

    RegistrationFactory(event=event)
    data = {"segment": "confirmed", "workshop": "", "subject_fr": "Changement de salle",
            "body_fr": "L'atelier a lieu en salle Lobau.\nÀ bientôt.", "subject_en": "",
            "body_en": "", field: value}
    with django_capture_on_commit_callbacks(execute=True):
        for step in ({"_preview": "1"}, {"_send": "1", "seen": "1"}):
            response = staff_client.post("/admin/registrations/mailing/add/", {**data, **step})
            assert response.status_code == 200
            assert message in html.unescape(response.text)
    assert Mailing.objects.count() == 0 and mail.outbox == []


@pytest.mark.parametrize("typed", ["awa@collège-exemple.fr", "AWA@COLLE\u0300GE-EXEMPLE.FR",
                                   "awa@xn--collge-exemple-yjb.fr", "traore"])
def test_desk_finds_an_address_however_it_is_typed(staff_client, event, typed):
    RegistrationFactory(event=event, last_name="Traoré", email="awa@xn--collge-exemple-yjb.fr")
    response = staff_client.get(reverse("registrations:checkin"), {"code": typed})
    assert response.status_code == 200 and "Traoré" in html.unescape(response.text)
