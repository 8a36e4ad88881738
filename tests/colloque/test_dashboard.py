"""The admin home page: the organisers' figures of the current edition, as each role sees them.

Every figure shown is compared with a count made here through the ORM (or in Python over the
rows), never with the dashboard's own functions.
"""

import datetime as dt
import html
import re
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from press.models import AccreditationRequest
from registrations.models import Registration
from tests.factories import EventFactory, WorkshopFactory, paris
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

INDEX = reverse("admin:index")
REGISTRATIONS = reverse("admin:registrations_registration_changelist")
Status = Registration.Status
Audience = Registration.Audience
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core-4.14.1" / "axe.min.js"


# -- reading the page ---------------------------------------------------------------------------

def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def cell(page: str, attribute: str, value: str, column: int = 0) -> str:
    """The text of the `column`-th figure cell of the row marked `data-<attribute>="value"`."""
    row = re.search(rf'<(tr|li) data-{attribute}="{re.escape(value)}">(.*?)</\1>', page, re.S)
    assert row, f"no row data-{attribute}={value}"
    cells = re.findall(r'<td class="dash-num">(.*?)</td>', row.group(2), re.S)
    return html.unescape(cells[column]).replace("\xa0", " ")


def link(page: str, attribute: str, value: str) -> str:
    row = re.search(rf'<(tr|li) data-{attribute}="{re.escape(value)}">(.*?)</\1>', page, re.S)
    return html.unescape(re.search(r'href="([^"]+)"', row.group(2)).group(1))


def audience_figures(page: str, audience: str) -> tuple[int, int]:
    row = re.search(rf'<li data-audience="{audience}">(.*?)</li>', page, re.S).group(1)
    count = re.search(r"<span data-count>(\d+)</span>", row).group(1)
    percent = re.search(r"\((\d+)&nbsp;%\)", row).group(1)
    return int(count), int(percent)


