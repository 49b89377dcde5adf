from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .clinic_pages import shown_pages
from .models import Article, ClinicProfile


class SiteURLSitemap(Sitemap):
    """A sitemap whose addresses start with SITE_URL.

    The sites framework (installed for django.contrib.redirects) would otherwise name its
    default domain, example.com, in every address.
    """

    def get_urls(self, page=1, site=None, protocol=None):
        public = urlsplit(settings.SITE_URL)
        site = SimpleNamespace(domain=public.netloc)
        return super().get_urls(page=page, site=site, protocol=public.scheme)


class StaticViewSitemap(SiteURLSitemap):
    changefreq = "monthly"

    def items(self):
        """Return the site's fixed pages, and those of the clinic's own pages that exist."""
        shown = shown_pages(ClinicProfile.objects.load())
        optional = {
            "pages:team": shown.team,
            "pages:visit": shown.visit,
            "pages:costs": shown.costs,
        }
        clinic_pages = [name for name, exists in optional.items() if exists]
        return [
            "pages:home",
            "pages:article_list",
            "pages:conditions",
            "pages:what_to_expect",
            *clinic_pages,
            "bookings:consultation",
            "pages:privacy",
        ]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(SiteURLSitemap):
    changefreq = "monthly"

    def items(self):
        """Return the published articles, except any whose main copy lives elsewhere."""
        return Article.objects.published().filter(canonical_url="").only("slug", "updated")

    def lastmod(self, article):
        return article.updated


sitemaps = {"static": StaticViewSitemap, "articles": ArticleSitemap}
