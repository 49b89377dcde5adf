from .models import ClinicProfile


def clinic(request):
    """Make the clinic's profile available to every template as `clinic`."""
    return {"clinic": ClinicProfile.objects.load()}
