"""Accessibility needs are health data (RGPD art. 9): the welcome desk shows them to whoever
receives the person, the dashboard counts them, and in the admin only staff given
`registrations.view_health_data` see them (change page, list filter, exports)."""

import html

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from registrations.models import Registration
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:registrations_registration_changelist")


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def team_member(client, django_user_model):
    """A member of « Équipe OPMIRE », optionally given the health-data permission."""

    def login(*, health_data: bool = False):
        user = django_user_model.objects.create_user("agent", password="pw", is_staff=True)
        user.groups.add(Group.objects.get(name="Équipe OPMIRE"))
        if health_data:
            user.user_permissions.add(Permission.objects.get(codename="view_health_data"))
        client.force_login(user)
        return client

    return login


@pytest.fixture
def person(demo_event):
    return RegistrationFactory(
        event=demo_event, accessibility_needs=["lsf"],
        accessibility_details="Interprète au premier rang, s'il vous plaît")


def _export(client, person) -> str:
    response = client.post(REGISTRATIONS, {"action": "export_as_csv",
                                           "_selected_action": [person.pk]})
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_team_does_not_see_health_data_in_the_admin(team_member, person):
    client = team_member()
    change = text(client.get(reverse("admin:registrations_registration_change",
                                     args=[person.pk])))
    assert person.last_name in change
    assert "Interprète au premier rang" not in change
    assert "langue des signes" not in change
    assert "besoin d'accessibilité" not in text(client.get(REGISTRATIONS)).lower()
    export = _export(client, person)
    assert person.email in export
    assert "Besoins d'accessibilité" not in export and "Interprète" not in export


def test_saving_the_page_without_the_needs_keeps_them(team_member, person):
    client = team_member()
    url = reverse("admin:registrations_registration_change", args=[person.pk])
    response = client.post(url, {
        "first_name": person.first_name, "last_name": "Nouveau-Nom", "email": person.email,
        "organisation": "", "role": "", "audience": person.audience,
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, text(response)[:2000]
    person.refresh_from_db()
    assert person.last_name == "Nouveau-Nom"
    assert person.accessibility_needs == ["lsf"]
    assert person.accessibility_details == "Interprète au premier rang, s'il vous plaît"


def test_staff_given_the_permission_see_and_export_the_needs(team_member, person):
    client = team_member(health_data=True)
    change = text(client.get(reverse("admin:registrations_registration_change",
                                     args=[person.pk])))
    assert "Interprète au premier rang" in change
    page = text(client.get(REGISTRATIONS, {"besoin": "lsf"}))
    assert person.email in page
    export = _export(client, person)
    assert "Besoins d'accessibilité" in export and "Interprète au premier rang" in export


def test_the_dashboard_counts_needs_for_the_team_without_naming_anyone(team_member, person):
    person.status = Registration.Status.CONFIRMED
    person.save()
    client = team_member()
    page = client.get(reverse("admin:index")).content.decode()
    section = page.split('id="dash-needs"', 1)[1].split("</section>", 1)[0]
    assert 'data-need="lsf"' in section and "besoin=" not in section


def test_the_dashboard_links_the_counts_to_the_people_for_staff_with_the_permission(
        team_member, person):
    client = team_member(health_data=True)
    page = client.get(reverse("admin:index")).content.decode()
    section = page.split('id="dash-needs"', 1)[1].split("</section>", 1)[0]
    assert "besoin=lsf" in section
