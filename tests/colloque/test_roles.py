"""The three staff roles (groups made by a data migration): what each can open and do."""

import html

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from colloque import audit
from registrations.models import Registration
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:registrations_registration_changelist")
ACCREDITATIONS = reverse("admin:press_accreditationrequest_changelist")
JOURNAL = reverse("admin:colloque_staffaction_changelist")
TASKS = reverse("admin:colloque_queuedtask_changelist")
DESK = reverse("registrations:checkin")


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def member(client, django_user_model):
    """Log in a new staff member of the named group."""

    def login(group: str):
        user = django_user_model.objects.create_user(f"agent-{len(group)}", password="pw",
                                                     is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return login


def test_the_three_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Équipe OPMIRE", "Service de presse", "Accueil"}


def test_equipe_opmire_runs_programme_and_registrations_not_the_press(member, demo_event):
    client = member("Équipe OPMIRE")
    registration = RegistrationFactory(event=demo_event)
    page = client.get(REGISTRATIONS)
    assert page.status_code == 200 and registration.email in text(page)
    for name in ("cancel", "resend", "promote", "check_in", "export_as_csv", "export_as_xlsx"):
        assert f'value="{name}"' in text(page)
    assert 'value="erase"' not in text(page)  # erasure: the personal-data officer
    assert client.get(reverse("admin:program_event_change", args=[demo_event.pk])
                      ).status_code == 200
    assert client.get(reverse("admin:program_page_changelist")).status_code == 200
    assert client.get(DESK).status_code == 200
    response = client.post(REGISTRATIONS, {"action": "export_as_csv",
                                           "_selected_action": [registration.pk]})
    assert registration.email in b"".join(response.streaming_content).decode("utf-8-sig")
    assert client.get(ACCREDITATIONS).status_code == 403
    assert client.get(JOURNAL).status_code == 403
    assert client.get(TASKS).status_code == 403


def test_service_de_presse_decides_accreditations_not_registrations(member, demo_event):
    client = member("Service de presse")
    accreditation = AccreditationFactory(event=demo_event)
    page = client.get(ACCREDITATIONS)
    assert page.status_code == 200 and accreditation.outlet in text(page)
    assert 'value="approve_selected"' in text(page)
    assert client.get(reverse("admin:press_pressinfo_changelist")).status_code == 200
    assert client.get(reverse("admin:press_presskitdocument_add")).status_code == 200
    assert client.get(REGISTRATIONS).status_code == 403
    event_page = reverse("admin:program_event_change", args=[demo_event.pk])
    assert client.get(event_page).status_code == 200  # reads the deadline, changes nothing
    assert client.post(event_page, {"plenary_capacity": 1}).status_code == 403
    assert client.get(DESK).status_code == 403
    client.post(ACCREDITATIONS, {"action": "approve_selected",
                                 "_selected_action": [accreditation.pk]})
    accreditation.refresh_from_db()
    assert accreditation.status == "approved"


def test_accueil_opens_the_desk_only(member, demo_event):
    client = member("Accueil")
    registration = RegistrationFactory(event=demo_event)
    assert client.get(DESK).status_code == 200
    assert client.get(REGISTRATIONS).status_code == 403
    assert client.get(reverse("admin:registrations_registration_change",
                              args=[registration.pk])).status_code == 403
    assert client.get(ACCREDITATIONS).status_code == 403
    assert client.get(reverse("admin:program_event_changelist")).status_code == 403
    response = client.post(REGISTRATIONS, {"action": "cancel", "apply": "1", "reason": "x",
                                           "_selected_action": [registration.pk]})
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_only_superusers_read_the_staff_journal_and_the_queue(staff_client, member):
    audit.record(user=None, kind=audit.Kind.EXPORT, description="Export CSV des inscriptions",
                 count=12)
    page = text(staff_client.get(JOURNAL))
    assert "Export CSV des inscriptions" in page and "Journal de l'équipe" in page
    tasks = text(staff_client.get(TASKS))
    assert "E-mails et tâches en file d'attente" in tasks
    assert "Task Result" not in tasks
    index = text(staff_client.get(reverse("admin:index")))
    assert "Django Tasks" not in index and "Task Results" not in index
