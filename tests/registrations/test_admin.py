import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from registrations.models import Registration

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_registration_changelist")


def action(client, name, registrations):
    return client.post(CHANGELIST, {
        "action": name, "_selected_action": [r.pk for r in registrations],
    })


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


def test_cancel_action_promotes_first_in_line(staff_client, event, workshops,
                                              django_capture_on_commit_callbacks):
    _, parents = workshops
    seated = RegistrationFactory(event=event, workshop=parents)
    RegistrationFactory(event=event, workshop=parents)
    second = RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=2,
                                 email="second@example.org")
    first = RegistrationFactory(event=event, workshop=parents, workshop_waitlist_seq=1,
                                email="first@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        action(staff_client, "cancel", [seated])
    seated.refresh_from_db(), first.refresh_from_db(), second.refresh_from_db()
    assert seated.status == Registration.Status.CANCELLED
    assert seated.transitions.last().by.username == "staff"
    assert first.has_workshop_seat and not second.has_workshop_seat
    assert [m.to for m in mail.outbox] == [["first@example.org"], [seated.email]]
    cancelled = " ".join(mail.outbox[-1].body.split())
    assert "a été annulée par l'équipe d'organisation" in cancelled
    assert "Merci de nous avoir prévenu" not in cancelled  # they did not cancel


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


def test_xlsx_export(staff_client, event, workshops):
    RegistrationFactory(event=event, workshop=workshops[0], organisation="-1+1")
    response = action(staff_client, "export_as_xlsx", Registration.objects.all())
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][8] == "Secteurs multi-collèges" and rows[1][5] == "'-1+1"
