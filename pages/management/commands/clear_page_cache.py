"""Empty the page cache: run after every deploy, so no page kept from the old templates stays."""

from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Empty the page cache (whole public pages and the consultation form's fields)."

    def handle(self, *args, **options):
        caches[settings.CACHE_MIDDLEWARE_ALIAS].clear()
        self.stdout.write(self.style.SUCCESS("Page cache emptied."))
