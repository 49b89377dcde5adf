from django.db import DatabaseError

from .models import ClinicProfile


def clinic(request):
    """Make the clinic's profile available to every template as `clinic`.

    When the database cannot be read (the error pages of an outage), the profile as this
    process last read it: the page still gives the clinic's phone and the crisis lines.
    """
    try:
        return {"clinic": ClinicProfile.objects.load()}
    except DatabaseError:
        return {"clinic": ClinicProfile.objects.last_loaded()}
