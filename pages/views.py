"""Public views: home, articles, topic pages, search, privacy notice, robots.txt, and the
clinic's own pages (Our team, Visit us, Costs)."""

import functools

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from clinic_site.crisis import mentions_crisis

from .articles import (
    article_for_page,
    articles_by_topic,
    featured_articles,
    next_scheduled_publish,
    redirect_target,
    related_articles,
)
from .clinic_pages import (
    costs_body,
    has_costs_page,
    has_visit_page,
    map_links,
    team_members,
)
from .models import Article, ClinicProfile, Topic
from .review import draft_version, sign_off
from .search import MAX_QUERY_LENGTH, clean_query, has_words, results_page
from .structured_data import absolute, breadcrumbs, json_ld, medical_clinic, medical_web_page


def public_page(view):
    """Mark a page that is the same for every visitor, so the page cache may keep it.

    The page cache (settings.MIDDLEWARE) keeps it, and browsers may reuse it, for
    CACHE_MIDDLEWARE_SECONDS, and no longer than until the next scheduled article goes live, so
    that article appears on time without anyone saving anything. A staff edit empties the page
    cache at once (clinic_site/page_cache.py).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, max_age=_seconds_until_content_changes())
        return response

    return require_safe(wrapper)


def _seconds_until_content_changes() -> int:
    """Return how long a page may be kept: the cache's limit, or less if an article is due."""
    seconds = settings.CACHE_MIDDLEWARE_SECONDS
    due = next_scheduled_publish()
    if due is not None:
        seconds = min(seconds, int((due - timezone.now()).total_seconds()))
    return max(seconds, 0)


@public_page
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


@public_page
def privacy(request):
    return render(
        request, "pages/privacy.html", {"privacy_version": settings.PRIVACY_NOTICE_VERSION}
    )


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


@public_page
def learn(request):
    """List every published article, grouped by topic."""
    return render(request, "pages/learn.html", {"groups": articles_by_topic()})


@public_page
def conditions(request):
    """List the conditions the clinic treats, each linking to its article."""
    groups = articles_by_topic(Topic.CONDITIONS)
    articles = groups[0][1] if groups else []
    return render(request, "pages/conditions.html", {"articles": articles})


@public_page
def what_to_expect(request):
    """List the articles about a visit, in the order a patient meets them."""
    groups = articles_by_topic(Topic.WHAT_TO_EXPECT)
    articles = groups[0][1] if groups else []
    return render(request, "pages/what_to_expect.html", {"articles": articles})


@public_page
def article_detail(request, slug):
    """Show an article's live version; staff may preview unpublished drafts; old addresses move."""
    article = article_for_page(Article.objects.published(), slug)
    if article is not None:
        return _render_article(request, article, article.live)
    moved = redirect_target(slug)
    if moved is not None:
        return HttpResponsePermanentRedirect(moved.get_absolute_url())
    if _may_preview_drafts(request.user):
        article = article_for_page(Article.objects.all(), slug)
        if article is not None:
            return draft_preview(request, article)
    raise Http404("No such article")


def draft_preview(request, article, template="pages/article_detail.html", **extra):
    """Return the article's draft shown exactly as the public page would show it, never kept."""
    version = draft_version(article)
    version.approval = sign_off(article).approval
    response = _render_article(request, article, version, preview=True, template=template, **extra)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def _may_preview_drafts(user) -> bool:
    """Return whether this user may see drafts: staff who passed both sign-in steps."""
    return user.is_staff and user.is_verified() and user.has_perm("pages.view_article")


def _render_article(
    request, article, version, preview=False, template="pages/article_detail.html", **extra
):
    """Render one version of the article (live, or the draft) in the public page's layout."""
    clinic = ClinicProfile.objects.load()
    canonical = article.canonical_url or absolute(article.get_absolute_url())
    trail = [
        ("Home", reverse("pages:home")),
        ("Learn", reverse("pages:article_list")),
        (version.title, article.get_absolute_url()),
    ]
    context = {
        "article": article,
        "version": version,
        # An article that speaks of suicide or crisis shows the crisis lines near its top.
        "speaks_of_crisis": mentions_crisis(version.body_html),
        "preview": preview,
        "canonical": canonical,
        "image_url": absolute(article.hero_image.url) if article.hero_image else "",
        "related": related_articles(article),
        "trail": trail,
        "json_ld": [
            json_ld(medical_web_page(article, version, clinic, canonical)),
            json_ld(breadcrumbs(trail)),
        ],
        **extra,
    }
    return render(request, template, context)


@require_safe
@never_cache  # what a patient searches for is kept in no cache, on the server or in the browser
def search(request):
    """Search the published articles, ten results a page; any input gives a helpful page."""
    raw = request.GET.get("q", "")
    query = clean_query(raw)
    context = {
        "query": query,
        "symbols_only": bool(query) and not has_words(query),
        "too_long": len(raw) > MAX_QUERY_LENGTH,
        "page": results_page(query, request.GET.get("page")) if has_words(query) else None,
        # Someone searching "i want to die" is shown the crisis lines before any article.
        "crisis": mentions_crisis(query),
    }
    return render(request, "pages/search.html", context)


# The clinic's own pages -------------------------------------------------------------------------
# Each answers 404 until staff have entered what it shows (pages/clinic_pages.py).


@public_page
def team(request):
    """Show the clinicians staff marked for "Our team"; no page while there are none."""
    members = team_members()
    if not members:
        raise Http404("No clinician is shown on the team page")
    return render(
        request,
        "pages/team.html",
        {"members": members, "has_samples": any(member.is_sample for member in members)},
    )


@public_page
def visit(request):
    """Show how to find the clinic: address, map links, hours, parking and transit."""
    clinic = ClinicProfile.objects.load()
    if not has_visit_page(clinic):
        raise Http404("The clinic's address has not been entered")
    return render(request, "pages/visit.html", {"map_links": map_links(clinic)})


@public_page
def costs(request):
    """Show the clinic's own costs page, written in Markdown; no page while it is empty."""
    clinic = ClinicProfile.objects.load()
    if not has_costs_page(clinic):
        raise Http404("The costs page has not been written")
    return render(request, "pages/costs.html", {"body": costs_body(clinic)})
