import os
import shutil

import pytest
from django.core.cache import cache
from django.utils import translation

from program.demo import load_demo


@pytest.fixture(autouse=True)
def _isolation(settings):
    """Each test starts in French with an empty cache (rate limits, sessions) and no kept
    part of the public pages (time_machine may give two tests the same instants)."""
    from program.cache import forget_kept

    cache.clear()
    forget_kept()
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture
def demo_event(db):
    """The colloquium of the press invitation, as `make run` shows it."""
    return load_demo()


@pytest.fixture
def staff_client(client, django_user_model):
    """A logged-in superuser, for admin pages."""
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(user)
    return client


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser); skipped if absent."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser tab at desktop width, in French."""
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
