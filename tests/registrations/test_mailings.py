"""Mailings from the admin: a segment, a preview with the count, then one e-mail each."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from colloque.models import StaffAction
from registrations.models import Mailing, Registration
from tests.factories import EventFactory, WorkshopFactory
from tests.press.factories import AccreditationFactory

from .factories import RegistrationFactory

ADD = "/admin/registrations/mailing/add/"
UNSUBSCRIBE_RE = re.compile(r"https?://[^\s\"<]+(/inscription/nouvelles/desabonnement/[^\s\"</]+/)")
Status = Registration.Status


@pytest.fixture
def people(db):
    event = EventFactory()
    parents = WorkshopFactory(event=event, slug="parents", title="Parents")
    other = WorkshopFactory(event=event, slug="secteurs", title="Secteurs")
    make = RegistrationFactory
    return {
        "event": event, "parents": parents,
        "in_parents": make(event=event, workshop=parents, email="a@example.org"),
        "in_parents_en": make(event=event, workshop=parents, email="b@example.org",
                              language="en", wants_news=True),
        "waiting_parents": make(event=event, workshop=parents, workshop_waitlist_seq=1,
                                email="c@example.org"),
        "in_other": make(event=event, workshop=other, email="d@example.org"),
        "day_waiting": make(event=event, status=Status.WAITLISTED, event_waitlist_seq=1,
                            email="e@example.org"),
        "cancelled": make(event=event, workshop=parents, status=Status.CANCELLED,
                          email="f@example.org", wants_news=True),
        "press": AccreditationFactory(event=event, status="approved", email="g@example.org"),
    }


@pytest.fixture
def team_client(client, django_user_model):
    """Someone of « Équipe OPMIRE », with no other right."""
    user = django_user_model.objects.create_user("opmire", "o@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Équipe OPMIRE"))
    client.force_login(user)
    return client


def form(**overrides):
    return {"segment": "workshop", "workshop": "", "subject_fr": "Changement de salle",
            "body_fr": "L'atelier a lieu en salle Lobau.", "subject_en": "", "body_en": "",
            **overrides}


def send(client, capture, data):
    preview = client.post(ADD, {**data, "_preview": "1"})
    assert preview.status_code == 200
    count = preview.context["count"]
    with capture(execute=True):
        response = client.post(ADD, {**data, "_send": "1", "seen": str(count)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return preview


def test_workshop_mailing_reaches_exactly_its_segment_in_each_language(
        team_client, people, django_capture_on_commit_callbacks):
    data = form(workshop=people["parents"].pk, subject_en="Room change",
                body_en="The workshop is in the Lobau room.")
    preview = send(team_client, django_capture_on_commit_callbacks, data)
    page = preview.content.decode()
    assert "2 destinataires" in page
    assert "L&#x27;atelier a lieu en salle Lobau." in page or "salle Lobau" in page

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["a@example.org"].subject == "Changement de salle"
    assert "Bonjour Camille," in by_address["a@example.org"].body
    assert by_address["b@example.org"].subject == "Room change"
    assert "The workshop is in the Lobau room." in by_address["b@example.org"].body

    mailing = Mailing.objects.get()
    assert (mailing.recipients, mailing.sent_by.username) == (2, "opmire")
    action = StaffAction.objects.get(kind=StaffAction.Kind.MAILING)
    assert action.count == 2 and action.username == "opmire"


@pytest.mark.parametrize(("segment", "expected"), [
    ("confirmed", ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]),
    ("day_waitlist", ["e@example.org"]),
    ("workshop_waitlist", ["c@example.org"]),
    ("press", ["g@example.org"]),
    ("news", ["b@example.org", "f@example.org"]),
])
def test_each_segment(team_client, people, django_capture_on_commit_callbacks, segment,
                      expected):
    workshop = people["parents"].pk if segment == "workshop_waitlist" else ""
    send(team_client, django_capture_on_commit_callbacks, form(segment=segment,
                                                               workshop=workshop))
    assert sorted(m.to[0] for m in mail.outbox) == expected


def test_sending_needs_a_preview_with_the_same_count(team_client, people):
    response = team_client.post(ADD, {**form(segment="press"), "_send": "1", "seen": "5"})
    assert response.status_code == 200
    assert mail.outbox == [] and not Mailing.objects.exists()


def test_news_mailing_carries_a_one_click_unsubscribe(
        client, team_client, people, django_capture_on_commit_callbacks):
    send(team_client, django_capture_on_commit_callbacks, form(segment="news"))
    message = next(m for m in mail.outbox if m.to == ["b@example.org"])
    path = UNSUBSCRIBE_RE.search(message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{path}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.get(path).status_code == 200
    assert Registration.objects.get(email="b@example.org").wants_news  # a GET changes nothing
    # What a mail client sends for RFC 8058's one-click: no cookie, no CSRF token.
    client.post(path, {"List-Unsubscribe": "One-Click"})
    assert not Registration.objects.get(email="b@example.org").wants_news
    assert Registration.objects.get(email="f@example.org").wants_news


def test_staff_without_the_permission_cannot_write(client, django_user_model, people):
    user = django_user_model.objects.create_user("desk", "d@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Accueil"))
    client.force_login(user)
    assert client.get(ADD).status_code == 403


def test_only_news_mailings_carry_an_unsubscribe_header(
        team_client, people, django_capture_on_commit_callbacks):
    send(team_client, django_capture_on_commit_callbacks, form(segment="confirmed"))
    assert mail.outbox
    assert all("List-Unsubscribe" not in m.extra_headers for m in mail.outbox)
