"""No e-mail address and no private-link token in the logs, through a whole registration."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from colloque.logfilters import RedactEmails, RedactPrivateLinks
from tests.factories import EventFactory
from tests.registrations.conftest import links_in

pytestmark = pytest.mark.django_db


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RedactEmails())
        self.addFilter(RedactPrivateLinks())
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_a_whole_registration_logs_no_address_and_no_token(
        client, django_capture_on_commit_callbacks):
    EventFactory()
    capture = Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    old_level, root.level = root.level, logging.DEBUG
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("registrations:register"), {
                "first_name": "Awa", "last_name": "Traoré", "email": "awa.traore@example.org",
                "audience": "teacher"})
        token = links_in(mail.outbox[-1])["confirmer"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/inscription/confirmer/{token}/")
        client.get(f"/inscription/gerer/{token}/")
        client.get(f"/inscription/gerer/{token}/n-existe-pas/")  # a 404: django.request logs
        # What the mail module and the access log write, in their own words:
        logging.getLogger("colloque.mail").warning("E-mail to %s failed",
                                                   ["awa.traore@example.org"])
        logging.getLogger("gunicorn.access").info(
            '%s "%s"', "127.0.0.1", f"GET /inscription/gerer/{token}/ HTTP/1.1")
    finally:
        root.removeHandler(capture)
        root.level = old_level
    logged = "\n".join(capture.lines)
    assert capture.lines
    assert "awa.traore@example.org" not in logged and token not in logged
    assert "a…@example.org" in logged and "/inscription/gerer/***" in logged


def test_the_configured_log_handlers_redact():
    """The site's own LOGGING (settings), not a handler built by the test, hides them."""
    ours = [h for h in logging.getLogger().handlers
            if h.formatter and h.formatter._fmt == "%(asctime)s %(levelname)s %(name)s %(message)s"]
    assert ours, "the console handler of settings.LOGGING is installed"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s for %s",
                               ("/inscription/gerer/AbC123xyz/", "someone@example.org"), None)
    for handler in ours:
        assert handler.filter(record)
    assert "AbC123xyz" not in record.getMessage() and "someone@" not in record.getMessage()
