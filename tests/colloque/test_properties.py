"""Property-based tests (hypothesis): whatever a visitor sends to a public form or a token
link, the answer is a page with errors, a redirect or a 404/405/410/429, never a 500, and an
invalid submission stores nothing (no row, no queued e-mail).

The inputs mix arbitrary text, the characters that broke pages before (NUL, ESC, bidi
overrides, zero-width, full-width, non-ASCII digits), lone surrogates sent as the bytes a
client could send (percent-encoded, not valid UTF-8), markup and very long strings. Bounded
and deterministic (`derandomize`: the same examples on every run and in CI); run them on
SQLite and on PostgreSQL (DATABASE_URL), which refuses NUL in text.
"""

import datetime as dt
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colloque.models import StaffAction
from press import services as press_services
from press.models import AccreditationRequest, AccreditationTransition, Status
from registrations.models import Registration, RegistrationTransition, hash_token, link_token
from tests.factories import EventFactory, WorkshopFactory
from tests.press.factories import AccreditationFactory
from tests.registrations.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)

NEVER = {500, 501, 502, 503}
ODD = [
    "\x00", "a\x00b", "\x1b[2J", "\x07", "\x7f", "\u202e", "\u2066", "\u200b", "\u200d",
    "\ufeff", "\u00ad", "\u2028", "\r\n", "\t", "١٢٣", "²", "ＡＢＣ１", "e\u0301", "\uffff",
    "\U0010ffff", "\U0001f600", "<script>alert(1)</script>", "{{ 7|add:7 }}", "{% now %}",
    "'; DROP TABLE registrations_registration; --", "=HYPERLINK(\"http://x\")", "%00",
    "../../etc/passwd", "COLLOQUE:", "PRESSE:", "xn--", "a@b", "@", " ", "",
]
surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
                     min_size=1, max_size=3)
hostile = st.one_of(
    st.text(max_size=30),
    st.sampled_from(ODD),
    st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=4), surrogates),
             min_size=1, max_size=5).map("".join),
    st.tuples(st.sampled_from(["x", "é", "\u202e", "1", "a@b.fr "]),
              st.integers(1_000, 20_000)).map(lambda pair: pair[0] * pair[1]),
)


def form_body(data: dict) -> str:
    """An urlencoded body as a client may send it: lone surrogates go out as their (invalid
    UTF-8) bytes, percent-encoded."""
    pairs = [(key, item) for key, value in data.items()
             for item in (value if isinstance(value, list) else [value])]
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def post(client, url, data):
    return client.post(url, form_body(data), content_type="application/x-www-form-urlencoded")


