from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article


class StaticViewSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return [
            "pages:home",
            "pages:article_list",
            "pages:conditions",
            "pages:what_to_expect",
            "bookings:consultation",
            "pages:privacy",
        ]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        """Return the published articles, except any whose main copy lives elsewhere."""
        return Article.objects.published().filter(canonical_url="").only("slug", "updated")

    def lastmod(self, article):
        return article.updated


sitemaps = {"static": StaticViewSitemap, "articles": ArticleSitemap}
