"""Limits on the public forms (registration, accreditation request), and the client address.

What is counted: **successful submissions only** (a form with errors costs nothing), per
network (IPv4 /24, IPv6 /64: one household, one office, one school, whatever address of its
block each request leaves from) and per e-mail address (whatever the network).
`REGISTRATION_RATE_LIMIT` (per network, default 60 an hour: an office of 50 behind one
address registers its people in an hour) and `REGISTRATION_EMAIL_RATE_LIMIT` (per address,
default 5 an hour) are "N/s", "N/m", "N/h", "N/d" or "off".

Where: Django's `cache`, shared by every process and server in production (Redis; production
refuses a per-process cache with several web processes, see settings/production.py).

How: a sliding window approximated by two fixed buckets, as Cloudflare and nginx do. Each
period of the rate has a counter; a submission at `elapsed` seconds into the current period
sees `previous × (1 − elapsed / period) + current`, the previous period's count weighed by
the part of it that is still inside the last `period` seconds. No burst doubles the limit at
a bucket's edge (a fixed window lets 2N through across it), and it costs one atomic `incr`
and one `get_many` per counter (no list of timestamps rewritten on each hit, which a cache
cannot do atomically). The error is small and bounded: the estimate assumes the previous
period's submissions were evenly spread, so it is exact for steady traffic and errs by less
than the previous period's count within it. The counter is taken before the submission is
written, atomically (`incr`, then given back if over the limit): two concurrent submissions
cannot both take the last place.

The client address (`client_ip`): REMOTE_ADDR, unless the peer is one of `TRUSTED_PROXIES`
(networks; default: loopback and private addresses, where a PaaS router or a local reverse
proxy connects from) and `TRUSTED_PROXY_COUNT` says how many proxies append to
X-Forwarded-For: then the address the outermost of them saw. A client that reaches gunicorn
directly from the Internet has a public REMOTE_ADDR: whatever X-Forwarded-For it writes is
ignored. django-axes reads the same function (AXES_CLIENT_IP_CALLABLE).

`REGISTRATION_UNCAPPED_NETWORKS`: networks where many of the audience share a few addresses
(the City of Paris's or an académie's egress proxies). Their submissions have no per-network
limit and no per-network cap of unconfirmed registrations; the per-address limit still
applies.
"""

import dataclasses
import functools
import hashlib
import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A network: the block one subscriber, office or school is given.
IPV4_PREFIX, IPV6_PREFIX = 24, 64


def parse_rate(rate: str) -> tuple[int, int] | None:
    """"10/h" -> (10, 3600); "3/10s" -> (3, 10); "off" -> None."""
    rate = (rate or "off").strip().lower()
    if rate in ("off", "0", "none", ""):
        return None
    try:
        count, period = rate.split("/")
        parsed = int(count), _PERIODS[period[-1]] * int(period[:-1] or 1)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"rate limit: cannot read {rate!r}") from exc
    if parsed[0] < 1 or parsed[1] < 1:
        raise ImproperlyConfigured(f"rate limit: cannot read {rate!r}")
    return parsed


# The client address ---------------------------------------------------------------------------

@functools.cache
def _networks(spec: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec
                     if item.strip())
    except ValueError as exc:  # settings/base.py checks both lists at start-up
        raise ImproperlyConfigured(f"network list: {exc}") from exc


