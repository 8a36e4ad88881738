import re

import pytest
from django.core import mail

from tests.factories import EventFactory, WorkshopFactory


@pytest.fixture
def event(db):
    """A published event whose registrations are open, with a roomy plenary."""
    return EventFactory(plenary_capacity=100)


@pytest.fixture
def workshops(event):
    """Two afternoon workshops: a roomy one and a small one (2 seats)."""
    return [
        WorkshopFactory(event=event, title="Secteurs multi-collèges", slug="secteurs",
                        capacity=30, order=1),
        WorkshopFactory(event=event, title="Parents et mixité", slug="parents", capacity=2,
                        order=2),
    ]


@pytest.fixture
def form_data():
    """A valid submission of the public form, to tweak per test."""

    def make(**overrides):
        data = {
            "first_name": "Awa", "last_name": "Traoré", "email": "awa@example.org",
            "organisation": "Collège Jean-Jaurès", "role": "Principale",
            "audience": "teacher", "workshop": "", "accessibility_needs": [],
            "accessibility_details": "",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


LINK_RE = re.compile(r"https?://[^\s\"<]+/inscription/(confirmer|gerer)/([A-Za-z0-9_\-]+)/")


def links_in(message) -> dict[str, str]:
    """{'confirmer': token, 'gerer': token} found in an e-mail's plain text."""
    return {kind: token for kind, token in LINK_RE.findall(message.body)}


def last_mail_to(address):
    for message in reversed(mail.outbox):
        if address in message.to:
            return message
    raise AssertionError(f"no e-mail to {address}")
