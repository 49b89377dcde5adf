"""The starter library: original articles stored as Markdown files in pages/starter_content/.

Each file starts with a small front matter block (`key: value` lines between `---` lines):
title, slug, topic, order, summary and optionally related (comma-separated slugs). After the
body, an optional `=== questions ===` line starts question-and-answer pairs written as
`Q: …` and `A: …` lines.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import Article, ArticleFAQ, ArticleOldSlug, Clinician, Topic
from .review import publish_unreviewed

CONTENT_DIR = Path(__file__).resolve().parent / "starter_content"
QUESTIONS_MARKER = "=== questions ==="


@dataclass
class StarterArticle:
    title: str
    slug: str
    topic: str
    order: int
    summary: str
    body: str
    related: list[str] = field(default_factory=list)
    faqs: list[tuple[str, str]] = field(default_factory=list)


def _parse_faqs(text: str) -> list[tuple[str, str]]:
    faqs, question = [], None
    for line in text.strip().splitlines():
        if line.startswith("Q:"):
            question = line[2:].strip()
        elif line.startswith("A:") and question:
            faqs.append((question, line[2:].strip()))
            question = None
    return faqs


def parse(text: str) -> StarterArticle:
    """Return the article described by one starter file's text."""
    _, front, rest = text.split("---\n", 2)
    meta = dict(line.split(":", 1) for line in front.strip().splitlines())
    meta = {key.strip(): value.strip() for key, value in meta.items()}
    body, _, questions = rest.partition(QUESTIONS_MARKER)
    return StarterArticle(
        title=meta["title"],
        slug=meta["slug"],
        topic=Topic(meta["topic"]),
        order=int(meta.get("order", 100)),
        summary=meta["summary"],
        body=body.strip() + "\n",
        related=[slug.strip() for slug in meta.get("related", "").split(",") if slug.strip()],
        faqs=_parse_faqs(questions),
    )


def starter_articles() -> list[StarterArticle]:
    """Return every starter article, in file name order."""
    return [parse(path.read_text(encoding="utf-8")) for path in sorted(CONTENT_DIR.glob("*.md"))]


def missing(articles: list[StarterArticle]) -> list[StarterArticle]:
    """Return the starter articles with no article at their slug, now or formerly."""
    slugs = [item.slug for item in articles]
    taken = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    taken |= set(ArticleOldSlug.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return [item for item in articles if item.slug not in taken]


@transaction.atomic
def create_articles(articles: list[StarterArticle], *, publish: bool = False) -> list[Article]:
    """Create the given starter articles, with their questions and links.

    They are drafts awaiting a clinician's review, unless `publish` (the local demo): then they
    go live unreviewed, and each page says "Not yet reviewed by a clinician".
    """
    now = timezone.now()
    created = []
    for item in articles:
        article = Article.objects.create(
            title=item.title,
            slug=item.slug,
            topic=item.topic,
            order=item.order,
            summary=item.summary,
            body=item.body,
            publish_at=now,
        )
        ArticleFAQ.objects.bulk_create(
            ArticleFAQ(article=article, question=q, answer=a, order=index)
            for index, (q, a) in enumerate(item.faqs)
        )
        if publish:
            publish_unreviewed(article)
        created.append((article, item.related))
    for article, related in created:
        article.related.set(Article.objects.filter(slug__in=related))
    return [article for article, _ in created]


@transaction.atomic
def create_sample_team(team: list[dict]) -> list[Clinician]:
    """Create the demo clinic's sample clinicians, unless the clinic has entered any clinician.

    Each is marked `is_sample`, so the team page labels it "Sample". Created one by one (not in
    bulk) so that the page cache hears of them.
    """
    if Clinician.objects.exists():
        return []
    return [Clinician.objects.create(is_sample=True, **fields) for fields in team]
