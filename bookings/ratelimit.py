"""A per-visitor limit on consultation requests, counted in the configured cache.

With a shared cache (PostgreSQL or Redis, see CACHE_URL) the limit holds across app servers.
Visitors are told apart by IP address, which is hashed before it is used as a cache key.
"""

import hashlib
import math
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {"m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (count, seconds) for a rate such as '5/h'."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*([mhd])\s*", rate)
    if match is None:
        raise ImproperlyConfigured(f"A rate looks like 5/h or 20/d, not {rate!r}.")
    return int(match[1]), PERIODS[match[2]]


def client_ip(request) -> str:
    """Return the visitor's IP address, trusting X-Forwarded-For only behind known proxies.

    With CONSULTATION_TRUSTED_PROXY_COUNT = N, the address N places from the right end of
    X-Forwarded-For is the visitor (each proxy appends the address it was reached from).
    """
    proxies = settings.CONSULTATION_TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(request) -> str:
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"consultation-rate:{digest}"


def is_limited(request) -> bool:
    """Return True when this visitor has already sent as many requests as the limit allows."""
    count, _ = parse_rate(settings.CONSULTATION_RATE_LIMIT)
    return _sent(request)[0] >= count


def count_request(request) -> None:
    """Count one sent request against the visitor's limit.

    The window starts with the visitor's first request and keeps its end when later ones are
    counted. (Django's database cache re-stores an incremented value with its default
    five-minute timeout, which would have shrunk the window to five minutes.)
    """
    _, seconds = parse_rate(settings.CONSULTATION_RATE_LIMIT)
    sent, window_ends = _sent(request)
    now = time.time()
    if sent == 0:
        window_ends = now + seconds
    timeout = max(1, math.ceil(window_ends - now))
    cache.set(_key(request), (sent + 1, window_ends), timeout=timeout)


def _sent(request) -> tuple[int, float]:
    """Return (requests sent, when the window ends), read once per request."""
    if not hasattr(request, "_consultation_rate"):
        value = cache.get(_key(request))
        request._consultation_rate = value if isinstance(value, tuple) else (0, 0.0)
    return request._consultation_rate
