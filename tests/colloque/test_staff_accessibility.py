"""Automated accessibility audit (axe-core, WCAG 2.1 A/AA rules) of the staff pages.

Staff are civil servants, some of whom use a screen reader or a zoomed screen: the admin
pages they work in (every model of the programme, the press area and the registrations)
and the welcome desk are audited as the public pages are, at a desktop width, logged in.
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from program.demo import load_demo
from tests.colloque.test_accessibility import AXE

AUDITED_APPS = ("program", "press", "registrations", "colloque", "axes")


def _audit(page, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    """axe-core's WCAG 2.1 A/AA violations of each page, by path (empty when clean); a page
    that does not answer 200 is reported too, so one broken page hides none of the others."""
    problems = {}
    for path in paths:
        response = page.goto(base_url + path)
        if response.status != 200:
            problems[path] = [f"HTTP {response.status}"]
            continue
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
                 for v in result["violations"]]
        if found:
            problems[path] = found
    return problems


def _staff_paths(user) -> list[str]:
    """The login page aside, every admin page a superuser reaches for the audited apps:
    index, then for each model its list, the change form of one row and the add form
    where adding is allowed."""
    request = RequestFactory().get("/admin/")
    request.user = user
    paths = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in AUDITED_APPS:
            continue
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {opts.model_name} to audit: add one in the test data"
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    paths.append(reverse("registrations:checkin"))
    return paths


def _journal_queue_and_lockout_rows(user):
    """One row for each superuser page: the staff journal, the e-mail queue, the lockouts."""
    import datetime as dt

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone

    from colloque import audit
    from colloque.models import QueuedTask

    audit.record(user=user, kind=audit.Kind.EXPORT, description="Export CSV", count=3)
    QueuedTask.objects.create(task_path="colloque.mail.deliver_email", args_kwargs={},
                              backend_name="default", run_after=timezone.now(),
                              finished_at=timezone.now() + dt.timedelta(seconds=1))
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        fields = {"username": "marie", "ip_address": "203.0.113.10", "user_agent": "x",
                  "path_info": "/admin/login/"}
        if model is AccessAttempt:
            fields["failures_since_start"] = 5
        model.objects.create(**fields)


def staff_world(django_user_model):
    """The demo edition with a row in every staff list (a registration, a request, a mailing,
    a press kit document, the journal, the queue, a lockout) and its superuser."""
    from press.models import PressKitDocument
    from registrations.models import Mailing
    from tests.press.factories import AccreditationFactory
    from tests.registrations.factories import RegistrationFactory

    event = load_demo()
    RegistrationFactory(event=event, workshop=event.sessions.workshops().first())
    AccreditationFactory(event=event)
    Mailing.objects.create(event=event, segment=Mailing.Segment.CONFIRMED,
                           subject_fr="Plan d'accès", body_fr="Bonjour,\n\nVoici le plan.")
    PressKitDocument.objects.create(
        event=event, title="Communiqué de presse",
        file=SimpleUploadedFile("communique.pdf", b"%PDF-1.4 demo", "application/pdf"),
    )
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    _journal_queue_and_lockout_rows(user)
    return user


def log_in(context, live_server, user) -> None:
    """Give the browser `context` the session of `user` logged in."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url,
    }])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_pages_pass_the_automated_accessibility_audit(
    live_server, chromium, django_user_model
):
    user = staff_world(django_user_model)

    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = _audit(page, live_server.url, [reverse("admin:login")])
    log_in(context, live_server, user)
    problems |= _audit(page, live_server.url, _staff_paths(user))
    context.close()
    assert problems == {}, "\n".join(
        f"{path}: {problem}" for path, found in problems.items() for problem in found)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_cancel_and_erase_confirmation_pages_pass_the_audit(live_server, chromium,
                                                                 django_user_model):
    """The pages an action opens before it runs (the reason to give, the erasure warning)."""
    from tests.registrations.factories import RegistrationFactory

    event = load_demo()
    registration = RegistrationFactory(event=event)
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(context, live_server, user)
    page = context.new_page()
    problems = {}
    for action, heading in (("cancel", "Annuler des inscriptions"),
                            ("erase", "Effacer des inscriptions")):
        page.goto(live_server.url + reverse("admin:registrations_registration_changelist"))
        page.check(f'input[name="_selected_action"][value="{registration.pk}"]')
        page.select_option('select[name="action"]', action)
        page.click('button[name="index"]')
        page.wait_for_selector(f"text={heading}")
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
        found = [v["id"] for v in result["violations"]]
        if found:
            problems[action] = found
    context.close()
    assert problems == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_admin_form_field_borders_stand_out_at_3_to_1(live_server, chromium,
                                                       django_user_model, scheme):
    """WCAG 1.4.11 in the admin too, in its light and dark themes: the fields of a change
    form, of the list's search and actions, and of the login page."""
    from tests.colloque.test_accessibility import FIELD_BORDERS, contrast_ratio
    from tests.registrations.factories import RegistrationFactory

    event = load_demo()
    registration = RegistrationFactory(event=event)
    django_user_model.objects.create_superuser("staff", "staff@example.org", "pw-staff-12345")
    context = chromium.new_context(locale="fr-FR", color_scheme=scheme,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    weak, kinds = [], set()

    def check(path):
        for field in page.evaluate(FIELD_BORDERS):
            kinds.add(field["field"].split(" ")[0])
            ratio = contrast_ratio(field["border"], field["background"])
            if ratio < 3:
                weak.append(f"{path} {field['field']}: {field['border']} on "
                            f"{field['background']} = {ratio:.2f}:1")

    page.goto(live_server.url + reverse("admin:login"))
    check("login")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "pw-staff-12345")
    page.click("input[type=submit]")
    for path in (reverse("admin:registrations_registration_changelist"),
                 reverse("admin:registrations_registration_change", args=[registration.pk]),
                 reverse("admin:program_session_add")):
        page.goto(live_server.url + path)
        check(path)
    context.close()
    assert {"input[type=text]", "input[type=password]", "input[type=email]",
            "select[type=select-one]", "textarea[type=textarea]"} <= kinds
    assert weak == [], "\n".join(weak)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_forms_with_errors_pass_the_audit(live_server, chromium, django_user_model):
    """The admin pages staff see when a save is refused: a registration and a session saved
    with mistakes, a group mailing sent empty then previewed, a refusal sent without its
    reason."""
    from tests.colloque.test_accessibility import axe_violations
    from tests.press.factories import AccreditationFactory
    from tests.registrations.factories import RegistrationFactory

    event = load_demo()
    registration = RegistrationFactory(event=event)
    accreditation = AccreditationFactory(event=event)
    session = event.sessions.workshops().first()
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(context, live_server, user)
    page = context.new_page()
    problems = {}

    def audit(label):
        # The refused save answers with the same page: wait for it (is_visible() would read
        # the page being left, before the answer arrived).
        page.wait_for_selector(".errornote, .errorlist", state="visible", timeout=15_000)
        problems[label] = axe_violations(page)

    page.goto(live_server.url + reverse("admin:registrations_registration_change",
                                        args=[registration.pk]))
    page.fill("#id_first_name", "")
    page.fill("#id_email", "pas-une-adresse")
    page.click("input[name=_save]")
    audit("registration")

    page.goto(live_server.url + reverse("admin:program_session_change", args=[session.pk]))
    page.fill("#id_title_fr", "")
    page.click("input[name=_save]")
    audit("session")

    page.goto(live_server.url + reverse("admin:registrations_mailing_add"))
    page.click("input[name=_preview]")
    audit("mailing")
    page.select_option("#id_segment", "confirmed")
    page.fill("#id_subject_fr", "Plan d'accès")
    page.fill("#id_body_fr", "Bonjour,\n\nVoici le plan.")
    page.click("input[name=_preview]")
    page.wait_for_selector("iframe.mailing-preview")
    problems["mailing preview"] = axe_violations(page)

    page.goto(live_server.url + reverse("admin:press_accreditationrequest_change",
                                        args=[accreditation.pk]))
    page.get_by_role("button", name="Refuser").click()
    page.fill("textarea[name=message]", "   ")  # passes the browser's check, not the server's
    page.locator("#content form [type=submit]").last.click()
    audit("press refusal without a reason")
    context.close()
    problems = {label: found for label, found in problems.items() if found}
    assert problems == {}, "\n".join(
        f"{label}: {problem}" for label, found in problems.items() for problem in found)
