from clinic_site.cache import kept

from .models import ClinicProfile


def clinic(request):
    """Make the clinic's profile available to every template as `clinic`.

    It is kept in the worker for the current content version (saving the profile starts a new
    one), so a page costs one small read of the shared cache instead of the profile's.
    """
    return {"clinic": kept(request, "clinic-profile", ClinicProfile.objects.load)}
