from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Website content"

    def ready(self):
        from clinic_site.page_cache import clear_on_commit

        # Every public page shows this app's models (articles, the clinic profile and its
        # crisis lines): any change empties the page cache once it commits.
        for model in self.get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(clear_on_commit, sender=model, dispatch_uid=model._meta.label)
