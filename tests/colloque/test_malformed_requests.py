"""Malformed links: a NUL byte or a token of the wrong shape answers the site's 404, never a
500 (PostgreSQL refuses NUL in text; run these on both databases)."""

import html

import pytest
from django.urls import reverse

from registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return EventFactory()


@pytest.fixture
def staff(staff_client):
    staff_client.raise_request_exception = False  # a 500 is an answer to assert on
    return staff_client


NUL_URLS = [
    "/inscription/?atelier=%00",
    "/inscription/?atelier=ateliers%00",
    "/inscription/?%00=1",
    "/en/inscription/?atelier=%00",
    "/presse/accreditation/suivi/%00/",
    "/presse/accreditation/suivi/abc%00def/badge/",
    "/presse/accreditation/suivi/%00/effacer/",
    "/presse/accreditation/suivi/%00/mes-donnees.json",
    "/presse/gestion/controle/%00/",
    "/inscription/accueil/?code=%00",
    "/inscription/accueil/?code=PRESSE:%00",
    "/inscription/accueil/?code=COLLOQUE:%00",
    "/inscription/accueil/?code=Dupont%00",
    "/inscription/gerer/%00/",
    "/inscription/confirmer/a%00b/",
    "/inscription/nouvelles/desabonnement/%00/",
    "/presse/gestion/export.csv?event=%00",
    "/admin/registrations/registration/?q=%00",
    "/admin/press/accreditationrequest/?q=%00",
    "/programme/?q=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_byte_in_a_link_is_a_404(staff, event, url):
    response = staff.get(url)
    assert response.status_code == 404
    title = "Page not found" if url.startswith("/en/") else "Page introuvable"
    assert title in html.unescape(response.text)  # the site's own page, in its language


@pytest.mark.parametrize("code", ["\x00", "AB\x00CD", "PRESSE:\x00", "COLLOQUE:\x00",
                                  "https://x/?code=%00", "ＡＢＣＤ２３４５", "٣٤٥"])
def test_desk_arrival_with_a_malformed_code_records_nothing(staff, event, code):
    registration = RegistrationFactory(event=event, reference="ABCD2345")
    response = staff.post(reverse("registrations:checkin-arrive"), {"code": code})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    page = staff.get(response["Location"])
    assert "Billet inconnu : arrivée non enregistrée." in html.unescape(page.text)


def test_desk_still_finds_a_reference_typed_by_hand(staff, event):
    RegistrationFactory(event=event, reference="ABCD2345", last_name="Zola")
    response = staff.get(reverse("registrations:checkin"), {"code": "abcd2345"})
    assert response.status_code == 200 and "Zola" in response.text


@pytest.mark.parametrize("token", ["x" * 10, "a" * 42 + "é", "a" * 42 + "=", "٣" * 43,
                                   "a" * 101])
def test_token_of_the_wrong_shape_is_a_404(client, event, token):
    for name in ("registrations:manage", "registrations:confirm", "press:status",
                 "press:badge", "press:erase"):
        response = client.get(reverse(name, kwargs={"token": token}))
        assert response.status_code == 404, name


@pytest.mark.parametrize("value", ["١", "²", "٣٤", "1\u00a0", "-1", "99999999999999999999"])
def test_press_exports_take_only_an_ascii_event_number(staff, event, value):
    for name in ("press:export-csv", "press:export-xlsx", "press:export-print"):
        response = staff.get(reverse(name), {"event": value})
        assert response.status_code == 404, (name, value)


def test_press_exports_of_a_given_or_the_current_event(staff, event):
    other = EventFactory(slug="autre-edition")
    response = staff.get(reverse("press:export-csv"), {"event": str(other.pk)})
    assert response.status_code == 200 and "autre-edition" in response["Content-Disposition"]
    response = staff.get(reverse("press:export-csv"))
    assert response.status_code == 200 and event.slug in response["Content-Disposition"]
    assert Registration.objects.count() == 0
