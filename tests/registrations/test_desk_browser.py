"""The welcome desk on a phone (390×844), as the people at the door use it: log in, scan a
ticket (a scanner types the code then Enter), one tap on the button, the next one."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from press import services as press_services
from program.demo import load_demo
from registrations.models import Registration
from registrations.tickets import ticket_payload, ticket_url
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core-4.14.1" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def _phone(chromium):
    """A touch screen the size of a common phone, in French."""
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", has_touch=True,
                                   is_mobile=True)
    return context.new_page()


def _log_in(page, base_url: str, django_user_model) -> None:
    """A member of « Accueil » logs in through the admin's form and lands on the desk."""
    user = django_user_model.objects.create_user("accueil", password="mot-de-passe-accueil",
                                                 is_staff=True)
    # A transactional test empties the tables, the groups of the data migration included.
    group, _ = Group.objects.get_or_create(name="Accueil")
    group.permissions.set([Permission.objects.get(codename="check_in_registration")])
    user.groups.add(group)
    page.goto(base_url + reverse("registrations:checkin"))
    assert "/admin/login/" in page.url
    page.fill("#id_username", "accueil")
    page.fill("#id_password", "mot-de-passe-accueil")
    page.click("input[type=submit]")
    page.wait_for_url("**/inscription/accueil/")


def _field_is_empty_and_focused(page) -> bool:
    return page.evaluate("document.activeElement.id") == "id_code" and (
        page.input_value("#id_code") == "")


def _axe_violations(page) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                           "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_three_tickets_scanned_in_a_row_each_recorded_with_one_tap(live_server, chromium,
                                                                    django_user_model):
    event = load_demo()
    workshop = event.sessions.workshops().first()
    people = [RegistrationFactory(event=event, workshop=workshop) for _ in range(3)]
    page = _phone(chromium)
    _log_in(page, live_server.url, django_user_model)
    assert _field_is_empty_and_focused(page)

    for number, person in enumerate(people, start=1):
        page.keyboard.type(ticket_payload(person))  # into the focused field, as a scanner
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert person.last_name in page.locator(".desk-name").inner_text()
        assert _field_is_empty_and_focused(page)
        button = page.get_by_role("button", name="Enregistrer l'arrivée")
        box = button.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], "the button needs a scroll"
        if number == 1:
            page.screenshot(path="/tmp/desk-person.png")
        with page.expect_navigation(url="**/inscription/accueil/"):  # POST, then redirect
            button.tap()
        assert f"Bienvenue, {person.full_name} ! Arrivée enregistrée." in (
            page.locator("main").inner_text())
        assert _field_is_empty_and_focused(page)
        assert f"{number} présent·es sur 3 attendu·es" in (
            page.locator("#desk-counters").inner_text())

    page.screenshot(path="/tmp/desk-after.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Registration.objects.filter(pk__in=[p.pk for p in people],
                                       checked_in_at__isnull=False).count() == 3
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_desk_pages_pass_the_accessibility_audit(live_server, chromium, django_user_model):
    """The desk with a person, a search, a badge and a refusal: no axe-core violation."""
    event = load_demo()
    person = RegistrationFactory(event=event, workshop=event.sessions.workshops().first(),
                                 first_name="Awa", accessibility_needs=["lsf"])
    RegistrationFactory(event=event, first_name="Awa", status=Registration.Status.CANCELLED)
    badge = press_services.accreditation_approve(
        accreditation=AccreditationFactory(event=event), actor=None)
    page = _phone(chromium)
    _log_in(page, live_server.url, django_user_model)
    desk = live_server.url + reverse("registrations:checkin")
    problems = {"empty": _axe_violations(page)}
    for name, code in [("person", ticket_payload(person)), ("search", "awa"),
                       ("unknown", "nobody"), ("badge", f"PRESSE:{badge.checkin_token}")]:
        page.goto(desk + "?" + f"code={code}")
        problems[name] = _axe_violations(page)
        if name == "search":
            page.screenshot(path="/tmp/desk-search.png")
    page.goto(ticket_url(person).replace("http://127.0.0.1:8000", live_server.url))
    assert "Awa" in page.locator(".desk-name").inner_text()
    page.context.close()
    assert {name: found for name, found in problems.items() if found} == {}
