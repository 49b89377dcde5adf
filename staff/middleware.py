"""Staff session rules: idle sessions end, and every staff account uses a second factor."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_otp import user_has_device


def may_be_signed_in(request) -> bool:
    """Return whether the request carries a session cookie, so someone may be signed in.

    Asking `request.user` loads the session, and a page whose session was loaded varies on the
    Cookie header: the page cache would then keep a copy per visitor cookie (the CSRF cookie
    of anyone who opened the form) instead of one for all anonymous visitors.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES


class StaffPagesArePrivateMiddleware:
    """Mark every page shown to a signed-in person private: the page cache never keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if may_be_signed_in(request) and request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


class IdleSessionTimeoutMiddleware:
    """Sign a staff user out after SESSION_IDLE_TIMEOUT_MINUTES without a request."""

    # Refresh the timestamp at most this often, so a busy admin page does not save the session
    # on every request.
    refresh_seconds = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if may_be_signed_in(request) and request.user.is_authenticated and request.user.is_staff:
            self._track(request)
        return self.get_response(request)

    def _track(self, request):
        now = int(time.time())
        last_seen = request.session.get("staff_last_seen")
        if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                f"You were signed out after {settings.SESSION_IDLE_TIMEOUT_MINUTES} minutes "
                "without activity, to protect patients' information. Please sign in again.",
            )
        elif last_seen is None or now - last_seen >= self.refresh_seconds:
            request.session["staff_last_seen"] = now


class RequireTwoFactorMiddleware:
    """Send staff to verify (or enrol) a second factor before any other admin page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request):
            name = "staff:verify" if user_has_device(request.user) else "staff:enrol"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(name)}?{query}")
        return self.get_response(request)


def needs_second_factor(request) -> bool:
    """Return True when this request is for the admin by staff who still owe a second factor.

    Every account that can reach the admin owes one: editors change the crisis lines shown on
    every page, so a password alone is not enough for any of them.
    """
    if not may_be_signed_in(request):
        return False
    user = request.user
    if not (user.is_authenticated and user.is_staff) or user.is_verified():
        return False
    admin_prefix = "/" + settings.ADMIN_PATH
    path = request.path_info
    if not path.startswith(admin_prefix) or path.startswith(admin_prefix + "two-factor/"):
        return False
    # An unverified user may still sign out, or sign in again as someone else.
    return path not in {reverse("admin:logout"), reverse("admin:login")}
