"""Does the registration form answer faster for an address it already knows? (issue 12)

`DATABASE_URL=postgres://… .venv/bin/python bench/known_address.py [N]`

Posts the form N times (default 200) with new addresses and N times with one address already
registered, alternating, through Django's test client on PostgreSQL with the database task
queue (as in production: the e-mail is a task row written in the submission's transaction),
and prints the time of each kind. A known address must cost what a new one costs: otherwise
the time of the answer tells whether someone is registered.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colloque.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "test_colloque_known_address")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import reverse  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
PRODUCTION_LIKE = {
    "TASKS": {"default": {"BACKEND": "colloque.tasks_backend.DatabaseBackend",
                          "QUEUES": ["default"]}},
    "REGISTRATION_HOLDS_PER_NETWORK": 20, "REGISTRATION_HOLDS_PER_DOMAIN": 30,
    "REGISTRATION_RATE_LIMIT": "off", "REGISTRATION_EMAIL_RATE_LIMIT": "off",
}


def form(email: str) -> dict:
    return {"first_name": "Awa", "last_name": "Traoré", "email": email,
            "organisation": "Collège", "role": "", "audience": "teacher", "workshop": ""}


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database (the test database is made there)")
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(**PRODUCTION_LIKE):
            run()
    finally:
        teardown_databases(databases, verbosity=0)


def run() -> None:
    from tests.factories import EventFactory

    EventFactory(plenary_capacity=100_000)
    client = Client()
    url = reverse("registrations:register")
    client.get(url)
    assert client.post(url, form("known@gmail.com")).status_code == 302
    for n in range(20):  # warm up: connections, prepared statements, templates
        client.post(url, form(f"warm{n}@gmail.com"), REMOTE_ADDR=f"10.{n}.0.1")
        client.post(url, form("known@gmail.com"))
    times = {"new": [], "known": []}
    for n in range(N):
        for kind in ("new", "known") if n % 2 else ("known", "new"):
            email = f"new{n}@gmail.com" if kind == "new" else "known@gmail.com"
            address = f"10.{n // 250 + 30}.{n % 250}.1"  # under the per-network cap
            start = time.perf_counter()
            response = client.post(url, form(email), REMOTE_ADDR=address)
            times[kind].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, response.status_code
    print(f"{N} submissions of each kind, PostgreSQL, database task queue "
          f"(hold caps {settings.REGISTRATION_HOLDS_PER_NETWORK}/"
          f"{settings.REGISTRATION_HOLDS_PER_DOMAIN})")
    print(f"{'':8}{'median':>9}{'mean':>9}{'p10':>9}{'p90':>9}   ms")
    for kind, values in times.items():
        deciles = statistics.quantiles(values, n=10)
        print(f"{kind:8}{statistics.median(values):9.2f}{statistics.fmean(values):9.2f}"
              f"{deciles[0]:9.2f}{deciles[-1]:9.2f}")


if __name__ == "__main__":
    main()
