"""Reads behind the article pages: a few queries each, whatever the number of articles."""

import datetime

from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone

from .models import Article, ArticleOldSlug, Status, Topic

# What a list of articles shows: the live version's title and summary, never the draft's.
LIST_FIELDS = ("slug", "topic", "order", "publish_at", "updated", "live__title", "live__summary")
RELATED_COUNT = 3


def article_for_page(queryset, slug: str) -> Article | None:
    """Return the article with its live version and that version's approval; None if none."""
    return (
        queryset.select_related("live__approval__clinician")
        .prefetch_related("faqs")
        .filter(slug=slug)
        .first()
    )


def related_articles(article: Article) -> list[Article]:
    """Return up to three published articles: those staff chose first, then the same topic."""
    chosen = Article.related.through.objects.filter(
        from_article=article.pk, to_article=OuterRef("pk")
    )
    return list(
        Article.objects.published()
        .exclude(pk=article.pk)
        .annotate(chosen=Exists(chosen))
        .filter(Q(chosen=True) | Q(topic=article.topic))
        .select_related("live")
        .only(*LIST_FIELDS)
        .order_by("-chosen", "order", "live__title")[:RELATED_COUNT]
    )


def redirect_target(slug: str) -> Article | None:
    """Return the published article that used to live at this slug, if any."""
    old = (
        ArticleOldSlug.objects.filter(slug=slug, article__in=Article.objects.published())
        .select_related("article")
        .first()
    )
    return old.article if old else None


def articles_by_topic(topic: str | None = None) -> list[tuple[str, list[Article]]]:
    """Return (topic label, articles) pairs in the site's topic order, empty topics left out."""
    queryset = Article.objects.published().select_related("live").only(*LIST_FIELDS)
    if topic:
        queryset = queryset.filter(topic=topic)
    grouped: dict[str, list[Article]] = {value: [] for value in Topic.values}
    for article in queryset.order_by("order", "live__title"):
        grouped[article.topic].append(article)
    return [(Topic(value).label, items) for value, items in grouped.items() if items]


def featured_articles(per_topic: int = 1) -> list[Article]:
    """Return the first article of each topic, for the home page."""
    return [article for _, items in articles_by_topic() for article in items[:per_topic]]


def next_scheduled_publish() -> datetime.datetime | None:
    """Return when the next article published ahead of time goes live, or None."""
    upcoming = Article.objects.filter(
        status=Status.PUBLISHED, publish_at__gt=timezone.now(), live__isnull=False
    )
    return upcoming.aggregate(next=Min("publish_at"))["next"]
