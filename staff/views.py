"""Guided two-factor pages for staff: enrol an authenticator app, verify at sign-in, new codes."""

import base64

import segno
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from . import services
from .forms import TokenForm

VERIFY_ERROR = "That code did not work. Codes change every 30 seconds: try the current one."
ENROL_ERROR = "That code did not match. Check the app shows this site, then try the current code."


def next_url(request) -> str:
    """Return the safe page to continue to after verifying (the admin index by default)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def complete_sign_in(request, device) -> None:
    """Mark the session verified by the device, under a new session key and CSRF token.

    Django's login() gave the session a new key when the password matched; this gives it
    another, so a cookie copied between the password and the code never becomes privileged.
    """
    otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)


def page(request, template, **context):
    """Render a two-factor page inside the admin's frame."""
    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,  # nothing behind it is reachable yet
        "next": next_url(request),
        **context,
    }
    return render(request, template, context)


@never_cache
@staff_member_required
def verify(request):
    """Ask for a code from the authenticator app (or a recovery code) after the password."""
    if not user_has_device(request.user):
        return redirect("staff:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            complete_sign_in(request, device)
            return redirect(next_url(request))
        form.add_error("token", VERIFY_ERROR)
    return page(request, "staff/verify.html", form=form, title="Enter your sign-in code")


@never_cache
@staff_member_required
def enrol(request):
    """Set up an authenticator app: show a QR code and the key, then confirm one code."""
    if user_has_device(request.user):
        return redirect("staff:verify" if not request.user.is_verified() else "admin:index")
    device = services.pending_totp_device(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(device=device, token=form.cleaned_data["token"]):
            complete_sign_in(request, device)
            codes = services.replace_recovery_codes(user=request.user)
            return page(request, "staff/recovery_codes.html", codes=codes, title="Recovery codes")
        form.add_error("token", ENROL_ERROR)
    qr = segno.make(device.config_url, error="m")
    return page(
        request,
        "staff/enrol.html",
        form=form,
        title="Set up two-step sign-in",
        qr_svg=qr.svg_inline(
            scale=5, border=4, light="#fff", title="QR code for your authenticator app"
        ),
        secret=base64.b32encode(device.bin_key).decode(),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_member_required
def recovery_codes(request):
    """Offer (GET), then make (POST) a new set of recovery codes, shown once."""
    if not request.user.is_verified():
        return redirect("staff:verify")
    if request.method == "GET":
        return page(request, "staff/new_recovery_codes.html", title="New recovery codes")
    codes = services.replace_recovery_codes(user=request.user)
    return page(request, "staff/recovery_codes.html", codes=codes, title="Recovery codes")
