"""Public views: home, articles, search, privacy notice, health check, robots.txt, errors."""

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from clinic_site.cache import cache_public_page, render_with_fills

from .articles import (
    article_for_page,
    articles_by_topic,
    featured_articles,
    redirect_target,
    related_articles,
)
from .models import Article, ClinicProfile, Topic
from .search import MAX_QUERY_LENGTH, clean_query, has_words, page_number, search_articles
from .structured_data import absolute, breadcrumbs, json_ld, medical_clinic, medical_web_page


@require_safe
@cache_public_page
def home(request):
    """Show the clinic's front page with an article or two from each topic."""
    clinic = ClinicProfile.objects.load()
    return render(
        request,
        "pages/home.html",
        {
            "featured": featured_articles(),
            "canonical": absolute(reverse("pages:home")),
            "clinic_json_ld": json_ld(medical_clinic(clinic)),
        },
    )


@require_safe
@cache_public_page
def privacy(request):
    return render(
        request, "pages/privacy.html", {"privacy_version": settings.PRIVACY_NOTICE_VERSION}
    )


@never_cache
@require_safe
def healthz(request):
    """Answer 200 only when the database answers: a load balancer's signal to send traffic."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    """Answer 200 only when both the database and the cache answer: ready for traffic."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        problems.append("database unavailable")
    try:
        cache.set("readyz", "ok", timeout=10)
        if cache.get("readyz") != "ok":
            problems.append("cache unavailable")
    except Exception:  # each cache backend raises its own errors (redis, database)
        problems.append("cache unavailable")
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /consultation/thanks/",
        "Sitemap: " + request.build_absolute_uri(reverse("pages:sitemap")),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the 500 page without context processors: the database may be what failed."""
    try:
        clinic = ClinicProfile.objects.load()
    except Exception:
        clinic = ClinicProfile()  # unsaved: the default name, phone and crisis numbers
    html = loader.get_template("500.html").render({"clinic": clinic, "request": request})
    return HttpResponse(html, status=500)


@require_safe
@cache_public_page
def learn(request):
    """List every published article, grouped by topic."""
    return render(request, "pages/learn.html", {"groups": articles_by_topic()})


@require_safe
@cache_public_page
def conditions(request):
    """List the conditions the clinic treats, each linking to its article."""
    groups = articles_by_topic(Topic.CONDITIONS)
    articles = groups[0][1] if groups else []
    return render(request, "pages/conditions.html", {"articles": articles})


@require_safe
@cache_public_page
def what_to_expect(request):
    """List the articles about a visit, in the order a patient meets them."""
    groups = articles_by_topic(Topic.WHAT_TO_EXPECT)
    articles = groups[0][1] if groups else []
    return render(request, "pages/what_to_expect.html", {"articles": articles})


@require_safe
@cache_public_page
def article_detail(request, slug):
    """Show a published article; staff may also preview drafts; old addresses redirect."""
    article = article_for_page(Article.objects.published(), slug)
    if article is not None:
        return _render_article(request, article)
    moved = redirect_target(slug)
    if moved is not None:
        return HttpResponsePermanentRedirect(moved.get_absolute_url())
    if request.user.is_staff and request.user.has_perm("pages.view_article"):
        article = article_for_page(Article.objects.all(), slug)
        if article is not None:
            response = _render_article(request, article, preview=True)
            patch_cache_control(response, private=True, no_store=True)
            response["X-Robots-Tag"] = "noindex"
            return response
    raise Http404("No such article")


def _render_article(request, article, preview=False):
    clinic = ClinicProfile.objects.load()
    canonical = article.canonical_url or absolute(article.get_absolute_url())
    trail = [
        ("Home", reverse("pages:home")),
        ("Learn", reverse("pages:article_list")),
        (article.title, article.get_absolute_url()),
    ]
    context = {
        "article": article,
        "preview": preview,
        "canonical": canonical,
        "image_url": absolute(article.hero_image.url) if article.hero_image else "",
        "related": related_articles(article),
        "trail": trail,
        "json_ld": [
            json_ld(medical_web_page(article, clinic, canonical)),
            json_ld(breadcrumbs(trail)),
        ],
    }
    return render(request, "pages/article_detail.html", context)


# Placeholders in the kept frame of the search page (see render_with_fills).
SEARCH_TITLE = "search-title-placeholder-5e0a"
SEARCH_WORDS = "search-words-placeholder-5e0a"
SEARCH_RESULTS = "search-results-placeholder-5e0a"


@require_safe
@cache_public_page(query_params=("q", "page"))
def search(request):
    """Search the published articles, ten results a page; any input gives a helpful page.

    Each new search renders only its results: the rest of the page (header, form, footer) is
    the same for every search and is kept, with the title and words filled in.
    """
    query = clean_query(request.GET.get("q"))
    found = search_articles(query, page_number(request.GET.get("page"))) if query else None
    results = render_to_string(
        "pages/includes/search_results.html",
        {
            "query": query,
            "found": found,
            "results": found.articles if found else [],
            "symbols_only": bool(query) and not has_words(query),
            "too_long": len(request.GET.get("q", "")) > MAX_QUERY_LENGTH,
        },
    )
    title = f"Search results for “{query}”" if query else "Search the articles"
    return render_with_fills(
        request,
        "pages/search.html",
        lambda: {"page_title": SEARCH_TITLE, "query": SEARCH_WORDS, "results": SEARCH_RESULTS},
        fills={SEARCH_TITLE: escape(title), SEARCH_WORDS: escape(query), SEARCH_RESULTS: results},
        shared_key="search",
    )
