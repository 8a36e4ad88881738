import html

from django.core.files.base import ContentFile

from press import services
from press.models import Status

from .conftest import PDF, png_bytes, private_files, upload
from .factories import AccreditationFactory


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_tampered_token_is_a_friendly_404(client, db):
    accreditation = AccreditationFactory()
    for token in [accreditation.token[:-1] + "x", "../../etc/passwd", "é" * 50]:
        response = client.get(f"/presse/accreditation/suivi/{token}/")
        assert response.status_code == 404
    assert client.get(f"/presse/accreditation/suivi/{accreditation.token}/").status_code == 200


def test_journalist_answers_the_staff_question_and_the_request_returns_to_submitted(
    client, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    accreditation = AccreditationFactory()
    services.accreditation_request_info(accreditation=accreditation, actor=staff_user,
                                        message="Pour quelle émission ?")
    url = accreditation.get_absolute_url()
    page = text(client.get(url))
    assert "Pour quelle émission ?" in page and 'name="answer"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "Le journal de 13 h",
                                     "document": upload("lettre.png", png_bytes(), "image/png")})
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assert accreditation.status == Status.SUBMITTED
    assert accreditation.assignment_letter.name.endswith(".png")
    answer = accreditation.transitions.last()
    assert (answer.by, answer.note) == (None, "Le journal de 13 h")
    [to_journalist, to_press_office] = mailoutbox
    assert "Votre réponse" in to_journalist.subject
    assert to_press_office.to == ["presse@paris.fr"]
    assert "Le journal de 13 h" in to_press_office.body
    assert 'name="answer"' not in text(client.get(url))


def test_answer_with_a_bad_document_changes_nothing(client, staff_user):
    accreditation = AccreditationFactory()
    services.accreditation_request_info(accreditation=accreditation, actor=staff_user,
                                        message="Lettre ?")
    response = client.post(accreditation.get_absolute_url(), {
        "answer": "La voici", "document": upload("lettre.pdf", b"MZ" + b"\0" * 300)})
    assert response.status_code == 200
    assert "ni un PDF" in text(response)
    accreditation.refresh_from_db()
    assert accreditation.status == Status.INFO_REQUESTED
    assert private_files() == []


def test_answer_when_no_question_is_pending_is_ignored(client, db):
    accreditation = AccreditationFactory()
    response = client.post(accreditation.get_absolute_url(), {"answer": "Bonjour"})
    assert response.status_code == 200
    assert accreditation.transitions.count() == 1


def test_badge_page_only_once_approved(client, staff_user):
    accreditation = AccreditationFactory(outlet="RFI", role="photographer",
                                         press_card_number="",
                                         assignment_letter=ContentFile(PDF, name="a.pdf"))
    badge_url = f"{accreditation.get_absolute_url()}badge/"
    assert client.get(badge_url).status_code == 404
    services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    page = text(client.get(badge_url))
    assert "PRESSE" in page and accreditation.full_name in page and "RFI" in page
    assert "Photographe" in page and "<svg" in page
    assert accreditation.event.title in page
    assert badge_url in text(client.get(accreditation.get_absolute_url()))

