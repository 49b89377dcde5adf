"""One rate limiter for the site, and the one helper that tells visitors apart by address.

`allow(request, scope="consultation", rate="5/h")` takes one of the visitor's allowance for
that scope and returns False when none is left. It counts in the "default" cache through the
public cache API, so the limit holds across app servers on any shared cache.

Why slots taken with `cache.add`, not a counter: checking and counting must be one atomic step,
or parallel requests all read "4 sent" and all get through. Redis can count atomically, but
Django's DatabaseCache (the production default, CACHE_URL=db://) increments by reading and then
writing. Its `add` is atomic: it inserts the row, and a racing insert of the same key fails on
the table's primary key. So a rate of N per period is N slot keys per visitor and window,
`…:0` to `…:N-1`; a request is allowed when it is the one that adds a free slot, and limited
when every slot is taken. On Redis `add` is SET NX, atomic too.

Windows are fixed (the hour from 10:00 to 11:00, say), as in django-ratelimit, with the window
in the key: a slot key is only ever added during its own window and lives until a whole period
after it, so `add` never meets an expired row (DatabaseCache overwrites an expired row with an
UPDATE that two racing requests can both win). A visitor may so send up to 2N across a window's
end; for a spam brake that is fine. Keys hold a hash of the address keyed by SECRET_KEY and the
window, never the address, and the daily retention run deletes expired rows.
"""

import logging
import re
import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils.crypto import salted_hmac

PERIODS = {"m": 60, "h": 3600, "d": 86400}
# A slot is a cache row: past this many a period the limit costs more than it protects.
MAX_COUNT = 1000
OFF = "off"  # as a rate: no limit (a load test from one address, say)
logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (count, seconds) for a rate such as '5/h', '20/m' or '100/d'."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*([mhd])\s*", rate)
    if match is None:
        raise ImproperlyConfigured(f"A rate looks like 5/h or 20/d (or {OFF}), not {rate!r}.")
    if int(match[1]) > MAX_COUNT:
        raise ImproperlyConfigured(
            f"A rate allows at most {MAX_COUNT} a period, not {rate!r}; use {OFF!r} for no limit."
        )
    return int(match[1]), PERIODS[match[2]]


def client_ip(request) -> str:
    """Return the visitor's IP address, trusting X-Forwarded-For only behind known proxies.

    With CONSULTATION_TRUSTED_PROXY_COUNT = N, the address N places from the right end of
    X-Forwarded-For is the visitor (each proxy appends the address it was reached from); the
    visitor can write anything to the left of it.
    """
    proxies = settings.CONSULTATION_TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allow(request, *, scope: str, rate: str) -> bool:
    """Take one of this visitor's `rate` allowance for `scope`; return False when none is left."""
    if rate.strip().lower() == OFF:
        return True
    count, seconds = parse_rate(rate)
    now = int(time.time())
    window = now // seconds
    # Keyed with SECRET_KEY, the scope and the window: a hash says nothing about the address,
    # and cannot link one window's visitor to the next.
    salt = f"clinic_site.ratelimit:{scope}:{window}"
    visitor = salted_hmac(salt, client_ip(request)).hexdigest()[:32]
    slots = [f"ratelimit:{scope}:{visitor}:{window}:{slot}" for slot in range(count)]
    # A slot once taken stays taken for the whole window, so one read skips the taken ones
    # (a limited visitor, or a flood, costs one query); `add` alone decides the free ones.
    timeout = (window + 2) * seconds - now  # the window's end, plus a period for clock skew
    try:
        taken = cache.get_many(slots)
        return any(cache.add(slot, 1, timeout) for slot in slots if slot not in taken)
    except (DatabaseError, redis.RedisError):
        # A brake on floods must not turn away patients while the cache is down.
        logger.warning("Rate limit not checked (scope %s): the cache is unreachable", scope)
        return True