def _address(value: str):
    """An IP address, IPv4-mapped IPv6 read as IPv4; None for anything else (`ip:port`…)."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted_proxy(address) -> bool:
    return address is not None and any(
        address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The client's address as the deployment documents it (see the module's docstring).

    X-Forwarded-For is read only when the peer itself is a trusted proxy: otherwise anybody
    could write it to escape the limits or to lock someone else out of the admin. Behind
    `TRUSTED_PROXY_COUNT` proxies, the Nth value from the right is the address the outermost
    one saw; a value that is not an address is not used (it would be stored as one for login
    attempts, or let a client pick its own counter).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0 and _is_trusted_proxy(_address(remote)):
        forwarded = [value.strip() for value in
                     request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if value.strip()]
        if len(forwarded) >= proxies:
            address = _address(forwarded[-proxies])
            if address is not None:
                return str(address)
    return remote


def network(address: str) -> str:
    """The network an address belongs to ("203.0.113.0/24", "2001:db8:1:2::/64"); "" when
    the address cannot be read. Counted and stored instead of the address itself (RGPD)."""
    parsed = _address(address)
    if parsed is None:
        return ""
    prefix = IPV4_PREFIX if parsed.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


def _is_uncapped(address) -> bool:
    return address is not None and any(
        address in network for network in _networks(
            tuple(settings.REGISTRATION_UNCAPPED_NETWORKS)))


def client_network(request) -> str:
    """The client's network, counted and stored against the caps; "" for a network of
    REGISTRATION_UNCAPPED_NETWORKS (a shared egress of the audience: no network limit)."""
    address = client_ip(request)
    if _is_uncapped(_address(address)):
        return ""
    return network(address)


# Counting -----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Refusal:
    """Over a limit: what was over (`on`: "network" or "email") and how long to wait."""

    on: str
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))

    @property
    def message(self) -> str:
        wait = ngettext("Réessayez dans %(minutes)s minute.",
                        "Réessayez dans %(minutes)s minutes.", self.minutes) % {
            "minutes": self.minutes}
        if self.on == "email":
            return _("Trop de demandes pour cette adresse e-mail.") + " " + wait
        return _("Trop de demandes depuis votre réseau.") + " " + wait


@dataclasses.dataclass(frozen=True)
class _Counter:
    on: str
    name: str  # the cache key without its period number
    limit: int
    period: int

    def keys(self, now: float) -> tuple[str, str, float]:
        """(current bucket, previous bucket, part of the current period elapsed)."""
        number, elapsed = divmod(now, self.period)
        return (f"{self.name}:{int(number)}", f"{self.name}:{int(number) - 1}",
                elapsed / self.period)

    def wait(self, current: int, previous: int, elapsed: float) -> int:
        """Seconds until one more submission fits, given the counts without it."""
        room = self.limit - 1 - current
        if room >= 0:  # this period's count fits: wait for the previous one to weigh less
            needed = 1 - room / previous if previous else 0
            return _whole_seconds((needed - elapsed) * self.period)
        # This period alone is over: wait for the next one, where it becomes the previous.
        needed = 1 - (self.limit - 1) / current
        return _whole_seconds((1 - elapsed + needed) * self.period)


def _whole_seconds(seconds: float) -> int:
    return max(1, math.ceil(round(seconds, 6)))  # 900.0000001 is 900: floats, not time


def _digest(value: str) -> str:
    """Cache keys carry no address, e-mail or network in clear (and fit memcached's rules)."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _counters(request, scope: str, email: str | None) -> list[_Counter]:
    counters = []
    rate = parse_rate(settings.REGISTRATION_RATE_LIMIT)
    address = client_ip(request)
    if rate and not _is_uncapped(_address(address)):
        ident = network(address) or "unknown"
        counters.append(_Counter("network", f"rl:{scope}:n:{_digest(ident)}", *rate))
    rate = parse_rate(settings.REGISTRATION_EMAIL_RATE_LIMIT)
    if rate and email:
        ident = email.strip().lower()
        counters.append(_Counter("email", f"rl:{scope}:e:{_digest(ident)}", *rate))
    return counters


def _estimate(current: int, previous: int, elapsed: float) -> float:
    return previous * (1 - elapsed) + current


def _fails_open(function):
    """With the shared cache unreachable (Redis down) the forms keep working: nothing is
    counted and nothing refused, and the error is logged. The seat caps live in the database
    and still hold; a registration lost to an outage of the limiter would be worse than a
    few minutes without it."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any cache failure, whatever the backend raises
            logger.error("rate limit cache unreachable: submission not limited", exc_info=True)
            return None

    return wrapper


@_fails_open
def check(request, *, scope: str, email: str | None = None) -> Refusal | None:
    """Whether one more submission would be over a limit, counting nothing (before the form
    is validated: a client already over its limit is answered at once)."""
    now = time.time()
    for counter in _counters(request, scope, email):
        current_key, previous_key, elapsed = counter.keys(now)
        values = cache.get_many([current_key, previous_key])
        current, previous = values.get(current_key, 0), values.get(previous_key, 0)
        if _estimate(current + 1, previous, elapsed) > counter.limit:
            return Refusal(counter.on, counter.wait(current, previous, elapsed))
    return None


@_fails_open
def consume(request, *, scope: str, email: str | None = None) -> Refusal | None:
    """Count one successful submission (per network and per `email`), or refuse it.

    Called once the form is valid, before the submission is written. When a counter is over
    its limit, nothing stays counted and the Refusal says how long to wait."""
    now = time.time()
    taken: list[tuple[_Counter, str]] = []
    for counter in _counters(request, scope, email):
        current_key, previous_key, elapsed = counter.keys(now)
        current = _increment(current_key, 2 * counter.period + 60)
        taken.append((counter, current_key))
        previous = cache.get(previous_key, 0)
        if _estimate(current, previous, elapsed) > counter.limit:
            _give_back(taken)
            return Refusal(counter.on, counter.wait(current - 1, previous, elapsed))
    return None


@_fails_open
def give_back(request, *, scope: str, email: str | None = None) -> None:
    """Undo `consume` for a submission the service refused after all (nothing written)."""
    now = time.time()
    _give_back([(counter, counter.keys(now)[0])
                for counter in _counters(request, scope, email)])


def _increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def _give_back(taken) -> None:
    for _counter, key in taken:
        try:
            cache.decr(key)
        except ValueError:  # gone meanwhile: nothing to give back
            pass
