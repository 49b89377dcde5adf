from django.contrib.sitemaps import Sitemap
from django.urls import reverse


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


sitemaps = {"static": StaticViewSitemap}
