"""colloque.ratelimit: the client address as the deployment documents it, the network it
belongs to, and the sliding window (per network, per e-mail address) behind the public forms."""

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory

from colloque import ratelimit

ROUTER = "10.1.2.3"  # the PaaS router: a private address, in the default TRUSTED_PROXIES
START = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)  # the top of an hour: a bucket's start


def request(remote="203.0.113.9", forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/inscription/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_ip(request(ROUTER, "198.51.100.7")) == ROUTER


def test_behind_the_router_the_address_it_saw_is_the_client(one_proxy):
    # The client wrote « 6.6.6.6 » itself; the router appended the address it saw.
    assert ratelimit.client_ip(request(ROUTER, "6.6.6.6, 198.51.100.7")) == "198.51.100.7"


def test_a_forged_header_from_a_client_reaching_gunicorn_directly_is_ignored(one_proxy):
    """A public peer is not a proxy of ours: whatever it writes, its own address counts."""
    assert ratelimit.client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_trusted_proxies_can_be_narrowed_to_the_proxy_itself(one_proxy, settings):
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    assert ratelimit.client_ip(request(ROUTER, "198.51.100.7")) == ROUTER
    assert ratelimit.client_ip(request("10.9.1.1", "198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "198.51.100.7:4431"])
def test_a_forwarded_value_that_is_not_an_address_is_not_used(one_proxy, forwarded):
    assert ratelimit.client_ip(request(ROUTER, forwarded)) == ROUTER


def test_two_proxies_take_the_second_value_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert ratelimit.client_ip(request(ROUTER, "6.6.6.6, 198.51.100.7, 10.0.0.5")) \
        == "198.51.100.7"


@pytest.mark.parametrize("address, network", [
    ("203.0.113.9", "203.0.113.0/24"),
    ("::ffff:203.0.113.9", "203.0.113.0/24"),  # IPv4 written as IPv6
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("garbage", ""),
])
def test_the_network_of_an_address(address, network):
    assert ratelimit.network(address) == network


@pytest.mark.parametrize("rate, expected", [("10/h", (10, 3600)), ("5/m", (5, 60)),
                                            ("off", None), ("3/10s", (3, 10))])
def test_parse_rate(rate, expected):
    assert ratelimit.parse_rate(rate) == expected


def test_the_limit_counts_per_network_and_says_how_long_to_wait(settings):
    settings.REGISTRATION_RATE_LIMIT = "3/h"
    with time_machine.travel(START, tick=False) as clock:
        for last_byte in (1, 2, 3):  # three addresses of one office's block
            assert ratelimit.consume(request(f"203.0.113.{last_byte}"), scope="register") is None
        clock.shift(dt.timedelta(minutes=48))
        refusal = ratelimit.consume(request("203.0.113.4"), scope="register")
        assert refusal is not None and refusal.on == "network"
        # All three in this hour's bucket: the next hour starts in 12 minutes, and the three
        # weigh 3 × (1 − elapsed) in it, ≤ 2 from 10:20 on.
        assert refusal.minutes == 32
        assert refusal.message == ("Trop de demandes depuis votre réseau. "
                                   "Réessayez dans 32 minutes.")
        assert ratelimit.consume(request("198.51.100.1"), scope="register") is None  # others
        clock.shift(dt.timedelta(minutes=31))
        assert ratelimit.consume(request("203.0.113.4"), scope="register") is not None
        clock.shift(dt.timedelta(minutes=1))
        assert ratelimit.consume(request("203.0.113.4"), scope="register") is None


def test_the_window_slides_rather_than_restarting_at_the_top_of_the_hour(settings):
    """Three submissions at 9:50 still weigh at 10:05: no burst of twice the limit across the
    edge of a bucket."""
    settings.REGISTRATION_RATE_LIMIT = "3/h"
    with time_machine.travel(START + dt.timedelta(minutes=50), tick=False) as clock:
        for _ in range(3):
            assert ratelimit.consume(request(), scope="register") is None
        clock.shift(dt.timedelta(minutes=15))  # 10:05, a new bucket
        refusal = ratelimit.consume(request(), scope="register")
        assert refusal is not None
        # 3 × (1 − t/60) + 1 ≤ 3 from 10:20 on.
        assert refusal.minutes == 15
        clock.shift(dt.timedelta(minutes=15))
        assert ratelimit.consume(request(), scope="register") is None


def test_an_e_mail_address_is_limited_whatever_the_network(settings):
    settings.REGISTRATION_EMAIL_RATE_LIMIT = "2/h"
    with time_machine.travel(START, tick=False):
        for n in range(2):
            assert ratelimit.consume(request(f"198.51.{n}.1"), scope="press",
                                     email="lea@example.org") is None
        refusal = ratelimit.consume(request("192.0.2.1"), scope="press",
                                    email=" LEA@example.org")
        assert refusal is not None and refusal.on == "email"
        assert refusal.message.startswith("Trop de demandes pour cette adresse e-mail.")
        assert ratelimit.consume(request("192.0.2.1"), scope="press",
                                 email="other@example.org") is None


def test_a_refused_submission_is_not_counted_and_a_given_back_one_neither(settings):
    settings.REGISTRATION_RATE_LIMIT = "2/h"
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            ratelimit.consume(request(), scope="register")  # 2 counted, 3 refused
        ratelimit.give_back(request(), scope="register")
        assert ratelimit.check(request(), scope="register") is None
        assert ratelimit.consume(request(), scope="register") is None
        assert ratelimit.check(request(), scope="register") is not None


def test_the_scopes_count_apart(settings):
    settings.REGISTRATION_RATE_LIMIT = "1/h"
    with time_machine.travel(START, tick=False):
        assert ratelimit.consume(request(), scope="register") is None
        assert ratelimit.consume(request(), scope="press") is None
        assert ratelimit.consume(request(), scope="register") is not None


def test_off_counts_nothing(settings):
    settings.REGISTRATION_RATE_LIMIT = settings.REGISTRATION_EMAIL_RATE_LIMIT = "off"
    for _ in range(100):
        assert ratelimit.consume(request(), scope="register", email="a@example.org") is None
