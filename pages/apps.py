from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Website content"

    def ready(self):
        from clinic_site.cache import content_changed, on_scheduled_change

        from .articles import next_scheduled_publish

        # Any change to the site's content (articles, the clinic profile) retires cached pages.
        for model in self.get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(content_changed, sender=model, dispatch_uid=model._meta.label)
        # An article published ahead of time retires them when it goes live.
        on_scheduled_change(next_scheduled_publish)
