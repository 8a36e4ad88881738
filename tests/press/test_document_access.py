import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from colloque.models import StaffAction

from .conftest import PDF
from .factories import AccreditationFactory


@pytest.fixture
def accreditation(db):
    return AccreditationFactory(press_card_number="",
                                assignment_letter=ContentFile(PDF, name="x.pdf"))


@pytest.fixture
def url(accreditation):
    return reverse("press:document", kwargs={"pk": accreditation.pk})


def test_private_documents_live_outside_the_public_media_space(client, accreditation, settings):
    path = accreditation.assignment_letter.path
    assert path.startswith(storages["private"].location)
    assert not path.startswith(str(settings.MEDIA_ROOT))
    name = accreditation.assignment_letter.name
    assert client.get(settings.MEDIA_URL + name).status_code == 404


def test_anonymous_visitor_is_sent_to_the_admin_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_logged_in_non_staff_user_cannot_open_a_document(client, url, django_user_model):
    user = django_user_model.objects.create_user("lecteur", "l@example.org", "pw")
    user.user_permissions.set(Permission.objects.filter(codename="view_accreditation_document"))
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_permission_is_refused(client, url, django_user_model):
    user = django_user_model.objects.create_user("accueil", "a@example.org", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_accreditationrequest"))
    client.force_login(user)
    assert client.get(url).status_code == 403


def test_staff_with_the_permission_downloads_it(moderator_client, url, accreditation):
    response = moderator_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    journal = StaffAction.objects.get()
    assert journal.username == "presse" and journal.kind == "document"
    assert journal.description == f"Document de la demande d'accréditation n° {accreditation.pk}"


def test_deleted_document_is_a_404_for_staff(moderator_client, url, accreditation):
    accreditation.assignment_letter.storage.delete(accreditation.assignment_letter.name)
    assert moderator_client.get(url).status_code == 404
