"""The patient's page for a booked call, reached from the link in their email: move or cancel.

No account and no session: the link's token is the key. Opening it (GET) only shows the call,
because mail scanners open every link in an email; only a POST from the page's own buttons
changes anything. The link stops working once the call has ended or been cancelled, and a move
makes a new link (the old one stops working).
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import call_links, scheduling
from .call_times import call_times

TEMPLATE = "bookings/manage_call.html"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_call(request):
    """Show the call with buttons to move or cancel it; on POST, do what was asked."""
    booking = call_links.booking_for_token(request.GET.get("key", ""))
    if booking is None:
        return render(request, TEMPLATE, {"state": "unknown"}, status=404)
    if not call_links.link_is_live(booking):
        return render(request, TEMPLATE, {"state": "over", "booking": booking})
    if request.method == "POST" and request.POST.get("action") == "cancel":
        scheduling.cancel_call(booking=booking)
        return render(request, TEMPLATE, {"state": "cancelled", "booking": booking})
    if request.method == "POST" and request.POST.get("action") == "move":
        return _move(request, booking)
    return _show(request, booking)


def _show(request, booking, *, status=200, **extra):
    offer = scheduling.offer()
    context = {
        "state": "booked",
        "booking": booking,
        "call_time": call_links.call_time_text(booking),
        "call_times": call_times(offer, picked=None, page=None) if offer else None,
        **extra,
    }
    return render(request, TEMPLATE, context, status=status)


def _move(request, booking):
    try:
        start = scheduling.parse_call_time(request.POST.get("call_at", ""))
    except ValueError:
        return _show(request, booking, status=400, move_error="Choose the new time for your call")
    try:
        scheduling.move_call(booking=booking, start=start)
    except scheduling.SlotTaken:
        return _show(
            request,
            booking,
            status=409,
            move_error="That time was just taken. Please choose another time.",
        )
    context = {
        "state": "moved",
        "booking": booking,
        "call_time": call_links.call_time_text(booking),
        "manage_url": call_links.manage_url(booking),
    }
    return render(request, TEMPLATE, context)