def result_count(client, url: str) -> int:
    """How many rows the admin list behind a dashboard link shows."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert "?e=1" not in response.get("Location", "")
    return response.context["cl"].result_count


# -- data ----------------------------------------------------------------------------------------

@pytest.fixture
def event(db):
    return EventFactory(plenary_capacity=40)


@pytest.fixture
def workshops(event):
    return [WorkshopFactory(event=event, title="Secteurs multi-collèges", room="Salle Lobau",
                            capacity=5, order=1),
            WorkshopFactory(event=event, title="Parents et mixité", room="Salon Bertrand",
                            capacity=2, order=2)]


@pytest.fixture
def crowd(event, workshops):
    """People in every status, category and need, registered over four days with a gap."""
    secteurs, parents = workshops
    today = timezone.localdate()
    days = [today - dt.timedelta(days=d) for d in (6, 5, 3, 0)]  # nobody on days 4, 2 and 1
    people = [
        dict(status=Status.CONFIRMED, audience=Audience.TEACHER, workshop=secteurs,
             accessibility_needs=["lsf"]),
        dict(status=Status.CONFIRMED, audience=Audience.TEACHER, workshop=secteurs,
             accessibility_needs=["wheelchair", "loop"]),
        dict(status=Status.CONFIRMED, audience=Audience.PARENT, workshop=parents),
        dict(status=Status.CONFIRMED, audience=Audience.PARENT, workshop=parents,
             accessibility_needs=["other"]),
        dict(status=Status.CONFIRMED, audience=Audience.PARENT, workshop=parents,
             workshop_waitlist_seq=1),
        dict(status=Status.CONFIRMED, audience=Audience.ELECTED),
        dict(status=Status.CONFIRMED, audience=Audience.CITY_STAFF, accessibility_needs=["lsf"]),
        dict(status=Status.PENDING, audience=Audience.RESEARCHER, workshop=secteurs),
        dict(status=Status.PENDING, audience=Audience.ASSOCIATION,
             hold_expires_at=timezone.now() - dt.timedelta(minutes=1)),
        dict(status=Status.WAITLISTED, audience=Audience.OTHER, event_waitlist_seq=1,
             accessibility_needs=["lsf"]),
        dict(status=Status.WAITLISTED, audience=Audience.PARENT, event_waitlist_seq=2),
        dict(status=Status.CANCELLED, audience=Audience.TEACHER, accessibility_needs=["lsf"]),
        dict(status=Status.EXPIRED, audience=Audience.RESEARCHER),
    ]
    for i, fields in enumerate(people):
        day = days[i % len(days)]
        RegistrationFactory(event=event, created_at=paris(day, 10 + i % 8), **fields)
    RegistrationFactory(audience=Audience.RESEARCHER)  # another edition: never counted
    return Registration.objects.filter(event=event)


@pytest.fixture
def accreditations(event):
    statuses = [AccreditationRequest.Status.SUBMITTED] * 3 + [
        AccreditationRequest.Status.INFO_REQUESTED, AccreditationRequest.Status.APPROVED,
        AccreditationRequest.Status.APPROVED, AccreditationRequest.Status.REJECTED]
    for status in statuses:
        AccreditationFactory(event=event, status=status)
    AccreditationFactory()  # another edition
    return AccreditationRequest.objects.filter(event=event)


def login_in_group(client, django_user_model, group: str):
    user = django_user_model.objects.create_user(group[:10], password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


# -- figures -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_registrations_by_status_in_words_with_links_to_the_filtered_list(staff_client, crowd):
    page = page_text(staff_client.get(INDEX))
    for status in Status:
        expected = crowd.filter(status=status).count()
        assert cell(page, "status", status.value) == str(expected)
        assert f">{html.escape(str(status.label), quote=True)}</a>" in page
        assert result_count(staff_client, link(page, "status", status.value)) == expected
    assert re.search(r"<td class=\"dash-num\" data-total>(\d+)</td>", page).group(1) == str(
        crowd.count())
    assert "1 a dépassé le délai de confirmation" in html.unescape(page)


@pytest.mark.django_db
def test_seats_show_fill_rate_waiting_list_and_room(staff_client, event, workshops, crowd):
    page = page_text(staff_client.get(INDEX))
    now = timezone.now()
    day_holders = crowd.filter(status=Status.CONFIRMED).count() + crowd.filter(
        status=Status.PENDING, event_waitlist_seq__isnull=True, hold_expires_at__gt=now).count()
    assert cell(page, "seats", "day", 0) == f"{day_holders} / {event.plenary_capacity}"
    assert cell(page, "seats", "day", 1) == str(crowd.filter(status=Status.WAITLISTED).count())
    for workshop in workshops:
        mine = crowd.filter(workshop=workshop)
        holders = [r for r in mine if r.workshop_waitlist_seq is None and (
            r.status == Status.CONFIRMED or (r.status == Status.PENDING
                                             and r.hold_expires_at > now))]
        waiting = mine.filter(status=Status.CONFIRMED, workshop_waitlist_seq__isnull=False)
        assert cell(page, "seats", f"workshop-{workshop.pk}", 0) == (
            f"{len(holders)} / {workshop.capacity}")
        assert cell(page, "seats", f"workshop-{workshop.pk}", 1) == str(waiting.count())
        row = re.search(rf'data-seats="workshop-{workshop.pk}">(.*?)</tr>', page, re.S).group(1)
        assert workshop.room in row
        assert f"{round(100 * len(holders) / workshop.capacity)}&nbsp;%" in row


@pytest.mark.django_db
def test_audience_mix_counts_confirmed_people_with_their_share(staff_client, crowd):
    page = page_text(staff_client.get(INDEX))
    confirmed = Counter(crowd.filter(status=Status.CONFIRMED).values_list("audience", flat=True))
    total = sum(confirmed.values())
    assert total
    for audience in Audience:
        count, percent = audience_figures(page, audience.value)
        assert count == confirmed[audience.value]
        assert percent == round(100 * confirmed[audience.value] / total)
    assert f"Sur {total} personnes confirmées." in page


@pytest.mark.django_db
def test_accessibility_needs_of_confirmed_people_link_to_them(staff_client, crowd):
    page = page_text(staff_client.get(INDEX))
    needs = [r.accessibility_needs for r in crowd.filter(status=Status.CONFIRMED)]
    for code in Registration.Accessibility:
        expected = sum(code.value in person for person in needs)
        assert cell(page, "need", code.value) == str(expected)
        assert result_count(staff_client, link(page, "need", code.value)) == expected
    people = sum(bool(person) for person in needs)
    assert f"{people} personnes confirmées ont au moins un besoin" in page


@pytest.mark.django_db
def test_registrations_per_day_svg_has_one_bar_per_day_with_registrations(staff_client, crowd):
    page = page_text(staff_client.get(INDEX))
    per_day = Counter(timezone.localdate(r.created_at).isoformat() for r in crowd)
    svg = re.search(r"<svg class=\"dash-chart-svg\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg
    bars = dict(re.findall(r'<rect class="dash-chart-bar" data-day="([\d-]+)" '
                           r'data-count="(\d+)"', svg))
    assert bars == {day: str(n) for day, n in per_day.items()}
    assert len(bars) == 4
    table = re.search(r'<table class="dash-table" id="dash-chart-table">(.*?)</table>',
                      page, re.S).group(1)
    for day, n in per_day.items():
        assert cell(table, "day", day) == str(n)
    assert "<script" not in re.search(r'id="dash-chart".*?</section>', page, re.S).group(0)


@pytest.mark.django_db
def test_press_requests_by_state_and_pending_link(staff_client, accreditations):
    page = page_text(staff_client.get(INDEX))
    for status in AccreditationRequest.Status:
        expected = accreditations.filter(status=status).count()
        assert cell(page, "press", status.value) == str(expected)
        assert result_count(staff_client, link(page, "press", status.value)) == expected
    pending = accreditations.filter(status__in=["submitted", "info_requested"]).count()
    pending_url = html.unescape(re.search(
        r'href="([^"]+)">' + f"{pending} demandes d'accréditation à traiter", page).group(1))
    assert result_count(staff_client, pending_url) == pending == 4


@pytest.mark.django_db
def test_the_page_reads_with_few_queries_however_many_people(
        staff_client, event, workshops, crowd, accreditations, django_assert_max_num_queries):
    staff_client.get(INDEX)  # the session and permissions are read once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        staff_client.get(INDEX)
    for i in range(30):
        RegistrationFactory(event=event, workshop=workshops[i % 2],
                            audience=list(Audience)[i % 7], accessibility_needs=["lsf"],
                            created_at=timezone.now() - dt.timedelta(days=i))
        AccreditationFactory(event=event)
    WorkshopFactory(event=event, capacity=10)
    with django_assert_max_num_queries(len(few)):
        staff_client.get(INDEX)
    assert len(few) <= 20


# -- who sees what -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_welcome_desk_sees_only_a_big_link_to_the_desk(client, django_user_model, crowd,
                                                       accreditations):
    login_in_group(client, django_user_model, "Accueil")
    page = page_text(client.get(INDEX))
    assert f'href="{reverse("registrations:checkin")}"' in page
    assert "dash-button-big" in page
    for absent in ("data-status=", "data-seats=", "data-audience=", "data-need=",
                   "dash-chart-bar", "data-press=", "data-arrived"):
        assert absent not in page


@pytest.mark.django_db
def test_press_office_sees_press_figures_and_no_registration_figure(
        client, django_user_model, crowd, accreditations):
    login_in_group(client, django_user_model, "Service de presse")
    page = page_text(client.get(INDEX))
    assert cell(page, "press", "submitted") == str(accreditations.filter(
        status="submitted").count())
    for absent in ("data-status=", "data-seats=", "data-audience=", "data-need=",
                   "dash-chart-bar", reverse("registrations:checkin")):
        assert absent not in page


@pytest.mark.django_db
def test_opmire_team_sees_registrations_and_the_desk_but_no_press_figure(
        client, django_user_model, crowd, accreditations):
    login_in_group(client, django_user_model, "Équipe OPMIRE")
    page = page_text(client.get(INDEX))
    assert cell(page, "status", "confirmed") == str(crowd.filter(status=Status.CONFIRMED).count())
    for present in ("data-seats=", "data-audience=", "data-need=", "dash-chart-bar",
                    f'href="{reverse("registrations:checkin")}"'):
        assert present in page
    assert "data-press=" not in page and "dash-button-big" not in page


@pytest.mark.django_db
def test_without_a_published_edition_the_page_says_so(staff_client):
    page = page_text(staff_client.get(INDEX))
    assert "Aucun colloque n'est publié pour le moment" in page
    assert "data-status=" not in page


# -- on the day ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_arrivals_appear_only_on_the_event_day(client, admin_user, event, workshops, crowd):
    def dashboard_at(moment):
        with time_machine.travel(moment, tick=False):
            client.force_login(admin_user)  # a session opened two months earlier has ended
            return page_text(client.get(INDEX))

    for registration in crowd.filter(status=Status.CONFIRMED)[:3]:
        registration.checked_in_at = paris(event.date, 9)
        registration.save(update_fields=["checked_in_at"])

    assert "data-arrived" not in dashboard_at(paris(event.date, 0) - dt.timedelta(minutes=1))
    assert "data-arrived" not in dashboard_at(paris(event.date, 0) + dt.timedelta(days=1))
    page = dashboard_at(paris(event.date, 10))
    confirmed = crowd.filter(status=Status.CONFIRMED)
    arrived = confirmed.filter(checked_in_at__isnull=False).count()
    assert re.search(r"<strong data-arrived>(\d+)</strong>", page).group(1) == str(arrived) == "3"
    assert re.search(r"<strong data-expected>(\d+)</strong>", page).group(1) == str(
        confirmed.count())
    block = re.search(r'id="dash-arrivals">(.*?)</section>', page, re.S).group(1)
    for workshop in workshops:
        seated = confirmed.filter(workshop=workshop, workshop_waitlist_seq__isnull=True)
        row = re.search(rf"{workshop.title}.*?</tr>", html.unescape(block), re.S).group(0)
        figures = re.findall(r'<td class="dash-num">(\d+)</td>', row)
        assert figures == [str(seated.filter(checked_in_at__isnull=False).count()),
                           str(seated.count())]


# -- in a browser --------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_dashboard_passes_the_automated_accessibility_audit(live_server, chromium, client,
                                                            django_user_model, width):
    event = EventFactory(plenary_capacity=40, date=timezone.localdate(),  # arrivals shown too
                         registration_opens_at=timezone.now() - dt.timedelta(days=30))
    workshop = WorkshopFactory(event=event, capacity=5, room="Salon des Arcades", title=(
        "Atelier 2 — « Tous Mobilisés » : mieux accueillir les élèves et leurs familles"))
    for i, audience in enumerate(list(Audience) * 2):
        RegistrationFactory(event=event, audience=audience, workshop=workshop if i < 4 else None,
                            accessibility_needs=["lsf"] if i % 5 == 0 else [],
                            created_at=timezone.now() - dt.timedelta(days=i % 6),
                            checked_in_at=timezone.now() if i % 3 == 0 else None)
    AccreditationFactory(event=event)
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    context = chromium.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    response = page.goto(live_server.url + INDEX)
    assert response.status == 200
    assert page.locator("svg.dash-chart-svg").is_visible()
    assert page.locator("#dash-arrivals").is_visible()
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    context.close()
    assert [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]] == []
    assert page_width <= width  # only the chart scrolls sideways, never the page
