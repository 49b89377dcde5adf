from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Consultation requests"

    def ready(self):
        from clinic_site.page_cache import clear_on_commit

        from .scheduling_models import CallBooking, Caller, CallHours, SchedulingSettings, TimeOff

        # The consultation form shows the free call times, which these models decide: a
        # booking, a change of hours or time off empties the page cache once it commits, so
        # the next patient never sees a time taken a moment ago.
        for model in (SchedulingSettings, Caller, CallHours, TimeOff, CallBooking):
            label = model._meta.label
            post_delete.connect(clear_on_commit, sender=model, dispatch_uid=label)
            receiver = settings_saved if model is SchedulingSettings else clear_on_commit
            post_save.connect(receiver, sender=model, dispatch_uid=label)


def settings_saved(instance, created, **kwargs) -> None:
    """Empty the page cache when the scheduling settings change (a post_save receiver).

    The switched-off row that `load()` creates on a first read (a patient opening the form)
    shows what the site showed without one, so nothing kept is out of date.
    """
    from clinic_site.page_cache import clear_on_commit

    if not (created and not instance.enabled):
        clear_on_commit()
