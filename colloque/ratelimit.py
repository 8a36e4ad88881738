"""Per-client-address limit on submissions, counted in the cache.

With a shared cache (CACHE_URL / REDIS_URL) every worker sees the same counters; with the
default local-memory cache each process counts on its own. `REGISTRATION_RATE_LIMIT` is
"N/s", "N/m", "N/h", "N/d" or "off".
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """"10/h" -> (10, 3600); "off" -> None."""
    rate = (rate or "off").strip().lower()
    if rate in ("off", "0", "none", ""):
        return None
    try:
        count, period = rate.split("/")
        return int(count), _PERIODS[period[-1]] * int(period[:-1] or 1)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"REGISTRATION_RATE_LIMIT: cannot read {rate!r}") from exc


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the Nth trusted proxy saw (X-Forwarded-For from the right).

    X-Forwarded-For is only read when TRUSTED_PROXY_COUNT says proxies are in front: otherwise
    anybody could forge it to escape the limit.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if a.strip()]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(value: str) -> bool:
    """A forwarded value that is not an address (`ip:port`, garbage) is not used: it would be
    stored as one (login attempts) or let a client pick its own counter."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def hit(request, scope: str = "register") -> bool:
    """Count one submission; True when the client is over the limit."""
    rate = parse_rate(settings.REGISTRATION_RATE_LIMIT)
    if rate is None:
        return False
    limit, period = rate
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    return count > limit
