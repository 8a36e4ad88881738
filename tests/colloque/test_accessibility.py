"""Automated accessibility audit (axe-core, WCAG 2.1 A/AA rules) of the public pages.

axe-core is vendored for the tests only (tests/vendor, MPL-2.0); nothing is fetched. It does
not replace a manual RGAA audit, but catches missing labels, names, landmarks, contrast and
heading errors before a person has to.
"""

from pathlib import Path

import pytest

from program.demo import load_demo

AXE = (Path(__file__).resolve().parents[1] / "vendor" / "axe-core-4.14.1" / "axe.min.js")
PAGES = [
    "/", "/programme/", "/programme/atelier-parents/", "/intervenants/",
    "/pages/donnees-personnelles/", "/pages/infos-pratiques/", "/inscription/",
    "/presse/", "/presse/accreditation/", "/en/", "/en/programme/", "/en/inscription/",
]


def _audit(page, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    """axe-core's WCAG 2.1 A/AA violations of each page, by path (empty when clean)."""
    problems = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        found = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
                 for v in result["violations"]]
        if found:
            problems[path] = found
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_public_pages_pass_the_automated_accessibility_audit(live_server, chromium, width):
    load_demo()
    page = chromium.new_page(viewport={"width": width, "height": 900})
    problems = _audit(page, live_server.url, PAGES)
    page.close()
    assert problems == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_private_pages_pass_the_automated_accessibility_audit(live_server, chromium):
    """The pages people reach from their e-mails: manage page and ticket, press status, badge."""
    import secrets

    from django.urls import reverse

    from press import services as press_services
    from registrations.models import hash_token
    from tests.press.factories import AccreditationFactory
    from tests.registrations.factories import RegistrationFactory

    event = load_demo()
    token = secrets.token_urlsafe(32)
    RegistrationFactory(event=event, workshop=event.sessions.workshops().first(),
                        token_hash=hash_token(token))
    accreditation = AccreditationFactory(event=event)
    approved = AccreditationFactory(event=event)
    press_services.accreditation_approve(accreditation=approved, actor=None)
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    paths = [f"/inscription/gerer/{token}/", f"/en/inscription/gerer/{token}/",
                 accreditation.get_absolute_url(), approved.get_absolute_url(),
                 reverse("press:badge", kwargs={"token": approved.token}),
                 reverse("press:erase", kwargs={"token": accreditation.token}),
                 "/en" + reverse("press:erase", kwargs={"token": accreditation.token})]
    problems = _audit(page, live_server.url, paths)
    page.close()
    assert problems == {}
