from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import review_views, views
from .sitemaps import sitemaps

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("learn/", views.learn, name="article_list"),
    path("learn/search/", views.search, name="search"),
    path("learn/<slug:slug>/", views.article_detail, name="article_detail"),
    path("conditions/", views.conditions, name="conditions"),
    path("what-to-expect/", views.what_to_expect, name="what_to_expect"),
    path("privacy/", views.privacy, name="privacy"),
    path("review/", review_views.review, name="review"),
    path("team/", views.team, name="team"),
    path("visit/", views.visit, name="visit"),
    path("costs/", views.costs, name="costs"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
]
