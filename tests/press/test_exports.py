import csv
import html
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from colloque.models import StaffAction
from press import services

from .factories import AccreditationFactory


@pytest.fixture
def approved(event, staff_user):
    """Two approved journalists and one pending, for the current edition."""
    a = AccreditationFactory(event=event, first_name="Zoé", last_name="Bernard",
                             outlet="=HYPERLINK(\"http://evil\")", media_type="tv", role="jri",
                             has_camera=True, has_tripod=True, crew_size=3)
    b = AccreditationFactory(event=event, first_name="Ali", last_name="Amrani", outlet="RFI")
    AccreditationFactory(event=event, first_name="Pending", last_name="Person")
    for accreditation in (a, b):
        services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    return a, b


def test_csv_lists_approved_journalists_and_defuses_formulas(moderator_client, approved):
    response = moderator_client.get(reverse("press:export-csv"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == ["Nom", "Prénom", "Média", "Type de média", "Fonction", "Matériel",
                       "Taille de l'équipe"]
    assert rows[1] == ["Amrani", "Ali", "RFI", "Presse écrite", "Journaliste", "", "1"]
    assert rows[2][0] == "Bernard"
    assert rows[2][2] == "'=HYPERLINK(\"http://evil\")"
    assert rows[2][3:] == ["Télévision", "JRI (journaliste reporter d'images)",
                           "caméra ou appareil photo, trépied", "3"]
    assert "Pending" not in body
    journal = StaffAction.objects.get()
    assert (journal.kind, journal.count, journal.username) == ("export", 2, "presse")


def test_xlsx_lists_approved_journalists(moderator_client, approved):
    response = moderator_client.get(reverse("press:export-xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Nom"
    assert [row[0] for row in values[1:]] == ["Amrani", "Bernard"]
    assert values[2][2] == "'=HYPERLINK(\"http://evil\")"
    assert values[2][6] == 3


def test_printable_list(moderator_client, approved):
    page = html.unescape(moderator_client.get(reverse("press:export-print")).content.decode())
    assert "2 journalistes accrédité·es" in page
    assert "Amrani" in page and "Bernard" in page and "Pending" not in page
    assert "data-print" in page and "press/press.js" in page  # the print button, no inline JS


@pytest.mark.parametrize("name", ["press:export-csv", "press:export-xlsx", "press:export-print"])
def test_exports_are_for_staff_with_the_view_permission(client, django_user_model, approved,
                                                        name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    user = django_user_model.objects.create_user("autre", "autre@example.org", "pw",
                                                 is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_accreditationrequest"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_changelist_links_to_the_exports(moderator_client, db):
    page = moderator_client.get(reverse("admin:press_accreditationrequest_changelist"))
    for name in ("press:export-csv", "press:export-xlsx", "press:export-print"):
        assert reverse(name) in page.content.decode()
