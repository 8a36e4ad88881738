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


def test_a_journalists_upload_through_staff_approval_to_the_badge_e_mail(
    page, chromium, live_server, press_event, mailoutbox
):
    """The whole path of an accreditation in the browser: a freelance journalist sends the
    form with her assignment letter (PDF), a member of the press service logs into the admin,
    opens the letter, grants the accreditation; the e-mail carries the badge (PDF) and a link
    that opens it."""
    from urllib.parse import urlsplit

    from django.contrib.auth.models import Permission, User

    from press.models import AccreditationRequest

    from .conftest import PDF

    page.goto(live_server.url + "/presse/accreditation/")
    page.fill("#id_first_name", "Inès")
    page.fill("#id_last_name", "Moreau")
    page.fill("#id_email", "ines.moreau@example.org")
    page.fill("#id_phone", "06 12 34 56 78")
    page.fill("#id_outlet", "Le Journal des parents")
    page.select_option("#id_media_type", index=1)
    page.select_option("#id_role", index=1)
    page.set_input_files("#id_assignment_letter", files=[
        {"name": "lettre-de-mission.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.fill("#id_crew_size", "1")
    page.check("#id_consent")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.locator("h1")).not_to_have_text("Demande d'accréditation presse")
    accreditation = AccreditationRequest.objects.get(email="ines.moreau@example.org")
    assert accreditation.status == AccreditationRequest.Status.SUBMITTED
    assert accreditation.assignment_letter

    staff = User.objects.create_user("service-presse", "presse@example.org", "pw-presse-12345",
                                     is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="press"))
    desk = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    admin = desk.new_page()
    admin.goto(live_server.url + "/admin/login/")
    admin.fill("#id_username", "service-presse")
    admin.fill("#id_password", "pw-presse-12345")
    admin.click("input[type=submit]")
    admin.goto(live_server.url + "/admin/press/accreditationrequest/")
    admin.get_by_role("link", name="Inès Moreau").first.click()
    letter = admin.get_by_role("link", name="Télécharger le document")
    document = desk.request.get(live_server.url + letter.get_attribute("href"))
    assert document.status == 200 and document.body() == PDF
    admin.get_by_role("button", name="Accorder").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 accréditation accordée")
    desk.close()

    accreditation.refresh_from_db()
    assert accreditation.status == AccreditationRequest.Status.APPROVED
    approval = next(m for m in mailoutbox if "accréditation presse est accordée" in m.subject)
    assert approval.to == ["ines.moreau@example.org"]
    (name, badge_pdf, mimetype), = [a for a in approval.attachments
                                   if a[2] == "application/pdf"]
    assert badge_pdf.startswith(b"%PDF") and name.startswith("badge-presse")
    link = next(word for word in approval.body.split() if "/badge/" in word)
    page.goto(live_server.url + urlsplit(link).path)
    assert page.locator("h1").inner_text() == "Votre badge presse"
    expect(page.locator(".press-badge")).to_contain_text("Inès")
    expect(page.locator(".press-badge")).to_contain_text("Le Journal des parents")
