"""The managers' page: how the clinic is doing, from what the site already holds."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse


def metrics_view(request):
    if not request.user.has_perm("bookings.view_metrics"):
        raise PermissionDenied
    return HttpResponse("")
