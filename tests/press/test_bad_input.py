"""The accreditation form and the status page's answer: one mailbox is one address, no
invisible characters, texts within their lengths."""

import html

import pytest
from django.urls import reverse

from press.models import AccreditationRequest, AccreditationTransition, Status

from .test_request_form import URL, form_data

pytestmark = pytest.mark.django_db

SAME_MAILBOX = [
    "lea@collège-exemple.fr",
    "lea@colle\u0300ge-exemple.fr",
    "lea@xn--collge-exemple-yjb.fr",
    "ＬＥＡ＠ＣＯＬＬÈＧＥ-ＥＸＥＭＰＬＥ．ＦＲ",
]


def test_one_mailbox_written_four_ways_is_one_request(client, event,
                                                      django_capture_on_commit_callbacks):
    for email in SAME_MAILBOX:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, form_data(email=email))
        assert response.status_code in (200, 302)
    request = AccreditationRequest.objects.get()
    assert request.email == "lea@xn--collge-exemple-yjb.fr"


@pytest.mark.parametrize("field", ["first_name", "last_name", "outlet", "press_card_number",
                                   "phone", "interview_wishes"])
@pytest.mark.parametrize("character", ["\x1b", "\u202e", "\u200b", "\x1c"])
def test_invisible_and_control_characters_are_refused(client, event, field, character):
    value = {"phone": f"06 12 34{character}56 78"}.get(field, f"Ab{character}cd")
    response = client.post(URL, form_data(**{field: value}))
    assert response.status_code == 200
    assert f'id="id_{field}"' in response.text
    assert "caractère invisible ou de contrôle" in html.unescape(response.text)
    assert AccreditationRequest.objects.count() == 0


def test_interview_wishes_have_a_length(client, event):
    response = client.post(URL, form_data(interview_wishes="x" * 2001))
    assert response.status_code == 200
    assert "au plus 2000 caractères" in html.unescape(response.text)
    assert AccreditationRequest.objects.count() == 0
    client.post(URL, form_data(interview_wishes="Interview\r\nde la maire\t(10 min)"))
    assert AccreditationRequest.objects.get().interview_wishes == (
        "Interview\r\nde la maire\t(10 min)")


def test_names_are_stored_composed(client, event):
    client.post(URL, form_data(first_name="Le\u0301a", outlet="Te\u0301le\u0301rama"))
    request = AccreditationRequest.objects.get()
    assert (request.first_name, request.outlet) == ("Léa", "Télérama")


def test_answer_refuses_invisible_characters(client, event, staff_user):
    from press import services

    client.post(URL, form_data())
    request = AccreditationRequest.objects.get()
    services.accreditation_request_info(accreditation=request, actor=staff_user,
                                        message="Votre carte ?")
    before = AccreditationTransition.objects.count()
    response = client.post(reverse("press:status", kwargs={"token": request.token}),
                           {"answer": "Voici\u202e ma carte"})
    assert response.status_code == 200
    assert "caractère invisible ou de contrôle (U+202E)" in html.unescape(response.text)
    request.refresh_from_db()
    assert request.status == Status.INFO_REQUESTED
    assert AccreditationTransition.objects.count() == before


def test_the_service_stores_the_canonical_address_whoever_calls_it(event):
    from press.services import accreditation_submit

    data = {**form_data(email="  Lea@Collège-Exemple.FR "), "crew_size": 1, "consent": True}
    accreditation_submit(event=event, data=data, language="fr")
    assert AccreditationRequest.objects.get().email == "lea@xn--collge-exemple-yjb.fr"


@pytest.mark.parametrize("field", ["contact_name", "contact_phone", "entrance", "personality",
                                   "instructions"])
def test_press_information_refuses_invisible_characters(event, field):
    from django.core.exceptions import ValidationError

    from press.models import PressInfo

    info = PressInfo(event=event, **{field: "Porte\u202e Lobau"})
    with pytest.raises(ValidationError) as refused:
        info.full_clean()
    assert field in refused.value.message_dict
    assert "U+202E" in " ".join(refused.value.message_dict[field])
