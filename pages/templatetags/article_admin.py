"""Admin-only template tags: the articles' clinical review summary on the admin index."""

from django import template
from django.urls import reverse

from pages.models import Article, ReviewState

register = template.Library()


@register.inclusion_tag("admin/pages/review_summary.html", takes_context=True)
def article_review_summary(context):
    """Count the published articles that have no clinical review or are overdue for one."""
    request = context["request"]
    if not request.user.has_perm("pages.view_article"):
        return {"show": False}
    published = Article.objects.published()
    changelist = reverse("admin:pages_article_changelist")
    counts = [
        (
            state.label,
            published.in_review_state(state).count(),
            f"{changelist}?status=published&review={state.value}",
        )
        for state in (ReviewState.NOT_REVIEWED, ReviewState.OVERDUE)
    ]
    return {"show": True, "counts": counts}
