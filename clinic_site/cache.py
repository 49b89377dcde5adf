"""Whole-page cache for anonymous visitors, invalidated the moment staff change content.

Public pages (home, articles, conditions, ...) are the same for every anonymous visitor. Views
marked with `cache_public_page` have their finished responses kept, and `PageCacheMiddleware`
(placed right after WhiteNoise) answers later visitors before sessions, CSRF, authentication
or the view run: no template rendering and no query for the page. How it stays correct:

- A *content version* token lives in the shared cache (CACHE_URL). A kept page is only served
  while the token it was rendered under is current. Saving or deleting any `pages` model (an
  article, the clinic profile) drops the token: `pages.apps` connects `content_changed` to the
  model signals. It is dropped immediately and again when the transaction commits, so a visitor
  who rendered the page mid-transaction cannot keep the old text alive under the new token.
  Content scheduled to appear later (`on_scheduled_change`) ends the version on time.
- Only anonymous GET/HEAD requests without a session or messages cookie and without unexpected
  query parameters are served from, or stored in, the cache. Staff (who have a session cookie)
  always get a fresh page.
- A response is kept only if it is a plain 200 that sets no cookie, used no CSRF token or CSP
  nonce, wrote nothing to the session or messages, and is not marked private or no-store.
  (Reading the session is fine: without a session cookie it is empty for everyone.)
- Pages are kept in each worker's memory (a small least-recently-used store), so a cached page
  costs one shared-cache read (the token) and pages never crowd the shared cache, where the
  rate-limit counters live. Each worker renders a page once per content version.
- Browsers get `Cache-Control: no-cache` with an ETag and Last-Modified (the version's start,
  the same on every worker): they revalidate every time, get a 304 when nothing changed, and
  see an edit on their next page view.

PAGE_CACHE_SECONDS bounds how long a page may be kept (0 turns the cache off).

`render_with_fills` applies the same idea to a page whose only per-visitor parts are a few
pieces of text: the consultation form's CSRF and form tokens, or the search page's words and
results. It is rendered once per content version with placeholders, and each visitor gets a
copy with their own pieces filled in.

`kept` applies it to the parts of every page that are the same for all visitors, such as the
clinic profile and the site's header and footer (`{% kept_include %}`): pages that cannot be
kept whole (search results, a form with errors) still reuse them. The content version is read
from the shared cache at most once per request (`request_content_version`).
"""

import datetime
import functools
import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date

VERSION_KEY = "page-cache:version"
NEXT_CHANGE_KEY = "page-cache:next-change"  # when scheduled content is next due (or None)
LOCAL_MAX_ENTRIES = 200  # about 20 KB each: a few MB per worker at most
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
CSRF_PLACEHOLDER = "csrf-token-placeholder-7d1f0c"
NOT_KEPT_HEADERS = {"set-cookie", "x-request-id", "date"}


@dataclass(frozen=True)
class CachedPage:
    """A finished response as kept: body, headers and the content version it belongs to."""

    content: bytes
    headers: tuple[tuple[str, str], ...]
    version: str
    expires: float


@dataclass(frozen=True)
class KeptValue:
    """A value kept by `kept`, with the content version it belongs to."""

    value: object
    version: str
    expires: float


class _LocalPages:
    """A small least-recently-used store of pages (or kept values) in this worker's memory.

    Thread-safe; entries past their `expires` time are treated as missing.
    """

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self.entries: OrderedDict[str, CachedPage | KeptValue] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            page = self.entries.get(key)
            if page is not None:
                self.entries.move_to_end(key)
        return page if page is not None and page.expires > time.time() else None

    def set(self, key: str, page: CachedPage | KeptValue) -> None:
        with self.lock:
            self.entries[key] = page
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


_local = _LocalPages(LOCAL_MAX_ENTRIES)
_kept_values = _LocalPages(LOCAL_MAX_ENTRIES)
_scheduled_change_hooks: list[Callable[[], datetime.datetime | None]] = []


def content_version() -> tuple[str, int]:
    """Return the current content version (token, start time), starting one if none is current.

    A version also ends by itself when content scheduled ahead (an article with a future
    publish time) is due, so such pages appear on time without anyone saving anything.
    """
    state = cache.get(VERSION_KEY)
    now = time.time()
    if state is None or (state[1] is not None and state[1] <= now):
        state = (uuid.uuid4().hex, _next_scheduled_change(now), int(now))
        cache.set(VERSION_KEY, state, timeout=None)
    return state[0], state[2]


def request_content_version(request: HttpRequest) -> tuple[str, int]:
    """Return the content version (token, start time), read once per request."""
    if not hasattr(request, "_content_version"):
        request._content_version = content_version()
    return request._content_version


def has_content_version(request: HttpRequest | None) -> bool:
    """Return whether this request has already read the content version."""
    return request is not None and hasattr(request, "_content_version")


def kept(request: HttpRequest, key: str, make: Callable[[], object]):
    """Return `make()`, made at most once per content version in this worker.

    Only for values that are the same for every visitor and change only when staff change
    content (any `pages` model), such as the clinic profile or the site's footer. The version
    is read before `make` runs, so a value made while staff save is retired with that version.
    """
    if settings.PAGE_CACHE_SECONDS <= 0:
        return make()
    version, _ = request_content_version(request)
    entry = _kept_values.get(key)
    if entry is not None and entry.version == version:
        return entry.value
    value = make()
    _kept_values.set(key, KeptValue(value, version, time.time() + settings.PAGE_CACHE_SECONDS))
    return value


def bump_content_version() -> None:
    """Retire every cached page: the next request starts a new content version."""
    cache.set(NEXT_CHANGE_KEY, _scheduled_change_from_hooks(), timeout=None)
    cache.delete(VERSION_KEY)


