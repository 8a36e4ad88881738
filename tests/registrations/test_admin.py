import csv
import datetime as dt
import html
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from colloque.models import StaffAction
from registrations.models import Registration

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_registration_changelist")


def action(client, name, registrations, **extra):
    return client.post(CHANGELIST, {
        "action": name, "_selected_action": [r.pk for r in registrations], **extra,
    })


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def viewer(client, django_user_model):
    """A staff member who may only read registrations."""
    user = django_user_model.objects.create_user("lecture", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(user)
    return client


def test_changelist_shows_fill_rate_and_waiting_list(staff_client, event, workshops):
    _, parents = workshops
    RegistrationFactory(event=event, workshop=parents)
    RegistrationFactory(event=event, workshop=parents)
    RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=1)
    page = staff_client.get(CHANGELIST)
    assert page.status_code == 200
    row = page.text.split("Parents et mixité</th>")[1].split("</tr>")[0]
    assert [cell.split(">")[1] for cell in row.split("</td>")[:4]] == ["2", "2", "100 %", "1"]


def test_filters_and_search(staff_client, event):
    RegistrationFactory(event=event, last_name="Zola")
    RegistrationFactory(event=event, last_name="Hugo", status=Registration.Status.CANCELLED)
    assert "Zola" in staff_client.get(CHANGELIST, {"q": "zola"}).text
    page = staff_client.get(CHANGELIST, {"status__exact": "cancelled"})
    assert "Hugo" in page.text and "Zola" not in page.text


def test_cancel_action_asks_a_reason_and_promotes_first_in_line(
        staff_client, event, workshops, django_capture_on_commit_callbacks):
    _, parents = workshops
    seated = RegistrationFactory(event=event, workshop=parents)
    RegistrationFactory(event=event, workshop=parents)
    second = RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=2,
                                 email="second@example.org")
    first = RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=1,
                                email="first@example.org")
    page = action(staff_client, "cancel", [seated])
    assert "Motif de l'annulation" in text(page) and seated.reference in text(page)
    seated.refresh_from_db()
    assert seated.status == Registration.Status.CONFIRMED  # nothing happens without a reason
    assert "Le motif est obligatoire" in text(action(staff_client, "cancel", [seated],
                                                     apply="1", reason=""))
    with django_capture_on_commit_callbacks(execute=True):
        response = action(staff_client, "cancel", [seated], apply="1",
                          reason="Inscription en double avec celle de votre collègue")
    assert response.status_code == 302
    seated.refresh_from_db(), first.refresh_from_db(), second.refresh_from_db()
    assert seated.status == Registration.Status.CANCELLED
    assert seated.transitions.last().by.username == "staff"
    assert first.has_workshop_seat and not second.has_workshop_seat
    assert [m.to for m in mail.outbox] == [["first@example.org"], [seated.email]]
    cancelled = " ".join(mail.outbox[-1].body.split())
    assert "a été annulée par l'équipe d'organisation" in cancelled
    assert "Motif : Inscription en double avec celle de votre collègue" in cancelled
    assert "Merci de nous avoir prévenu" not in cancelled  # they did not cancel
    journal = StaffAction.objects.get()
    assert journal.kind == "cancel" and seated.reference in journal.description
    assert journal.user.username == "staff"


def test_history_reads_in_words(staff_client, event):
    registration = RegistrationFactory(event=event)
    registration.transitions.create(from_status="pending", to_status="confirmed",
                                    note="e-mail confirmed")
    page = text(staff_client.get(reverse("admin:registrations_registration_change",
                                         args=[registration.pk])))
    assert "adresse e-mail confirmée" in page
    assert "En attente de confirmation" in page and "Confirmée" in page
    assert "e-mail confirmed" not in page