def path_segment(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def stored() -> tuple:
    """Everything a submission may write: rows and queued tasks."""
    return (Registration.objects.count(), RegistrationTransition.objects.count(),
            AccreditationRequest.objects.count(), AccreditationTransition.objects.count(),
            DBTaskResult.objects.count(), StaffAction.objects.count())


@pytest.fixture
def visitor(client):
    client.raise_request_exception = False  # a 500 is an answer the property rules out
    return client


@pytest.fixture
def event(db):
    event = EventFactory(plenary_capacity=500)
    WorkshopFactory(event=event, slug="secteurs", capacity=30)
    return event


@pytest.fixture
def registration(event):
    """A confirmed registration whose private link is known."""
    registration = RegistrationFactory(event=event, reference="PROP2345")
    Registration.objects.filter(pk=registration.pk).update(
        token_hash=hash_token(link_token(registration.reference)))
    return registration


REGISTRATION_FIELDS = ["first_name", "last_name", "email", "organisation", "role", "audience",
                       "workshop", "accessibility_needs", "accessibility_details",
                       "accessibility_consent", "wants_news", "website"]


def valid_registration(n: int) -> dict:
    return {"first_name": "Awa", "last_name": "Traoré", "email": f"awa{n}@example.org",
            "organisation": "Collège", "role": "Principale", "audience": "teacher",
            "workshop": "", "accessibility_details": ""}


@PROPERTY
@given(overrides=st.dictionaries(st.sampled_from(REGISTRATION_FIELDS),
                                 st.one_of(hostile, st.lists(hostile, max_size=3)),
                                 min_size=1, max_size=4),
       n=st.integers(0, 10**6), atelier=st.none() | hostile)
def test_registration_form(visitor, event, django_capture_on_commit_callbacks, overrides, n,
                           atelier):
    url = reverse("registrations:register")
    if atelier is not None:
        url += "?atelier=" + path_segment(atelier)
    before = stored()
    with django_capture_on_commit_callbacks() as queued:
        response = post(visitor, url, {**valid_registration(n), **overrides})
    assert response.status_code in {200, 302, 400, 404, 429}
    if response.status_code != 302:
        assert stored() == before and queued == []


ACCREDITATION_FIELDS = ["first_name", "last_name", "email", "phone", "outlet", "media_type",
                        "role", "press_card_number", "has_camera", "crew_size",
                        "interview_wishes", "consent", "website"]


def valid_accreditation(n: int) -> dict:
    return {"first_name": "Léa", "last_name": "Martin", "email": f"lea{n}@example.org",
            "phone": "06 12 34 56 78", "outlet": "RFI", "media_type": "radio",
            "role": "journalist", "press_card_number": "123456", "crew_size": "1",
            "interview_wishes": "", "consent": "on"}


@PROPERTY
@given(overrides=st.dictionaries(st.sampled_from(ACCREDITATION_FIELDS),
                                 st.one_of(hostile, st.lists(hostile, max_size=3)),
                                 min_size=1, max_size=4),
       n=st.integers(0, 10**6))
def test_accreditation_form(visitor, event, django_capture_on_commit_callbacks, overrides, n):
    before = stored()
    with django_capture_on_commit_callbacks() as queued:
        response = post(visitor, reverse("press:accreditation"),
                        {**valid_accreditation(n), **overrides})
    assert response.status_code in {200, 302, 400, 429}
    if response.status_code != 302:
        assert stored() == before and queued == []


@pytest.fixture
def asked(event, django_user_model):
    """A request whose status page waits for the journalist's answer."""
    staff = django_user_model.objects.create_user("presse", password="pw", is_staff=True)
    request = AccreditationFactory(event=event)
    press_services.accreditation_request_info(accreditation=request, actor=staff,
                                              message="Votre carte ?")
    return request


@PROPERTY
@given(answer=st.one_of(hostile, st.lists(hostile, max_size=3)))
def test_press_status_answer(visitor, asked, django_capture_on_commit_callbacks, answer):
    asked.refresh_from_db()
    before = stored()
    with django_capture_on_commit_callbacks() as queued:
        response = post(visitor, reverse("press:status", kwargs={"token": asked.token}),
                        {"answer": answer})
    assert response.status_code in {200, 302, 400}
    if response.status_code != 302:
        assert stored() == before and queued == []
    else:  # a valid answer: the request waits for staff again; ask once more
        staff = AccreditationTransition.objects.filter(by__isnull=False).first().by
        press_services.accreditation_request_info(accreditation=asked, actor=staff,
                                                  message="Encore ?")


@PROPERTY
@given(workshop=st.one_of(hostile, st.lists(hostile, max_size=3)),
       extra=st.dictionaries(hostile, hostile, max_size=2))
def test_manage_page_workshop_change(visitor, registration, workshop, extra):
    url = reverse("registrations:change-workshop",
                  kwargs={"token": link_token(registration.reference)})
    before = Registration.objects.values_list("workshop_id", "status").get(pk=registration.pk)
    response = post(visitor, url, {**extra, "workshop": workshop})
    assert response.status_code in {302, 400}
    after = Registration.objects.values_list("workshop_id", "status").get(pk=registration.pk)
    valid_ids = {str(pk) for pk in registration.event.sessions.values_list("pk", flat=True)}
    if not (isinstance(workshop, str) and workshop.strip() in valid_ids | {""}):
        assert after == before


def token_routes() -> list[tuple[str, str]]:
    """Every URL of the site whose path carries a token, as (name, pattern), read from the
    URLconf: a new token URL is tested without being listed here."""
    found = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and "<str:token>" in str(pattern.pattern):
                found.append((f"{namespace}:{pattern.name}", str(pattern.pattern)))

    walk(get_resolver().url_patterns)
    return sorted(set(found))


TOKEN_ROUTES = [name for name, _ in token_routes()]


def test_token_routes_cover_every_private_link():
    assert {"registrations:confirm", "registrations:manage", "registrations:cancel",
            "registrations:release", "registrations:change-workshop",
            "registrations:unsubscribe", "registrations:attestation",
            "registrations:personal-data", "registrations:erase", "registrations:ticket-ics",
            "press:status", "press:badge", "press:personal-data", "press:erase",
            "press:checkin"} <= set(TOKEN_ROUTES)


@PROPERTY
@given(name=st.sampled_from(TOKEN_ROUTES), token=hostile.filter(bool),
       method=st.sampled_from(["get", "post", "head"]),
       data=st.dictionaries(hostile, hostile, max_size=2))
def test_token_links(visitor, staff_client, event, name, token, method, data):
    client = staff_client if name == "press:checkin" else visitor
    client.raise_request_exception = False
    url = reverse(name, kwargs={"token": "TOKEN"}).replace("TOKEN", path_segment(token))
    before = stored()
    if method == "post":
        response = post(client, url, data)
    else:
        response = getattr(client, method)(url)
    assert response.status_code not in NEVER
    assert response.status_code in {302, 400, 404, 405, 410}
    assert stored() == before


@PROPERTY
@given(code=hostile, method=st.sampled_from(["get", "post"]))
def test_welcome_desk_code(staff_client, registration, code, method):
    staff_client.raise_request_exception = False
    if method == "get":
        response = staff_client.get(reverse("registrations:checkin") + "?code="
                                    + path_segment(code))
        assert response.status_code in {200, 404}
    else:
        response = post(staff_client, reverse("registrations:checkin-arrive"), {"code": code})
        assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # no hostile code is this ticket


@PROPERTY
@given(language=hostile, next_url=hostile)
def test_language_switch(visitor, event, language, next_url):
    response = post(visitor, reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code in {302, 400}
    assert not response.get("Location", "/").startswith(("//", "http"))


def test_properties_see_a_valid_submission_through(visitor, event):
    """The properties above are not vacuous: the same helpers get a valid submission in."""
    assert post(visitor, reverse("registrations:register"),
                valid_registration(1)).status_code == 302
    assert post(visitor, reverse("press:accreditation"),
                valid_accreditation(1)).status_code == 302
    assert Registration.objects.count() == 1 and AccreditationRequest.objects.count() == 1
    assert AccreditationRequest.objects.get().status == Status.SUBMITTED
    assert timezone.now() - Registration.objects.get().created_at < dt.timedelta(minutes=1)
