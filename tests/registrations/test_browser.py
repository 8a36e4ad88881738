import pytest
from django.core import mail

from registrations.models import Registration
from tests.factories import EventFactory, WorkshopFactory

from .conftest import links_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_registration_with_error_summary_then_confirmation(live_server, chromium):
    event = EventFactory()
    WorkshopFactory(event=event, title="Parents et mixité", capacity=2)
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/inscription/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_first_name", "Awa")
    page.fill("#id_email", "pas-une-adresse")
    page.click("main input[type=submit]")
    page.wait_for_load_state()
    # The summary takes the focus so that a screen reader announces it.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.click("#error-summary a[href='#id_email']")
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert Registration.objects.count() == 0

    page.fill("#id_last_name", "Traoré")
    page.fill("#id_email", "awa@example.org")
    page.select_option("#id_audience", "parent")
    page.get_by_label("Parents et mixité").check()
    page.click("main input[type=submit]")
    assert page.locator("h1").inner_text() == "Vérifiez votre messagerie"

    token = links_in(mail.outbox[-1])["confirmer"]
    page.goto(f"{live_server.url}/inscription/confirmer/{token}/")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Mon inscription"
    assert page.locator(".ticket-qr svg").is_visible()
    assert "Parents et mixité" in page.locator(".ticket").inner_text()

    page.click("text=Annuler mon inscription")
    page.click("main button[type=submit]")  # the confirmation step, then the POST
    assert "Cette inscription est annulée" in page.locator("main").inner_text()
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_manage_page_joins_a_full_workshops_waiting_list(live_server, chromium):
    from registrations import services

    event = EventFactory()
    open_one = WorkshopFactory(event=event, title="Secteurs multi-collèges", capacity=30)
    full = WorkshopFactory(event=event, title="Parents et mixité", capacity=1)
    taken, _ = services.registration_create(event=event, first_name="P", last_name="Un",
                                            email="p1@example.org", audience="parent",
                                            workshop_id=full.pk)
    services.registration_confirm(registration=taken)
    mine, _ = services.registration_create(event=event, first_name="Awa", last_name="Traoré",
                                           email="awa@example.org", audience="parent",
                                           workshop_id=open_one.pk)
    token = links_in(mail.outbox[-1])["confirmer"]
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/inscription/confirmer/{token}/")
    page.click("main button[type=submit]")
    assert "rejoignez sa liste d'attente" in page.locator("#change-help").inner_text()
    page.get_by_label("Parents et mixité").check()
    page.click("text=Enregistrer mon choix")
    alert = page.locator("main .messages .alert")
    assert "vous êtes sur sa liste d'attente (position 1)" in alert.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/manage-waitlist.png", full_page=True)
    mine.refresh_from_db()
    assert mine.workshop == full and mine.on_workshop_waitlist
    page.close()
