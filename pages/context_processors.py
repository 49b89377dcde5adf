from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject

from .clinic_pages import shown_pages
from .models import ClinicProfile


def clinic(request):
    """Make the clinic's profile available to every template as `clinic`.

    When the database cannot be read (the error pages of an outage), the profile as this
    process last read it: the page still gives the clinic's phone and the crisis lines.
    `clinic_pages` says which of the team, visit and costs pages exist, read only by a
    template that links to them.
    """
    try:
        profile = ClinicProfile.objects.load()
    except DatabaseError:
        profile = ClinicProfile.objects.last_loaded()
    return {"clinic": profile, "clinic_pages": SimpleLazyObject(lambda: shown_pages(profile))}