def content_changed(sender, **kwargs) -> None:
    """Retire cached pages now and again after the current transaction commits."""
    if kwargs.get("action", "post_").startswith("post_"):  # m2m_changed also sends pre_*
        bump_content_version()
        transaction.on_commit(bump_content_version)


def on_scheduled_change(func: Callable[[], datetime.datetime | None]):
    """Register a function that returns when public content next changes by itself, or None."""
    _scheduled_change_hooks.append(func)
    return func


def _next_scheduled_change(now: float) -> float | None:
    """Return when content next changes by itself, as worked out at the last content change."""
    remembered = cache.get(NEXT_CHANGE_KEY, default=-1.0)
    if remembered == -1.0 or (remembered is not None and remembered <= now):
        remembered = _scheduled_change_from_hooks()
        cache.set(NEXT_CHANGE_KEY, remembered, timeout=None)
    return remembered


def _scheduled_change_from_hooks() -> float | None:
    times = [when.timestamp() for hook in _scheduled_change_hooks if (when := hook())]
    return min(times, default=None)


class PageCacheMiddleware:
    """Answer visitors from kept pages early; keep the finished responses of marked views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        page = _current_page(request, request.get_full_path()) if _anonymous(request) else None
        if page is not None:
            return _respond(request, page)
        response = self.get_response(request)
        version = getattr(response, "page_cache_version", None)
        if version is not None and response.status_code == 200 and not response.cookies:
            _keep(request.get_full_path(), response.content, response.items(), version)
        return response


def cache_public_page(view=None, *, query_params: tuple[str, ...] = ()):
    """Let PageCacheMiddleware keep the view's page for anonymous visitors (see module doc).

    `query_params` names the query parameters the page depends on (e.g. "page"); a request with
    any other parameter is answered by the view and not kept.
    """
    if view is None:
        return functools.partial(cache_public_page, query_params=query_params)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request, query_params):
            return view(request, *args, **kwargs)
        version, started = request_content_version(request)  # before rendering: see above
        response = view(request, *args, **kwargs)
        if not _cacheable_response(request, response):
            return response
        _add_validators(response, started)
        response.page_cache_version = version
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=started, response=response
        )

    return wrapper


def render_with_fills(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict],
    *,
    fills: dict[str, str],
    query_params: tuple[str, ...] = (),
    shared_key: str | None = None,
) -> HttpResponse:
    """Render a page whose only per-visitor parts are placeholders, from a copy kept per version.

    `context` is a function returning the template context, called only when the page has to
    be rendered (building a big form costs more than serving the kept copy). The caller puts
    placeholders (plain letters, digits and dashes, so escaping leaves them alone) in that
    context; `fills` maps each to this request's text, already escaped for where it goes. Each
    placeholder is filled in one pass, so a value that happens to hold a placeholder's name
    stays as it is. Where the page has `{% csrf_token %}`, this visitor's token is filled in.

    The copy is kept per address, for requests whose parameters are all in `query_params`;
    with `shared_key`, one copy serves every address (the page must then depend on the address
    only through `fills`). Visitors who cannot share a page (staff, pending messages) get their
    own rendering.
    """
    names = (*fills, CSRF_PLACEHOLDER)

    def render() -> tuple[str, ...]:
        return _split(_render(request, template_name, context), names)

    if shared_key is not None and _anonymous(request):
        parts = kept(request, "fill:" + shared_key, render)
    elif _cacheable_request(request, query_params):
        parts = kept(request, "fill:" + request.get_full_path(), render)
    else:
        parts = render()
    if CSRF_PLACEHOLDER in parts[1::2]:
        fills = {**fills, CSRF_PLACEHOLDER: get_token(request)}
    filled = list(parts)
    for at in range(1, len(filled), 2):
        filled[at] = fills[filled[at]]
    return HttpResponse("".join(filled))


def _render(request: HttpRequest, template_name: str, context: Callable[[], dict]) -> str:
    context = {**context(), "csrf_token": CSRF_PLACEHOLDER}
    return render_to_string(template_name, context, request)


def _split(content: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """Return the content cut at each placeholder: text, name, text, name, ..., text."""
    return tuple(re.split("(" + "|".join(map(re.escape, names)) + ")", content))


def _anonymous(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def _cacheable_request(request: HttpRequest, query_params: tuple[str, ...]) -> bool:
    return _anonymous(request) and all(name in query_params for name in request.GET)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)  # always empty here: no session cookie
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None
        and not (session is not None and session.modified)
        and not getattr(getattr(request, "_messages", None), "added_new", False)
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _add_validators(response: HttpResponse, started: int) -> None:
    response["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    response["Last-Modified"] = http_date(started)
    # Browsers check back every time (a 304 when unchanged), so staff edits show at once.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie",))


def _current_page(request: HttpRequest, key: str) -> CachedPage | None:
    """Return the kept page for `key` if it belongs to the current content version."""
    page = _local.get(key)
    if page is None or page.version != request_content_version(request)[0]:
        return None
    return page


def _keep(key: str, content: bytes, headers, version: str) -> CachedPage:
    kept = tuple((k, v) for k, v in headers if k.lower() not in NOT_KEPT_HEADERS)
    page = CachedPage(content, kept, version, time.time() + settings.PAGE_CACHE_SECONDS)
    _local.set(key, page)
    return page


def _respond(request: HttpRequest, page: CachedPage) -> HttpResponse:
    response = HttpResponse(page.content)
    for name, value in page.headers:
        response[name] = value
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date(last_modified) if last_modified else None,
        response=response,
    )