def test_accessibility_needs_are_checkboxes_in_words(staff_client, event):
    registration = RegistrationFactory(event=event, accessibility_needs=["lsf"])
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    page = text(staff_client.get(url))
    assert 'type="checkbox" name="accessibility_needs" value="lsf"' in page
    assert "Interprétation en langue des signes française (LSF)" in page
    assert "Codes :" not in page and "wheelchair, lsf" not in page
    response = staff_client.post(url, {
        "first_name": registration.first_name, "last_name": registration.last_name,
        "email": registration.email, "organisation": "", "role": "",
        "audience": registration.audience, "accessibility_needs": ["wheelchair", "loop"],
        "accessibility_details": "", "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.text
    registration.refresh_from_db()
    assert registration.accessibility_needs == ["wheelchair", "loop"]


def test_actions_need_their_permission(viewer, event, workshops):
    """Read-only staff see the list but cannot cancel, record arrivals or export."""
    registration = RegistrationFactory(event=event)
    page = viewer.get(CHANGELIST)
    assert page.status_code == 200 and registration.email in page.text
    for name in ("cancel", "check_in", "resend", "promote", "export_as_csv", "erase"):
        assert f'value="{name}"' not in page.text
        action(viewer, name, [registration], apply="1", reason="x")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.checked_in_at is None
    assert not StaffAction.objects.exists()


def test_nobody_deletes_a_registration_with_the_admin(staff_client, event):
    """Deleting would free a seat without promoting anyone: cancel or erase instead."""
    registration = RegistrationFactory(event=event)
    assert 'value="delete_selected"' not in staff_client.get(CHANGELIST).text
    delete = reverse("admin:registrations_registration_delete", args=[registration.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_erasure_frees_the_seat_for_the_next_in_line(staff_client, event, workshops,
                                                     django_capture_on_commit_callbacks):
    event.plenary_capacity = 1
    event.save()
    leaving = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED,
                                  event_waitlist_seq=1, email="next@example.org")
    assert "droit à l'effacement" in text(action(staff_client, "erase", [leaving]))
    assert Registration.objects.filter(pk=leaving.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        action(staff_client, "erase", [leaving], apply="1")
    assert not Registration.objects.filter(pk=leaving.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [["next@example.org"]]  # nothing to the erased
    journal = StaffAction.objects.get()
    assert journal.kind == "erase" and leaving.reference in journal.description
    assert leaving.email not in journal.description


def test_promote_action_needs_a_free_seat(staff_client, event, workshops,
                                          django_capture_on_commit_callbacks):
    event.plenary_capacity = 1
    event.save()
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED,
                                  event_waitlist_seq=1)
    response = action(staff_client, "promote", [waiting])
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    event.plenary_capacity = 2
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        action(staff_client, "promote", [waiting])
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert "Une place s'est libérée" in mail.outbox[-1].subject


def test_resend_action_sends_a_fresh_link(staff_client, event,
                                          django_capture_on_commit_callbacks):
    registration = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        action(staff_client, "resend", [registration])
    assert mail.outbox[-1].to == [registration.email]
    assert "/inscription/gerer/" in mail.outbox[-1].body


def test_csv_export_defuses_formulas(staff_client, event):
    RegistrationFactory(event=event, first_name="=HYPERLINK(\"http://x\")",
                        organisation="@SUM(A1)", last_name="Dupont")
    response = action(staff_client, "export_as_csv", Registration.objects.all())
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][0] == "Référence"
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")" and rows[1][5] == "'@SUM(A1)"
    assert rows[1][3] == "Dupont"
    journal = StaffAction.objects.get()
    assert (journal.kind, journal.count, journal.user.username) == ("export", 1, "staff")


def test_xlsx_export_has_rooms_positions_arrivals_and_real_dates(staff_client, event,
                                                                   workshops):
    secteurs, parents = workshops
    secteurs.room = "Salon Bertrand"
    secteurs.save()
    arrived = RegistrationFactory(event=event, workshop=secteurs, organisation="-1+1",
                                  checked_in_at=timezone.now())
    RegistrationFactory(event=event, workshop=parents)
    RegistrationFactory(event=event, workshop=parents)
    waiting = [RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=seq)
               for seq in (4, 7)]
    response = action(staff_client, "export_as_xlsx", Registration.objects.all())
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_reference = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    row = by_reference[arrived.reference]
    assert row["Atelier"] == "Secteurs multi-collèges" and row["Organisation"] == "'-1+1"
    assert row["Salle de l'atelier"] == "Salon Bertrand"
    local_arrival = timezone.localtime(arrived.checked_in_at).replace(tzinfo=None)
    assert isinstance(row["Arrivée le"], dt.datetime)
    assert abs(row["Arrivée le"] - local_arrival) < dt.timedelta(seconds=1)
    assert isinstance(row["Créée le"], dt.datetime)
    assert [(by_reference[r.reference]["Liste d'attente"],
             by_reference[r.reference]["Rang sur la liste d'attente"]) for r in waiting] == [
        ("atelier", 1), ("atelier", 2)]


def test_exports_need_the_export_permission(client, django_user_model, event):
    """« Équipe OPMIRE » exports; a staff member who can change registrations but was not
    given the export right cannot."""
    RegistrationFactory(event=event)
    user = django_user_model.objects.create_user("edit", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_registration", "change_registration"]))
    client.force_login(user)
    response = action(client, "export_as_csv", Registration.objects.all())
    assert response.status_code == 302 and not StaffAction.objects.exists()


def test_an_address_already_registered_is_refused_in_words(staff_client, event):
    RegistrationFactory(event=event, email="deja@example.org")
    registration = RegistrationFactory(event=event)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    response = staff_client.post(url, {
        "first_name": registration.first_name, "last_name": registration.last_name,
        "email": "DEJA@example.org", "organisation": "", "role": "",
        "audience": registration.audience, "accessibility_details": "",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "Une autre inscription en cours utilise déjà cette adresse" in text(response)
    registration.refresh_from_db()
    assert registration.email != "DEJA@example.org"


def test_staff_download_a_persons_data_for_someone_who_writes_in(client, django_user_model,
                                                                 event):
    """« Équipe OPMIRE » (the export right) answers a right-of-access request by e-mail: the
    same data as the manage page's download, journalled by reference, never by name."""
    first = RegistrationFactory(event=event, first_name="Awa", last_name="Traoré",
                                accessibility_needs=["lsf"])
    second = RegistrationFactory(event=event, email="autre@example.org")
    user = django_user_model.objects.create_user("opmire", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_registration", "export_registration"]))
    client.force_login(user)
    response = action(client, "download_personal_data", [first])
    assert response["Content-Disposition"] == (
        f'attachment; filename="donnees-{first.reference}.json"')
    [data] = json.loads(response.content)
    assert (data["reference"], data["first_name"], data["last_name"], data["email"]) == (
        first.reference, "Awa", "Traoré", first.email)
    assert data["accessibility_needs"] == ["lsf"]
    assert data["event"]["title"] == event.title
    assert second.email not in response.content.decode()
    [entry] = StaffAction.objects.all()
    assert (entry.kind, entry.username, entry.count) == ("data_export", "opmire", 1)
    assert first.reference in entry.description and "Traoré" not in entry.description


def test_downloading_a_persons_data_needs_the_export_permission(viewer, event):
    registration = RegistrationFactory(event=event)
    response = action(viewer, "download_personal_data", [registration])
    assert "json" not in response["Content-Type"] and not StaffAction.objects.exists()
