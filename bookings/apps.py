from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Consultation requests"

    def ready(self):
        from clinic_site.page_cache import clear_on_commit

        from . import scheduling_models

        # The consultation form shows the free call times, which these models decide: a
        # booking, a change of hours or time off empties the page cache once it commits, so
        # the next patient never sees a time taken a moment ago.
        for model in (
            scheduling_models.SchedulingSettings,
            scheduling_models.Caller,
            scheduling_models.CallHours,
            scheduling_models.TimeOff,
            scheduling_models.CallBooking,
        ):
            for signal in (post_save, post_delete):
                signal.connect(clear_on_commit, sender=model, dispatch_uid=model._meta.label)
