"""`load_demo` runs at every `make run`: it adds what is missing and never touches staff edits."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from press.models import PressInfo
from program.demo import EVENT_SLUG, load_demo
from program.models import Event, Page, Session, SessionSpeaker, Speaker
from registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _row(obj) -> dict:
    obj.refresh_from_db()
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_load_demo_keeps_every_staff_edit_and_sends_no_email(
    demo_event, django_capture_on_commit_callbacks
):
    """Staff shrank the plenary room with someone waiting: a restart must not give the
    waiting person a seat that does not exist, nor e-mail them."""
    demo_event.plenary_capacity = 1
    demo_event.registration_closes_at -= dt.timedelta(days=3)
    demo_event.is_demo = False
    demo_event.title_fr = "Colloque 2030 (titre validé)"
    demo_event.save()
    workshop = Session.objects.get(slug="atelier-parents")
    workshop.capacity = 12
    workshop.description_fr = "Description réécrite par l'équipe."
    workshop.save()
    speaker = Speaker.objects.get(slug="claire-moreau")
    speaker.bio_fr = "Biographie validée."
    speaker.save()
    page = Page.objects.get(slug="infos-pratiques")
    page.body_fr = "Accueil à 8h45, entrée rue de Rivoli."
    page.save()
    SessionSpeaker.objects.filter(session=workshop).delete()
    press = PressInfo.objects.get(event=demo_event)
    press.contact_name = "Jeanne Dupont"
    press.save()
    RegistrationFactory(event=demo_event)
    waiting = RegistrationFactory(event=demo_event, status=Registration.Status.WAITLISTED,
                                  event_waitlist_seq=1, confirmed_at=None)
    rows = [_row(obj) for obj in (demo_event, workshop, speaker, page, press, waiting)]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    assert mail.outbox == []
    assert [_row(obj) for obj in (demo_event, workshop, speaker, page, press, waiting)] == rows
    assert not workshop.session_speakers.exists()
    assert Event.objects.count() == 1


def test_load_demo_recreates_what_was_deleted(demo_event):
    Session.objects.get(slug="atelier-parents").delete()
    Page.objects.get(slug="mentions-legales").delete()
    PressInfo.objects.filter(event=demo_event).delete()

    load_demo()

    session = Session.objects.get(event=demo_event, slug="atelier-parents")
    assert (session.capacity, session.room) == (40, "Salle Saint-Jean")
    assert session.start.date() == demo_event.date
    assert [s.speaker.slug for s in session.session_speakers.all()] == ["nadia-benali"]
    assert Page.objects.get(slug="mentions-legales").is_demo
    assert PressInfo.objects.filter(event=demo_event).exists()


def test_load_demo_puts_a_recreated_session_on_the_day_staff_chose(demo_event):
    moved = demo_event.date + dt.timedelta(days=7)
    Session.objects.filter(event=demo_event).delete()
    Event.objects.filter(pk=demo_event.pk).update(
        date=moved, press_accreditation_deadline=demo_event.press_accreditation_deadline)

    load_demo()

    assert {s.start.date() for s in Session.objects.filter(event=demo_event)} == {moved}


def test_load_demo_leaves_a_room_staff_gave_to_another_session(demo_event):
    parents = Session.objects.get(slug="atelier-parents")
    parents.slug, parents.title = "atelier-familles", "Atelier familles"
    parents.save()

    load_demo()

    assert not Session.objects.filter(slug="atelier-parents").exists()
    assert Session.objects.filter(event=demo_event).count() == 9


def test_load_demo_adds_no_second_event_when_staff_run_their_own(db):
    EventFactory(slug="colloque-2030")

    event = load_demo()

    assert event.slug == "colloque-2030"
    assert not Event.objects.filter(slug=EVENT_SLUG).exists()
    assert not Session.objects.filter(event=event, slug="atelier-parents").exists()
    assert Page.objects.count() == 4
