"""What keeps a registration rush cheap, checked from the outside: queries per request and
the shared blank form, which must never show a stale seat count."""

from django.urls import reverse

from registrations.models import Registration

from .conftest import last_mail_to, links_in


def test_blank_form_shows_the_seat_taken_by_the_previous_visitor(client, workshops, form_data):
    _, parents = workshops
    assert "2 places restantes" in client.get(reverse("registrations:register")).text
    client.post(reverse("registrations:register"), form_data(workshop=parents.pk))
    page = client.get(reverse("registrations:register")).text
    assert "1 place restante" in page and "2 places restantes" not in page


def test_submit_and_confirm_stay_within_their_query_budget(
    client, workshops, form_data, django_assert_max_num_queries,
    django_capture_on_commit_callbacks, settings,
):
    """The e-mail tasks run after the commit (in the worker): they are not counted."""
    settings.REGISTRATION_HOLDS_PER_NETWORK = settings.REGISTRATION_HOLDS_PER_DOMAIN = 20
    _, parents = workshops
    client.get(reverse("registrations:register"))
    # The current event; then under the lock: the event, the seat counts with the last places
    # in line, the unconfirmed registrations of the network and the mail domain (the hoarding
    # caps), the insert (with its journal line: one statement on PostgreSQL, two on
    # SQLite), and the transaction's statements. Whether the address is known is the insert's
    # ON CONFLICT; no query for the workshop. (The e-mail task, queued before the lock with
    # the database queue, is queued after the commit here.)
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_max_num_queries(8):
            client.post(reverse("registrations:register"),
                        form_data(workshop=parents.pk, email="budget@example.org"))
    token = links_in(last_mail_to("budget@example.org"))["confirmer"]
    # registration by token, current event; then its row lock, journal, update, e-mail task
    with django_capture_on_commit_callbacks(), django_assert_max_num_queries(8):
        response = client.post(reverse("registrations:confirm", kwargs={"token": token}))
    assert response.status_code == 302
    assert Registration.objects.get(email="budget@example.org").status == "confirmed"
