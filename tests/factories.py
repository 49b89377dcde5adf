"""Small helpers that make test data: `make_<thing>(**overrides)`."""

from django.contrib.auth import get_user_model


def make_user(*, username="staff", password="correct horse battery", **overrides):
    """Create a user with a usable password; pass is_staff/is_superuser/groups as needed."""
    groups = overrides.pop("groups", [])
    user = get_user_model().objects.create_user(username=username, password=password, **overrides)
    user.groups.set(groups)
    return user


def make_clinician(**overrides):
    """Create a clinician who can sign off articles."""
    from pages.models import Clinician

    fields = {"name": "Dana Reviewer", "credentials": "MD", "role": "Medical director"}
    return Clinician.objects.create(**{**fields, **overrides})


def make_article(*, faqs=(), **overrides):
    """Create a published article (publish date a minute ago); pass status/publish_at to vary."""
    import datetime

    from django.utils import timezone

    from pages.models import Article, ArticleFAQ, Status

    fields = {
        "title": "Test article",
        "slug": "test-article",
        "topic": "about",
        "summary": "A short summary for the list.",
        "body": "## First part\n\nSome words here.\n\n## Second part\n\nMore words here.\n",
        "status": Status.PUBLISHED,
        "publish_at": timezone.now() - datetime.timedelta(minutes=1),
    }
    article = Article.objects.create(**{**fields, **overrides})
    for index, (question, answer) in enumerate(faqs):
        ArticleFAQ.objects.create(article=article, question=question, answer=answer, order=index)
    return article
