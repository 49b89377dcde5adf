"""The two notification emails. They carry a reference and links, never what the patient wrote.

Only the reference, the clinic's own details and the general next steps go in: no name, no
message, no conditions, no ticked boxes. tests/bookings/test_notifications.py proves it by filling
every patient field with a marker and checking that no marker reaches either email. The
acknowledgement does not name the clinic either: the clinic's name may say "ketamine", and a
patient's mailbox may be shared (set DEFAULT_FROM_EMAIL to a discreet sender name too).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from pages.models import ClinicProfile


def staff_email(request) -> EmailMessage:
    """Return the front desk's 'new request' email, with a link to it in the admin."""
    context = {
        "reference": request.reference,
        "admin_url": settings.SITE_URL + request.get_admin_url(),
    }
    return EmailMessage(
        subject=f"New consultation request {request.reference}",
        body=render_to_string("bookings/email/staff_new_request.txt", context),
        to=[settings.STAFF_NOTIFICATION_EMAIL],
    )


def patient_email(request) -> EmailMessage:
    """Return the acknowledgement sent to the patient: reference, next steps, crisis numbers."""
    clinic = ClinicProfile.objects.load()
    context = {"reference": request.reference, "clinic": clinic}
    return EmailMessage(
        subject=f"We received your request ({request.reference})",
        body=render_to_string("bookings/email/patient_acknowledgement.txt", context),
        to=[request.email],
        reply_to=[clinic.email],
    )
