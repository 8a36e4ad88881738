"""The admin login resists guessing (django-axes), and a staff login lasts a working day."""

import datetime as dt
import html

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from colloque.models import StaffAction

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
ADMIN = reverse("admin:index")
PASSWORD = "bon-mot-de-passe-2030"
HOME = "203.0.113.10"  # the staff member's office
ELSEWHERE = "198.51.100.20"


def text(response) -> str:
    return html.unescape(response.content.decode())


def log_in(client, username, password=PASSWORD, address=HOME, **headers):
    return client.post(LOGIN, {"username": username, "password": password, "next": ADMIN},
                       REMOTE_ADDR=address, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == ADMIN


def lock(client, username, address=HOME, **headers):
    """Five wrong passwords: the last answer is already the lockout page."""
    answers = [log_in(client, username, "faux", address, **headers) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    return answers[-1]


@pytest.fixture
def marie(django_user_model):
    return django_user_model.objects.create_user("marie", password=PASSWORD, is_staff=True)


def test_five_wrong_passwords_lock_the_pair_even_with_the_right_password(client, marie):
    for _ in range(4):
        answer = log_in(client, "marie", "faux")
        assert "Veuillez compléter correctement les champs" in text(answer)
    page = text(log_in(client, "marie", "faux"))
    assert "Connexion bloquée" in page
    assert "Après 5 mots de passe erronés, le compte « marie » est bloqué depuis cette adresse" \
        in page
    assert "Le blocage prend fin après 30 min sans nouvel essai" in page
    assert f"Donnez-lui votre identifiant et l'adresse {HOME}" in page
    assert "Tentatives de connexion" in page

    answer = log_in(client, "marie")
    assert answer.status_code == 429
    assert "Connexion bloquée" in text(answer)
    assert client.get(ADMIN)["Location"].startswith(LOGIN)


def test_another_address_or_another_username_is_not_locked(client, marie, django_user_model):
    django_user_model.objects.create_user("paul", password=PASSWORD, is_staff=True)
    lock(client, "marie")
    assert logged_in(log_in(Client(), "marie", address=ELSEWHERE))
    assert logged_in(log_in(Client(), "paul"))
    assert log_in(Client(), "marie").status_code == 429


def test_behind_the_proxy_each_client_address_counts_apart(client, marie, settings):
    """Behind the PaaS router every request comes from the router: the lock must follow the
    address the router saw (TRUSTED_PROXY_COUNT), as the registration rate limit does."""
    settings.TRUSTED_PROXY_COUNT = 1
    router = "10.0.0.1"
    lock(client, "marie", router, HTTP_X_FORWARDED_FOR=HOME)
    assert AccessAttempt.objects.get().ip_address == HOME
    assert logged_in(log_in(Client(), "marie", address=router, HTTP_X_FORWARDED_FOR=ELSEWHERE))
    forged = f"{ELSEWHERE}, {HOME}"  # the client wrote the first address, the router the second
    assert log_in(Client(), "marie", address=router, HTTP_X_FORWARDED_FOR=forged).status_code \
        == 429


def test_the_lock_ends_after_the_cool_off_without_new_tries(client, marie):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lock(client, "marie")
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        assert log_in(client, "marie").status_code == 429  # and the delay starts again
    with time_machine.travel(start + dt.timedelta(minutes=45), tick=False):
        assert log_in(client, "marie").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=76), tick=False):
        assert logged_in(log_in(client, "marie"))


def test_without_a_cool_off_only_a_superuser_lifts_the_lock(client, marie, settings):
    settings.AXES_COOLOFF_TIME = None  # LOGIN_LOCKOUT_MINUTES=0
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        page = text(lock(client, "marie"))
    assert "Le blocage dure jusqu'à ce qu'un superutilisateur ou une superutilisatrice le lève" \
        in page
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        assert log_in(client, "marie").status_code == 429


