"""Press status and badge tokens are stored as digests (issue 10): a copy of the database
opens no status page and passes no badge; links and badges sent before keep working."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.forms.models import model_to_dict

from press import services
from press.badge import badge_code
from press.models import AccreditationRequest
from tests.press.factories import AccreditationFactory

from .test_checkin import ARRIVE, DESK, desk, text  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Make a request through the service; gives it and the token its e-mail carries."""
    def submit(event) -> tuple[AccreditationRequest, str]:
        with django_capture_on_commit_callbacks(execute=True):
            accreditation = services.accreditation_submit(
                event=event, language="fr",
                data={"first_name": "Awa", "last_name": "Diallo", "email": "awa@example.org",
                      "phone": "06 00 00 00 00", "outlet": "Mediapart", "media_type": "web",
                      "role": "journalist", "press_card_number": "98765", "consent": True},
            )
        return accreditation, _link_token()
    return submit


def _link_token() -> str:
    body = next(m.body for m in mail.outbox if m.to == ["awa@example.org"])
    return re.search(r"/presse/accreditation/suivi/([\w-]+)/", body)[1]


def test_the_database_holds_no_usable_token(client, event, staff_user, submit):
    accreditation, token = submit(event)
    assert client.get(f"/presse/accreditation/suivi/{token}/").status_code == 200
    services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    stored = [str(v) for v in AccreditationRequest.objects.values().get(
        pk=accreditation.pk).values()]
    assert token not in stored and accreditation.checkin_token not in stored
    digests = [value for value in stored if len(value) == 64]
    assert len(digests) == 2
    for value in digests:
        assert client.get(f"/presse/accreditation/suivi/{value}/").status_code == 404
        assert not AccreditationRequest.objects.for_checkin_code(value).exists()


def test_a_stored_digest_is_no_badge_at_the_desk(desk, event, staff_user):  # noqa: F811
    accreditation = services.accreditation_approve(
        accreditation=AccreditationFactory(event=event, last_name="Lumière"), actor=staff_user)
    assert "Lumière" in text(desk.get(DESK, {"code": badge_code(accreditation.checkin_token)}))
    page = desk.get(DESK, {"code": badge_code(accreditation.checkin_token_hash)})
    assert page.status_code == 404 and "Lumière" not in text(page)


def test_later_emails_and_the_badge_give_the_same_link(
        event, staff_user, submit, django_capture_on_commit_callbacks):
    accreditation, token = submit(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    assert f"/presse/accreditation/suivi/{token}/badge/" in mail.outbox[0].body
    assert AccreditationRequest.objects.for_checkin_code(accreditation.checkin_token).get() \
        == accreditation


def test_anonymised_requests_lose_their_links(client, event, settings):
    accreditation = AccreditationFactory(event=event)
    token = accreditation.token
    AccreditationRequest.objects.filter(pk=accreditation.pk).update(
        legacy_token_hash="x" * 64)
    settings.PERSONAL_DATA_RETENTION_DAYS = -1000
    assert services.accreditation_purge_expired(today=event.date) == 1
    assert client.get(f"/presse/accreditation/suivi/{token}/").status_code == 404
    assert AccreditationRequest.objects.filter(legacy_token_hash__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_links_and_badges_sent_before_the_migration_keep_working(client, django_user_model):
    """Migrate back to plain tokens, store a request as the old code did, migrate forward:
    its old status link and its old badge still open the page and pass the desk."""
    executor = MigrationExecutor(connection)
    executor.migrate([("press", "0003_accreditationrequest_anonymised_at")])
    old_apps = executor.loader.project_state(
        [("press", "0003_accreditationrequest_anonymised_at")]).apps
    from tests.factories import EventFactory

    event = EventFactory()
    old = old_apps.get_model("press", "AccreditationRequest").objects.create(
        event_id=event.pk, status="approved", first_name="Léa", last_name="Ancienne",
        email="lea@example.org", phone="06", outlet="RFI", media_type="radio",
        role="journalist", press_card_number="1", consent=True,
        token="old-status-token-" + "a" * 30, checkin_token="old-badge-token-" + "b" * 30,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    accreditation = AccreditationRequest.objects.get(pk=old.pk)
    stored = [str(v) for v in model_to_dict(accreditation).values()]
    assert old.token not in stored and old.checkin_token not in stored
    assert accreditation.legacy_token_hash and accreditation.legacy_checkin_token_hash
    page = client.get(f"/presse/accreditation/suivi/{old.token}/")
    assert page.status_code == 200 and "Ancienne" in page.content.decode()
    assert client.get(f"/presse/accreditation/suivi/{old.token}/badge/").status_code == 200
    assert client.get(accreditation.get_absolute_url()).status_code == 200  # new-style link

    from django.contrib.auth.models import Permission
    user = django_user_model.objects.create_user("accueil", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="check_in_registration"))
    client.force_login(user)
    for code in (badge_code(old.checkin_token), badge_code(accreditation.checkin_token)):
        assert "Ancienne" in text(client.get(DESK, {"code": code}))
    client.post(ARRIVE, {"code": badge_code(old.checkin_token)})
    accreditation.refresh_from_db()
    assert accreditation.checked_in_at is not None


def test_after_a_secret_key_change_the_next_email_carries_a_working_link(
        client, event, settings, staff_user, django_capture_on_commit_callbacks):
    accreditation = AccreditationFactory(event=event)
    old_token = accreditation.token
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert accreditation.token != old_token
    assert client.get(f"/presse/accreditation/suivi/{accreditation.token}/").status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accreditation_approve(accreditation=accreditation, actor=staff_user)
    assert f"/presse/accreditation/suivi/{accreditation.token}/" in mail.outbox[0].body
    assert client.get(f"/presse/accreditation/suivi/{accreditation.token}/").status_code == 200
    assert AccreditationRequest.objects.for_checkin_code(accreditation.checkin_token).exists()
