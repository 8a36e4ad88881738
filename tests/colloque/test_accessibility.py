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


# Each visible form field's border colour and the colour behind it (the nearest ancestor's
# background that is not transparent), as the browser computes them.
FIELD_BORDERS = """() => {
  const background = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const fields = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea");
  return [...fields]
    .filter((el) => el.getClientRects().length && !el.closest("[aria-hidden=true]"))
    .map((el) => ({field: `${el.tagName.toLowerCase()}[type=${el.type}] #${el.id}`,
                   border: getComputedStyle(el).borderTopColor,
                   width: getComputedStyle(el).borderTopWidth,
                   background: background(el)}));
}"""


def _luminance(rgb: str) -> float:
    red, green, blue = (int(part) / 255 for part in rgb[rgb.index("(") + 1:-1].split(",")[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two computed CSS colours, rgb(…) or rgba(…)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_ratio_follows_wcag():
    assert round(contrast_ratio("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast_ratio("rgb(222, 226, 230)", "rgb(255, 255, 255)"), 2) == 1.3
    assert round(contrast_ratio("rgb(118, 118, 118)", "rgb(255, 255, 255)"), 2) == 4.54


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_form_field_borders_stand_out_at_3_to_1(live_server, chromium):
    """WCAG 1.4.11 (non-text contrast): the border that shows where to type or tick is at
    least 3:1 against the page, for every kind of field of the registration and press forms,
    empty and after a submission with errors."""
    load_demo()
    page = chromium.new_page()
    weak = []
    kinds = set()
    for path in ("/inscription/", "/presse/accreditation/"):
        page.goto(live_server.url + path)
        for submitted in (False, True):
            if submitted:
                page.locator("main form [type=submit]").last.click()
                page.wait_for_load_state()
            for field in page.evaluate(FIELD_BORDERS):
                kinds.add(field["field"].split(" ")[0])
                ratio = contrast_ratio(field["border"], field["background"])
                if field["width"] == "0px" or ratio < 3:
                    weak.append(f"{path} {field['field']}: {field['border']} on "
                                f"{field['background']} = {ratio:.2f}:1")
    page.close()
    assert {"input[type=text]", "input[type=email]", "input[type=checkbox]",
            "input[type=radio]", "select[type=select-one]", "textarea[type=textarea]",
            "input[type=file]"} <= kinds
    assert weak == [], "\n".join(weak)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it stands (after a submission)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in result["violations"]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_public_forms_with_errors_pass_the_automated_accessibility_audit(
    live_server, chromium, width
):
    """The pages people see when something is wrong: the registration form sent empty, in
    French and English, and the press form sent with mistakes (a phone number that is not
    one, no consent, neither card number nor letter)."""
    load_demo()
    page = chromium.new_page(viewport={"width": width, "height": 900})
    problems = {}
    for path in ("/inscription/", "/en/inscription/"):
        page.goto(live_server.url + path)
        page.locator("main form [type=submit]").last.click()
        page.wait_for_selector("[data-error-summary], #error-summary")
        problems[path] = axe_violations(page)
    page.goto(live_server.url + "/presse/accreditation/")
    page.fill("#id_first_name", "Inès")
    page.fill("#id_email", "pas-une-adresse")
    page.fill("#id_phone", "allô")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_selector("[data-error-summary]")
    problems["/presse/accreditation/"] = axe_violations(page)
    page.close()
    problems = {path: found for path, found in problems.items() if found}
    assert problems == {}
