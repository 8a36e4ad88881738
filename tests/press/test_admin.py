import html
import json
import re

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile
from django.urls import reverse

from colloque.models import StaffAction
from press import services
from press.models import Status

from .conftest import PDF
from .factories import AccreditationFactory

CHANGELIST = reverse("admin:press_accreditationrequest_changelist")


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_changelist_filters_by_status_and_media_type(moderator_client, staff_user):
    radio = AccreditationFactory(outlet="France Bleu", media_type="radio")
    AccreditationFactory(outlet="Le Monde", media_type="print")
    rejected = AccreditationFactory(outlet="Blog Perso", media_type="web")
    services.accreditation_reject(accreditation=rejected, actor=staff_user, reason="Hors sujet")
    page = text(moderator_client.get(CHANGELIST))
    assert "France Bleu" in page and "Le Monde" in page and "Blog Perso" in page
    page = text(moderator_client.get(CHANGELIST, {"media_type__exact": "radio"}))
    assert "France Bleu" in page and "Le Monde" not in page
    page = text(moderator_client.get(CHANGELIST, {"status__exact": "rejected"}))
    assert "Blog Perso" in page and "France Bleu" not in page
    page = text(moderator_client.get(CHANGELIST, {"q": radio.last_name}))
    assert "France Bleu" in page and "Le Monde" not in page


def test_bulk_approval_sends_each_journalist_a_badge(
    moderator_client, mailoutbox, django_capture_on_commit_callbacks
):
    accreditations = AccreditationFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(CHANGELIST, {
            "action": "approve_selected",
            ACTION_CHECKBOX_NAME: [a.pk for a in accreditations],
        }, follow=True)
    assert "3 accréditations accordées" in text(response)
    for accreditation in accreditations:
        accreditation.refresh_from_db()
        assert accreditation.status == Status.APPROVED
    assert sorted(m.to[0] for m in mailoutbox) == sorted(a.email for a in accreditations)
    assert all(m.attachments[0][2] == "application/pdf" for m in mailoutbox)


def test_bulk_approval_reports_refused_transitions(moderator_client, staff_user, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    pending = AccreditationFactory()
    rejected = AccreditationFactory()
    services.accreditation_reject(accreditation=rejected, actor=staff_user, reason="Non")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(CHANGELIST, {
            "action": "approve_selected", ACTION_CHECKBOX_NAME: [pending.pk, rejected.pk],
        }, follow=True)
    page = text(response)
    assert "1 accréditation accordée" in page
    assert f"{rejected.full_name} : impossible de passer de « Accréditation refusée »" in page
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED
    assert [m.to[0] for m in mailoutbox] == [pending.email]


def test_rejection_asks_for_a_reason_first(moderator_client, mailoutbox,
                                           django_capture_on_commit_callbacks):
    accreditation = AccreditationFactory()
    data = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [accreditation.pk]}
    page = text(moderator_client.post(CHANGELIST, data))
    assert "Refuser l'accréditation" in page and 'name="message"' in page
    page = text(moderator_client.post(CHANGELIST, {**data, "apply": "1", "message": ""}))
    assert "Ce message est obligatoire" in page
    accreditation.refresh_from_db()
    assert accreditation.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            CHANGELIST, {**data, "apply": "1", "message": "Jauge atteinte"}, follow=True)
    assert "1 accréditation(s) refusée(s)" in text(response)
    accreditation.refresh_from_db()
    assert accreditation.status == Status.REJECTED
    assert "Jauge atteinte" in mailoutbox[0].body


def test_request_for_information_from_the_admin(moderator_client, staff_user, mailoutbox,
                                                django_capture_on_commit_callbacks):
    accreditation = AccreditationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(CHANGELIST, {
            "action": "request_info_selected", ACTION_CHECKBOX_NAME: [accreditation.pk],
            "apply": "1", "message": "Pouvez-vous joindre une lettre de mission ?",
        })
    accreditation.refresh_from_db()
    assert accreditation.status == Status.INFO_REQUESTED
    last = accreditation.transitions.last()
    assert (last.by, last.note) == (staff_user, "Pouvez-vous joindre une lettre de mission ?")
    assert "lettre de mission" in mailoutbox[0].body


