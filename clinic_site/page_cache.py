"""The page cache: whole public pages kept for anonymous visitors, emptied when content changes.

Django's cache middleware does the work (`UpdateCacheMiddleware` and `FetchFromCacheMiddleware`
in settings.MIDDLEWARE, on the "pages" cache alias). What is left to the site is saying when the
kept pages are out of date: an app connects `clear_on_commit` to the signals of the models its
public pages show, and every kept page goes the moment such a change commits, on every app
server (they share the cache). However many rows one save touches (an article, its questions,
its history), the cache is emptied once, when the transaction commits.
"""

import threading

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

_pending = threading.local()  # per thread, as each thread has its own database transaction


def clear_on_commit(**kwargs) -> None:
    """Empty the page cache when the current transaction commits (a signal receiver)."""
    change = object()
    changes = _pending.__dict__.setdefault("changes", set())
    changes.add(change)
    transaction.on_commit(lambda: _clear_once(change))


def _clear_once(change: object) -> None:
    """Empty the cache for the first change of a commit; the rest of that commit's are covered."""
    if change in _pending.changes:
        _pending.changes.clear()
        caches[settings.CACHE_MIDDLEWARE_ALIAS].clear()
