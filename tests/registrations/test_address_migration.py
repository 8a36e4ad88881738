"""The migrations that rewrite stored addresses in their canonical form: one mailbox written
several ways keeps one registration (and one press request) in progress."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from press.models import AccreditationRequest
from registrations.models import Registration
from tests.factories import EventFactory

BEFORE = [("registrations", "0009_link_resent_at"), ("press", "0004_hash_press_tokens")]
CANONICAL = "awa@xn--collge-exemple-yjb.fr"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_addresses_become_canonical_and_duplicates_are_cancelled():
    old_apps = _migrate(BEFORE)
    OldRegistration = old_apps.get_model("registrations", "Registration")
    OldRequest = old_apps.get_model("press", "AccreditationRequest")
    event = EventFactory()
    now = timezone.now()

    def registration(reference, email, status, minutes_ago):
        return OldRegistration.objects.create(
            event_id=event.pk, reference=reference, first_name="Awa", last_name="Traoré",
            email=email, audience="teacher", status=status, token_hash=reference * 4,
            hold_expires_at=now + dt.timedelta(minutes=30),
            created_at=now - dt.timedelta(minutes=minutes_ago))

    first = registration("AAAA", "awa@collège-exemple.fr", "pending", 40)
    confirmed = registration("BBBB", "awa@colle\u0300ge-exemple.fr", "confirmed", 30)
    waiting = registration("CCCC", "awa@xn--collge-exemple-yjb.fr", "waitlisted", 20)
    wide = registration("DDDD", "ＡＷＡ＠ＣＯＬＬÈＧＥ-ＥＸＥＭＰＬＥ．ＦＲ", "pending", 10)
    other = registration("EEEE", "Ben@Example.ORG", "confirmed", 5)
    gone = registration("FFFF", "awa@collège-exemple.fr ", "cancelled", 50)

    def request(email, status, minutes_ago):
        row = OldRequest.objects.create(
            event_id=event.pk, status=status, first_name="Léa", last_name="Martin",
            email=email, phone="06 12 34 56 78", outlet="RFI", media_type="radio",
            role="journalist", press_card_number="1", consent=True)
        OldRequest.objects.filter(pk=row.pk).update(
            created_at=now - dt.timedelta(minutes=minutes_ago))
        return row

    pending_request = request("lea@straße.de", "submitted", 30)
    approved_request = request("lea@xn--strae-oqa.de", "approved", 20)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    kept = Registration.objects.get(pk=confirmed.pk)
    assert kept.status == "confirmed" and kept.email == CANONICAL
    for duplicate in (first, waiting, wide):
        duplicate = Registration.objects.get(pk=duplicate.pk)
        assert duplicate.status == "cancelled" and duplicate.email == CANONICAL
        note = duplicate.transitions.get()
        assert note.note_label.startswith("annulée : la même adresse e-mail, écrite autrement")
    assert Registration.objects.get(pk=other.pk).email == "ben@example.org"
    assert Registration.objects.get(pk=gone.pk).email == CANONICAL
    assert Registration.objects.filter(status__in=Registration.ACTIVE_STATUSES,
                                       email=CANONICAL).count() == 1

    assert AccreditationRequest.objects.get(pk=approved_request.pk).status == "approved"
    refused = AccreditationRequest.objects.get(pk=pending_request.pk)
    assert refused.status == "rejected" and refused.email == "lea@xn--strae-oqa.de"
    assert "Demande en double" in refused.transitions.get().note