def test_change_view_shows_history_and_document_link_and_keep_choice(moderator_client,
                                                                     staff_user):
    accreditation = AccreditationFactory(press_card_number="",
                                         assignment_letter=ContentFile(PDF, name="a.pdf"))
    services.accreditation_request_info(accreditation=accreditation, actor=staff_user,
                                        message="Quel sujet ?")
    url = reverse("admin:press_accreditationrequest_change", args=[accreditation.pk])
    page = text(moderator_client.get(url))
    assert reverse("press:document", kwargs={"pk": accreditation.pk}) in page
    assert "Quel sujet ?" in page and "presse" in page  # the actor's username
    assert 'name="keep_documents"' in page
    response = moderator_client.post(url, {"keep_documents": "on", "transitions-TOTAL_FORMS": "2",
                                           "transitions-INITIAL_FORMS": "2",
                                           "transitions-MIN_NUM_FORMS": "0",
                                           "transitions-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assert accreditation.keep_documents


def test_changelist_says_which_documents_were_kept_or_deleted(moderator_client, staff_user):
    kept = AccreditationFactory(outlet="Kept", press_card_number="", keep_documents=True,
                                assignment_letter=ContentFile(PDF, name="a.pdf"))
    deleted = AccreditationFactory(outlet="Deleted", press_card_number="",
                                   assignment_letter=ContentFile(PDF, name="b.pdf"))
    for accreditation in (kept, deleted):
        services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    page = text(moderator_client.get(CHANGELIST))
    assert "conservés" in page and "supprimés" in page
    change = text(moderator_client.get(
        reverse("admin:press_accreditationrequest_change", args=[deleted.pk])))
    assert "Supprimée après la décision" in change
    # Paris time, written as on the public site: « le vendredi 17 mai 2030 à 9h05. »
    assert re.search(r"Supprimée après la décision, le \w+ \d{1,2} \w+ \d{4} à [1-9]?\dh\d\d\.",
                     change)


def test_change_view_offers_decisions_while_pending_only(moderator_client, staff_user):
    accreditation = AccreditationFactory()
    url = reverse("admin:press_accreditationrequest_change", args=[accreditation.pk])
    page = text(moderator_client.get(url))
    assert 'value="approve_selected"' in page and 'value="reject_selected"' in page
    services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    assert 'value="approve_selected"' not in text(moderator_client.get(url))


def test_deleting_a_request_deletes_the_journalists_document(
        client, django_user_model, django_capture_on_commit_callbacks):
    from .conftest import private_files

    superuser = django_user_model.objects.create_superuser("dpo", "dpo@example.org", "pw")
    client.force_login(superuser)
    kept = AccreditationFactory(press_card_number="",
                                assignment_letter=ContentFile(PDF, name="a.pdf"))
    erased = [AccreditationFactory(press_card_number="",
                                   assignment_letter=ContentFile(PDF, name=f"{n}.pdf"))
              for n in range(2)]
    assert len(private_files()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:press_accreditationrequest_delete", args=[erased[0].pk]),
            {"post": "yes"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "delete_selected", "post": "yes",
                                 ACTION_CHECKBOX_NAME: [erased[1].pk]})
    assert private_files() == [kept.assignment_letter.path]
    assert [a.kind for a in StaffAction.objects.all()] == ["erase", "erase"]


def test_decisions_are_journalled(moderator_client, mailoutbox,
                                  django_capture_on_commit_callbacks):
    approved, rejected = AccreditationFactory.create_batch(2)
    moderator_client.post(CHANGELIST, {"action": "approve_selected",
                                       ACTION_CHECKBOX_NAME: [approved.pk]})
    moderator_client.post(CHANGELIST, {"action": "reject_selected", "apply": "1",
                                       "message": "Hors sujet",
                                       ACTION_CHECKBOX_NAME: [rejected.pk]})
    journal = {entry.description: entry.username for entry in StaffAction.objects.all()}
    assert journal == {
        f"Demande d'accréditation n° {approved.pk} : accordée": "presse",
        f"Demande d'accréditation n° {rejected.pk} : refusée": "presse",
    }


def test_staff_download_a_journalists_data_for_someone_who_writes_in(
        client, django_user_model, staff_user):
    """The press office (view right) answers a right-of-access request by e-mail: the same
    data as the status page's download, journalled by number, never by name."""
    from django.contrib.auth.models import Permission

    accreditation = AccreditationFactory(last_name="Benali", press_card_number="",
                                         assignment_letter=ContentFile(PDF, name="l.pdf"))
    services.accreditation_request_info(accreditation=accreditation, actor=staff_user,
                                        message="Quel sujet ?")
    other = AccreditationFactory(last_name="Autre")
    user = django_user_model.objects.create_user("lecture", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_accreditationrequest"))
    client.force_login(user)
    response = client.post(CHANGELIST, {"action": "download_personal_data",
                                        ACTION_CHECKBOX_NAME: [accreditation.pk]})
    assert response["Content-Disposition"] == (
        f'attachment; filename="donnees-accreditation-{accreditation.pk}.json"')
    [data] = json.loads(response.content)
    assert data["last_name"] == "Benali" and data["assignment_letter"].endswith(".pdf")
    assert [h["by"] for h in data["history"]] == ["journalist", "press office"]
    raw = response.content.decode()
    assert other.last_name not in raw and staff_user.username not in raw and "%PDF" not in raw
    [entry] = StaffAction.objects.all()
    assert (entry.kind, entry.username, entry.count) == ("data_export", "lecture", 1)
    assert entry.description == f"Demandes d'accréditation n° {accreditation.pk}"


def test_downloading_a_journalists_data_needs_the_view_permission(db, client,
                                                                  django_user_model):
    accreditation = AccreditationFactory()
    user = django_user_model.objects.create_user("rien", password="pw", is_staff=True)
    client.force_login(user)
    response = client.post(CHANGELIST, {"action": "download_personal_data",
                                        ACTION_CHECKBOX_NAME: [accreditation.pk]})
    assert response.status_code == 403 and not StaffAction.objects.exists()
