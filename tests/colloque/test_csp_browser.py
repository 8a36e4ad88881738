"""The Content-Security-Policy holds in a real browser: every public page, the pages people
reach from their e-mails and every staff page load in Chromium without one violation (no
inline script, handler or style attribute left), and what moved to script files still works.
"""

import secrets

import pytest
from django.urls import reverse

from program.demo import load_demo
from tests.colloque.test_accessibility import PAGES
from tests.colloque.test_staff_accessibility import _staff_paths, log_in, staff_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects the violations the page reports (scripts, handlers, styles, frames), from the
# first byte of each page on: it runs as a browser extension would, outside the policy.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _violations(context, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    """Each path's CSP violations (events and console reports), or its status if not 200."""
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    problems = {}
    for path in paths:
        console.clear()
        response = page.goto(base_url + path)
        if response.status != 200:
            problems[path] = [f"HTTP {response.status}"]
            continue
        if not response.headers.get("content-security-policy"):
            problems[path] = ["no Content-Security-Policy header"]
            continue
        page.wait_for_load_state("load")
        found = page.evaluate("window.__csp") + console
        if found:
            problems[path] = found
    page.close()
    return problems


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {problem}" for path, found in problems.items() for problem in found)


def test_public_and_private_pages_load_without_a_csp_violation(live_server, chromium):
    from press import services as press_services
    from registrations.models import hash_token
    from tests.press.factories import AccreditationFactory
    from tests.registrations.factories import RegistrationFactory

    event = load_demo()
    token = secrets.token_urlsafe(32)
    RegistrationFactory(event=event, workshop=event.sessions.workshops().first(),
                        token_hash=hash_token(token))
    pending = AccreditationFactory(event=event)
    approved = AccreditationFactory(event=event)
    press_services.accreditation_approve(accreditation=approved, actor=None)
    paths = [*PAGES, "/presse/accreditation/", f"/inscription/gerer/{token}/",
             pending.get_absolute_url(), approved.get_absolute_url(),
             reverse("press:badge", kwargs={"token": approved.token}),
             reverse("press:erase", kwargs={"token": pending.token})]

    context = chromium.new_context(locale="fr-FR")
    context.add_init_script(LISTEN)
    problems = _violations(context, live_server.url, paths)
    context.close()
    assert problems == {}, _report(problems)


def test_staff_pages_load_without_a_csp_violation(live_server, chromium, django_user_model):
    user = staff_world(django_user_model)

    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    problems = _violations(context, live_server.url, [reverse("admin:login")])
    log_in(context, live_server, user)
    problems |= _violations(context, live_server.url, [
        *_staff_paths(user), reverse("press:export-print"),
        reverse("admin:registrations_registration_changelist") + "?status__exact=confirmed",
    ])
    context.close()
    assert problems == {}, _report(problems)


@pytest.mark.parametrize("path", ["badge", "list"])
def test_print_buttons_print_under_the_policy(live_server, chromium, django_user_model, path):
    """The « Imprimer » buttons of the press badge and the security desk's list open the
    browser's print dialog from a script file (they were inline onclick handlers)."""
    from press import services as press_services
    from tests.press.factories import AccreditationFactory

    event = load_demo()
    approved = AccreditationFactory(event=event)
    press_services.accreditation_approve(accreditation=approved, actor=None)
    context = chromium.new_context(locale="fr-FR")
    context.add_init_script(LISTEN + "window.__printed = 0; window.print = () => { "
                            "window.__printed += 1; };")
    if path == "list":
        user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
        log_in(context, live_server, user)
        url = reverse("press:export-print")
    else:
        url = reverse("press:badge", kwargs={"token": approved.token})
    page = context.new_page()
    page.goto(live_server.url + url)
    page.get_by_role("button", name="Imprimer").click()
    assert page.evaluate("window.__printed") == 1
    assert page.evaluate("window.__csp") == []
    context.close()


def test_the_mailing_preview_shows_the_e_mail_under_the_policy(live_server, chromium,
                                                                django_user_model):
    """The e-mail of a group mailing is previewed in a sandboxed frame: its inline styles
    (e-mail clients need them) are shown as the recipient will see them, without opening
    inline styles to the admin page around it."""
    from tests.registrations.factories import RegistrationFactory

    event = load_demo()
    RegistrationFactory(event=event)
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    context = chromium.new_context(locale="fr-FR")
    context.add_init_script(LISTEN)
    log_in(context, live_server, user)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + reverse("admin:registrations_mailing_add"))
    page.select_option("#id_segment", "confirmed")
    page.fill("#id_subject_fr", "Plan d'accès")
    page.fill("#id_body_fr", "Bonjour,\n\nVoici le plan.")
    page.click("input[name=_preview]")
    frame = page.frame_locator("iframe.mailing-preview").first
    font = frame.locator("body").evaluate("body => getComputedStyle(body).fontFamily")
    assert "Arial" in font
    assert page.evaluate("window.__csp") == []
    assert [text for text in console if "Content Security Policy" in text] == []
    context.close()