def test_a_superuser_unlocks_by_deleting_the_attempt_in_the_admin(client, marie, staff_client):
    lock(Client(), "marie")
    attempts = staff_client.get(reverse("admin:axes_accessattempt_changelist"))
    page = text(attempts)
    assert attempts.status_code == 200
    assert "Tentatives de connexion" in page and "marie" in page and HOME in page
    attempt = AccessAttempt.objects.get(username="marie")
    deleted = staff_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
                                {"post": "yes"}, follow=True)
    assert "supprimé avec succès" in text(deleted)
    assert logged_in(log_in(client, "marie"))
    journal = StaffAction.objects.get()
    assert journal.kind == "unlock" and journal.username == "staff"
    assert journal.description == f"Identifiant « marie » depuis {HOME}"


def test_the_lockout_list_reads_in_french(staff_client):
    lock(Client(), "marie")
    page = text(staff_client.get(reverse("admin:axes_accessattempt_changelist")))
    assert "bloqué" in page
    assert "Locked Out" not in page and "Attempt Remaining" not in page
    assert "Clean up expired attempts" not in page


def test_a_password_change_does_not_extend_the_working_day(client, marie):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert logged_in(log_in(client, "marie"))
    with time_machine.travel(start + dt.timedelta(hours=9), tick=False):
        answer = client.post(reverse("admin:password_change"), {
            "old_password": PASSWORD, "new_password1": "un-autre-mot-de-passe-2031",
            "new_password2": "un-autre-mot-de-passe-2031"})
        assert answer.status_code == 302
    with time_machine.travel(start + dt.timedelta(hours=10, minutes=30), tick=False):
        assert client.get(ADMIN).status_code == 302


def test_a_forwarded_value_that_is_not_an_address_is_not_trusted(client, marie, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    answer = log_in(client, "marie", "faux", HOME, HTTP_X_FORWARDED_FOR="203.0.113.5:4431")
    assert answer.status_code == 200
    assert AccessAttempt.objects.get().ip_address == HOME


def test_staff_login_records_are_purged_after_six_months(marie):
    from axes.models import AccessLog
    from django.core.management import call_command

    old, recent = (AccessLog.objects.create(username="marie", ip_address=HOME, user_agent="x")
                   for _ in range(2))
    for log, days in ((old, 200), (recent, 20)):  # attempt_time is set on creation
        AccessLog.objects.filter(pk=log.pk).update(
            attempt_time=timezone.now() - dt.timedelta(days=days))
    call_command("purge_personal_data", stdout=open("/dev/null", "w"))
    remaining = set(AccessLog.objects.values_list("pk", flat=True))
    assert old.pk not in remaining and recent.pk in remaining


def test_staff_who_are_not_superusers_cannot_open_the_lockout_pages(client, marie):
    marie.groups.set(Group.objects.all())  # every staff role the site defines
    client.force_login(marie)
    assert "Tentatives de connexion" not in text(client.get(ADMIN))
    for model in ("accessattempt", "accesslog", "accessfailurelog"):
        assert client.get(reverse(f"admin:axes_{model}_changelist")).status_code == 403
    lock(Client(), "paul")
    attempt = AccessAttempt.objects.get()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_successful_login_resets_the_failure_count(client, marie):
    for _ in range(4):
        log_in(client, "marie", "faux")
    assert logged_in(log_in(client, "marie"))
    client.logout()
    for _ in range(4):
        assert log_in(client, "marie", "faux").status_code == 200
    assert log_in(client, "marie", "faux").status_code == 429


def test_a_staff_login_lasts_a_working_day_not_extended_by_use(client, marie):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        answer = log_in(client, "marie")
        assert logged_in(answer)
        cookie = answer.cookies["sessionid"]
        assert cookie["max-age"] == 10 * 3600
        assert cookie["httponly"]
    with time_machine.travel(start + dt.timedelta(hours=9, minutes=50), tick=False):
        assert client.get(ADMIN).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=11), tick=False):
        answer = client.get(ADMIN)
        assert answer.status_code == 302
        assert answer["Location"] == f"{LOGIN}?next={ADMIN}"


def test_public_pages_open_no_session(client, demo_event):
    for url in (reverse("program:home"), reverse("registrations:register")):
        answer = client.get(url)
        assert answer.status_code == 200
        assert "sessionid" not in answer.cookies
