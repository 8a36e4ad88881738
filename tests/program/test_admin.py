import datetime as dt

import pytest
from django.urls import reverse

from program.models import Event, Page, Session, Speaker
from tests.factories import EventFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["event", "session", "speaker", "page"])
def test_admin_pages_load_for_staff(staff_client, demo_event, model):
    obj = {"event": demo_event, "session": Session.objects.first(),
           "speaker": Speaker.objects.first(), "page": Page.objects.first()}[model]
    for url in (
        reverse(f"admin:program_{model}_changelist"),
        reverse(f"admin:program_{model}_changelist") + "?q=mixit",
        reverse(f"admin:program_{model}_add"),
        reverse(f"admin:program_{model}_change", args=[obj.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
    change = staff_client.get(reverse(f"admin:program_{model}_change", args=[obj.pk]))
    assert "Voir sur le site" in change.content.decode() or model in ("event", "page")


def test_session_changelist_links_to_the_public_page(staff_client, demo_event):
    html = staff_client.get(reverse("admin:program_session_changelist")).content.decode()
    assert 'href="/programme/atelier-parents/"' in html


def _session_form(event: Event, **overrides) -> dict:
    data = {
        "event": event.pk, "kind": "workshop", "title_fr": "Atelier du soir",
        "title_en": "Evening workshop", "slug": "atelier-du-soir",
        "description_fr": "", "description_en": "",
        "start_0": event.date.isoformat(), "start_1": "17:00",
        "end_0": event.date.isoformat(), "end_1": "18:30",
        "room": "Salon Bertrand", "order": "0", "capacity": "20",
        "session_speakers-TOTAL_FORMS": "0", "session_speakers-INITIAL_FORMS": "0",
        "session_speakers-MIN_NUM_FORMS": "0", "session_speakers-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def _errors(response) -> str:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.content.decode()


def test_admin_add_session_outside_event_hours_shows_french_error(staff_client, demo_event):
    before = Session.objects.count()
    response = staff_client.post(reverse("admin:program_session_add"), _session_form(demo_event))
    assert "La séance doit se tenir pendant l&#x27;événement" in _errors(response)
    assert Session.objects.count() == before


def test_admin_add_session_ending_before_start_shows_french_error(staff_client, demo_event):
    response = staff_client.post(
        reverse("admin:program_session_add"),
        _session_form(demo_event, start_1="15:00", end_1="14:00"),
    )
    assert "La fin doit être postérieure au début." in _errors(response)
    assert not Session.objects.filter(slug="atelier-du-soir").exists()


def test_admin_add_workshop_in_a_busy_room_shows_french_error(staff_client, demo_event):
    response = staff_client.post(
        reverse("admin:program_session_add"),
        _session_form(demo_event, start_1="14:00", end_1="15:00"),
    )
    assert "La salle « Salon Bertrand » est déjà occupée" in _errors(response)
    assert not Session.objects.filter(slug="atelier-du-soir").exists()


def test_admin_add_workshop_without_capacity_shows_french_error(staff_client, demo_event):
    response = staff_client.post(
        reverse("admin:program_session_add"),
        _session_form(demo_event, start_1="14:00", end_1="15:00", room="Salle 12", capacity=""),
    )
    assert "Un atelier doit avoir un nombre de places." in _errors(response)
    assert not Session.objects.filter(slug="atelier-du-soir").exists()


def test_admin_add_valid_session_is_created(staff_client, demo_event):
    response = staff_client.post(
        reverse("admin:program_session_add"),
        _session_form(demo_event, start_1="14:00", end_1="16:00", room="Salle 12"),
    )
    assert response.status_code == 302
    assert Session.objects.get(slug="atelier-du-soir").capacity == 20


def _event_form(sessions: list[dict]) -> dict:
    day = dt.date(2030, 5, 17)
    data = {
        "title_fr": "Colloque test", "title_en": "", "slug": "colloque-test",
        "summary_fr": "", "summary_en": "", "description_fr": "", "description_en": "",
        "organisers_fr": "OPMIRE", "organisers_en": "", "is_published": "on",
        "date": day.isoformat(), "start_time": "09:00", "end_time": "16:30",
        "venue_fr": "Hôtel de Ville", "venue_en": "", "address": "Place de l'Hôtel de Ville",
        "plenary_capacity": "300",
        "registration_opens_at_0": "2030-01-01", "registration_opens_at_1": "09:00",
        "registration_closes_at_0": "2030-05-15", "registration_closes_at_1": "23:59",
        "press_accreditation_deadline_0": "2030-05-15", "press_accreditation_deadline_1": "12:00",
        "sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0", "sessions-MAX_NUM_FORMS": "1000",
    }
    for index, session in enumerate(sessions):
        row = {"kind": "workshop", "title_fr": f"Atelier {index}", "title_en": "",
               "start_0": day.isoformat(), "start_1": "14:00", "end_0": day.isoformat(),
               "end_1": "16:00", "room": f"Salle {index}", "capacity": "20", "order": "0",
               **session}
        data.update({f"sessions-{index}-{key}": value for key, value in row.items()})
    return data


def test_admin_event_inline_checks_sessions_of_a_new_event(staff_client, db):
    response = staff_client.post(
        reverse("admin:program_event_add"), _event_form([{"start_1": "17:00", "end_1": "18:00"}])
    )
    assert "La séance doit se tenir pendant l&#x27;événement" in _errors(response)
    assert not Event.objects.exists() and not Session.objects.exists()


def test_admin_event_inline_refuses_two_rows_in_one_room_and_slot(staff_client, db):
    response = staff_client.post(
        reverse("admin:program_event_add"),
        _event_form([{"room": "Salon Bertrand"}, {"room": "Salon Bertrand", "start_1": "15:00"}]),
    )
    assert "La salle « Salon Bertrand » est déjà occupée par « Atelier 0 »" in _errors(response)
    assert not Event.objects.exists() and not Session.objects.exists()


def test_admin_event_inline_refuses_a_workshop_without_capacity(staff_client, db):
    response = staff_client.post(
        reverse("admin:program_event_add"), _event_form([{"capacity": ""}])
    )
    assert "Un atelier doit avoir un nombre de places." in _errors(response)
    assert not Event.objects.exists()


def test_admin_event_with_valid_sessions_is_created(staff_client, db):
    response = staff_client.post(
        reverse("admin:program_event_add"),
        _event_form([{"title_fr": "Table ronde"}, {"title_fr": "Table ronde"}]),
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="colloque-test")
    assert sorted(event.sessions.values_list("slug", flat=True)) == [
        "table-ronde", "table-ronde-2"
    ]


def test_admin_moving_the_event_day_flags_its_sessions(staff_client, db):
    event = EventFactory(date=dt.date(2030, 5, 17), slug="colloque-test")
    workshop = WorkshopFactory(event=event, room="Salle 0", title="Atelier 0")
    data = _event_form([])
    data.update({
        "date": "2030-05-18", "registration_closes_at_0": "2030-05-16",
        "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "1",
        "sessions-0-id": str(workshop.pk), "sessions-0-event": str(event.pk),
        "sessions-0-kind": "workshop", "sessions-0-title_fr": "Atelier 0",
        "sessions-0-title_en": "", "sessions-0-start_0": "2030-05-17",
        "sessions-0-start_1": "14:00", "sessions-0-end_0": "2030-05-17",
        "sessions-0-end_1": "16:00", "sessions-0-room": "Salle 0", "sessions-0-capacity": "30",
        "sessions-0-order": "0",
    })
    response = staff_client.post(reverse("admin:program_event_change", args=[event.pk]), data)
    assert "18/05/2030" in _errors(response)
    event.refresh_from_db()
    assert event.date == dt.date(2030, 5, 17)


def test_admin_labels_say_which_language_each_field_holds(staff_client, demo_event):
    html = staff_client.get(
        reverse("admin:program_event_change", args=[demo_event.pk])).content.decode()
    assert "Titre (français)" in html and "Titre (anglais)" in html
    assert "Présentation (anglais)" in html
    assert "Vide : le site en anglais affiche le texte français." in html
    assert "[en]" not in html and "[fr]" not in html


@pytest.mark.parametrize("model", ["event", "session", "speaker", "page"])
def test_admin_pages_load_nothing_from_outside(staff_client, demo_event, model):
    """No CDN: modeltranslation's language tabs fetched jQuery UI from ajax.googleapis.com."""
    for url in (reverse(f"admin:program_{model}_add"),
                reverse(f"admin:program_{model}_changelist")):
        html = staff_client.get(url).content.decode()
        assert 'src="//' not in html and 'src="http' not in html and "googleapis" not in html


def test_admin_preview_shows_the_saved_text_as_the_site_does(staff_client, demo_event):
    page = Page.objects.get(slug="infos-pratiques")
    page.body_fr = "## Accès\n\nEntrée **rue de Lobau**.\n\n<script>alert(1)</script>"
    page.save()
    html = staff_client.get(reverse("admin:program_page_change", args=[page.pk])).content.decode()
    preview = html.split('class="markdown-preview-body">', 1)[1].split("</details>", 1)[0]
    assert "<h2>Accès</h2>" in preview and "<strong>rue de Lobau</strong>" in preview
    assert "<script>" not in preview
    assert "Aperçu (anglais)" in html


def test_admin_add_form_says_there_is_nothing_to_preview_yet(staff_client, db):
    html = staff_client.get(reverse("admin:program_page_add")).content.decode()
    assert "Rien à afficher : le texte est vide ou pas encore enregistré." in html


def test_admin_event_page_lists_sessions_with_a_link_to_each(staff_client, demo_event):
    html = staff_client.get(
        reverse("admin:program_event_change", args=[demo_event.pk])).content.decode()
    workshop = Session.objects.get(slug="atelier-parents")
    assert reverse("admin:program_session_change", args=[workshop.pk]) in html
    assert 'name="sessions-0-title_fr"' in html and 'name="sessions-0-title_en"' not in html


def test_admin_inputs_without_a_visible_label_are_named(staff_client, demo_event):
    """Tabular inline cells and file inputs get a <label> (axe: "label")."""
    session = Session.objects.get(slug="atelier-parents")
    html = staff_client.get(
        reverse("admin:program_session_change", args=[session.pk])).content.decode()
    assert '<label class="visually-hidden" for="id_session_speakers-0-role">' in html
    speaker = Speaker.objects.get(slug="claire-moreau")
    html = staff_client.get(
        reverse("admin:program_speaker_change", args=[speaker.pk])).content.decode()
    assert '<label for="id_photo">' in html
