"""The front desk's home: what to do next, as counts that open the inbox filtered."""

from django.db.models import Count, Q
from django.urls import reverse

from .choices import Status
from .clinic_time import clinic_today, clinic_tz
from .models import CallBooking, ConsultationRequest, past_target_q


def front_desk_summary(*, user) -> dict:
    """Return the open requests' counts (label, number, inbox link) and the oldest urgent one."""
    open_requests = ConsultationRequest.objects.open()
    numbers = open_requests.aggregate(
        n_new=Count("pk", filter=Q(status=Status.NEW)),
        n_urgent=Count("pk", filter=Q(urgent=True)),
        n_past_target=Count("pk", filter=past_target_q()),
        n_mine=Count("pk", filter=Q(assigned_to=user)),
        n_unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
        n_follow_up=Count("pk", filter=Q(follow_up_on=clinic_today())),
    )
    inbox = reverse("admin:bookings_consultationrequest_changelist")
    counts = [
        ("Urgent", numbers["n_urgent"], f"{inbox}?urgent__exact=1"),
        ("Past their target", numbers["n_past_target"], f"{inbox}?past_target=yes"),
        ("New", numbers["n_new"], f"{inbox}?status=new"),
        ("Follow-ups due today", numbers["n_follow_up"], f"{inbox}?follow_up=today"),
        ("Assigned to me", numbers["n_mine"], f"{inbox}?assigned=me"),
        ("Nobody assigned yet", numbers["n_unassigned"], f"{inbox}?assigned=none"),
    ]
    if user.has_perm("bookings.view_callbooking"):
        agenda = reverse("admin:bookings_callbooking_changelist")
        calls = CallBooking.objects.booked().starting_on(clinic_today(), tz=clinic_tz()).count()
        counts.insert(0, ("Calls booked today", calls, f"{agenda}?day=today&status__exact=booked"))
    oldest_urgent = open_requests.filter(urgent=True).order_by("created").first()
    return {"counts": counts, "oldest_urgent": oldest_urgent}
