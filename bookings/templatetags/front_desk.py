"""Admin-only template tags: the front desk's counts on the admin index."""

from django import template
from django.utils import timezone

from bookings import services
from bookings.clinic_time import clinic_tz
from bookings.home import front_desk_summary
from bookings.models import AccessLogEntry

register = template.Library()


@register.inclusion_tag("admin/bookings/front_desk_summary.html", takes_context=True)
def front_desk_home(context):
    """Show the open requests' counts and the oldest urgent one to staff who see requests.

    The oldest urgent request is a patient's request shown on a page, so its showing is
    recorded in the access log like the inbox's.
    """
    request = context["request"]
    if not request.user.has_perm("bookings.view_consultationrequest"):
        return {"show": False}
    summary = front_desk_summary(user=request.user)
    oldest = summary["oldest_urgent"]
    if oldest is not None:
        services.record_access(
            user=request.user, shown=[oldest], page=AccessLogEntry.Page.HOME, query=""
        )
        summary["arrived"] = timezone.localtime(oldest.created, clinic_tz())
    return {"show": True, **summary}
