from django.urls import path

from . import call_views, views

app_name = "bookings"

urlpatterns = [
    path("consultation/", views.consultation, name="consultation"),
    path("consultation/thanks/", views.thanks, name="thanks"),
    path("consultation/thanks/call.ics", views.thanks_calendar, name="thanks_calendar"),
    # ?key= finds the booking and proves the link came from us; it says nothing about the
    # patient, and travels in the query string, which the request log never records. GET only
    # shows the call (mail scanners open links); POST changes it.
    path("consultation/call/", call_views.manage_call, name="manage_call"),
]
