"""A look at the press pages in Chromium, at desktop and phone widths (screenshots kept)."""

import os
import tempfile

import pytest
from playwright.sync_api import expect

from press import services
from press.demo import load_press_demo

from .factories import AccreditationFactory

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("PRESS_SCREENSHOTS") or tempfile.mkdtemp(prefix="press-shots-")


@pytest.fixture
def press_event(transactional_db):
    from program.demo import load_demo

    event = load_demo()
    load_press_demo(event)
    return event


@pytest.mark.parametrize("width", [1280, 390])
def test_press_pages_read_well(page, live_server, press_event, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/presse/")
    assert page.locator("h1").inner_text() == "Espace presse"
    assert page.get_by_text("Camille Pavlovic").is_visible()
    page.screenshot(path=f"{SHOTS}/presse-{width}.png", full_page=True)
    page.get_by_role("link", name="Demander une accréditation").click()
    assert page.locator("h1").inner_text() == "Demande d'accréditation presse"
    page.screenshot(path=f"{SHOTS}/accreditation-{width}.png", full_page=True)
    page.get_by_role("button", name="Envoyer ma demande").click()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    page.screenshot(path=f"{SHOTS}/accreditation-errors-{width}.png", full_page=True)


def test_badge_page(page, live_server, press_event, django_user_model):
    staff = django_user_model.objects.create_superuser("chef", "chef@example.org", "pw")
    accreditation = AccreditationFactory(event=press_event, first_name="Camille",
                                         last_name="Durand", outlet="France Télévisions",
                                         media_type="tv", role="jri")
    services.accreditation_approve(accreditation=accreditation, actor=staff)
    page.goto(live_server.url + accreditation.get_absolute_url() + "badge/")
    assert page.locator(".press-badge svg").is_visible()
    page.screenshot(path=f"{SHOTS}/badge-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=f"{SHOTS}/badge-390.png", full_page=True)


def test_admin_moderation_pages(page, live_server, press_event, django_user_model):
    django_user_model.objects.create_superuser("chef", "chef@example.org", "pw-chef-12345")
    accreditation = AccreditationFactory(event=press_event, outlet="Mediapart", media_type="web")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "chef")
    page.fill("#id_password", "pw-chef-12345")
    page.click("input[type=submit]")
    page.goto(live_server.url + f"/admin/press/accreditationrequest/{accreditation.pk}/change/")
    page.screenshot(path=f"{SHOTS}/admin-change.png", full_page=True)
    page.get_by_role("button", name="Refuser").click()
    assert page.locator("textarea[name=message]").is_visible()
    page.screenshot(path=f"{SHOTS}/admin-reject.png", full_page=True)
    page.fill("textarea[name=message]", "Hors du champ du colloque")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".messagelist")).to_contain_text("1 accréditation(s) refusée(s)")
    page.screenshot(path=f"{SHOTS}/admin-list.png", full_page=True)
