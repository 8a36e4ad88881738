"""One journal shape: a registration's history and an accreditation request's history have
the same fields (`colloque.models.Transition`) and one admin inline, which shows statuses and
notes in words, says who acted, and reads them with the rows."""

import html

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from press import services as press_services
from press.models import AccreditationTransition
from registrations.models import RegistrationTransition
from tests.factories import EventFactory
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

SHAPE = {"from_status", "to_status", "at", "by", "note"}


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("model", [RegistrationTransition, AccreditationTransition])
def test_both_journals_have_the_same_fields(model):
    names = {field.name for field in model._meta.get_fields()}
    assert names >= SHAPE
    assert not names & {"created_at", "actor", "message"}
    assert model._meta.ordering == ["at", "pk"]


@pytest.mark.django_db
def test_press_history_reads_in_words_and_says_who_acted(staff_client, django_user_model):
    accreditation = AccreditationFactory()
    moderator = django_user_model.objects.get(username="staff")
    press_services.accreditation_request_info(accreditation=accreditation, actor=moderator,
                                              message="Quel sujet ?")
    page = text(staff_client.get(reverse("admin:press_accreditationrequest_change",
                                         args=[accreditation.pk])))
    history = page[page.index("Historique des statuts"):]
    assert "Ce qui s'est passé" in history
    assert "Demande reçue, en cours d'examen → Informations complémentaires demandées" in history
    assert "le ou la journaliste" in history and "staff" in history and "Quel sujet ?" in history
    assert "info_requested" not in history and "submitted →" not in history


@pytest.mark.django_db
def test_registration_history_row_names_its_statuses_in_words(staff_client):
    registration = RegistrationFactory(event=EventFactory())
    registration.transitions.create(from_status="pending", to_status="confirmed",
                                    note="e-mail confirmed")
    page = text(staff_client.get(reverse("admin:registrations_registration_change",
                                         args=[registration.pk])))
    history = page[page.index("Historique"):]
    assert "En attente de confirmation → Confirmée" in history
    assert "pending → confirmed" not in history and "∅" not in history


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_history_reads_who_acted_with_the_rows(staff_client, django_user_model):
    """As many queries for a page with many steps by staff as for one with a few."""
    accreditation = AccreditationFactory()
    registration = RegistrationFactory(event=EventFactory())
    pages = {
        accreditation: reverse("admin:press_accreditationrequest_change",
                               args=[accreditation.pk]),
        registration: reverse("admin:registrations_registration_change",
                              args=[registration.pk]),
    }
    staff = [django_user_model.objects.create_user(f"agent{n}") for n in range(6)]
    for target, url in pages.items():
        target.transitions.create(from_status="", to_status="submitted", by=staff[0])
        few = _queries(staff_client, url)
        for user in staff[1:]:
            target.transitions.create(from_status="", to_status="submitted", by=user)
        assert _queries(staff_client, url) == few


@pytest.mark.django_db(transaction=True)
def test_the_press_journal_keeps_its_rows_when_its_fields_are_renamed(django_user_model):
    """Migration press 0006: `created_at`, `actor`, `message` become `at`, `by`, `note`."""
    before, after = [("press", "0005_text_checks_and_canonical_addresses")], [
        ("press", "0006_transition_shared_shape")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    moderator = django_user_model.objects.create_user("moderatrice")
    old_request = old_apps.get_model("press", "AccreditationRequest").objects.create(
        event_id=EventFactory().pk, status="rejected", first_name="Léa", last_name="Martin",
        email="lea@example.org", phone="06 12 34 56 78", outlet="RFI", media_type="radio",
        role="journalist", press_card_number="1", consent=True)
    old_step = old_apps.get_model("press", "AccreditationTransition").objects.create(
        accreditation_id=old_request.pk, from_status="submitted", to_status="rejected",
        actor_id=moderator.pk, message="Jauge presse atteinte " * 20)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    step = executor.loader.project_state(after).apps.get_model(
        "press", "AccreditationTransition").objects.get(pk=old_step.pk)
    assert (step.from_status, step.to_status, step.by_id, step.note, step.at) == (
        "submitted", "rejected", moderator.pk, "Jauge presse atteinte " * 20, old_step.created_at)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
