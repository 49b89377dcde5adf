"""Admin-only template tags: the clinic's clinical review queue on the admin index."""

from django import template
from django.urls import reverse

from pages.models import Article, ReviewState
from pages.review import DraftState, review_queue

register = template.Library()


@register.inclusion_tag("admin/pages/review_summary.html", takes_context=True)
def article_review_summary(context):
    """Show the drafts waiting for a sign-off step, and the live articles not (or no longer)
    reviewed."""
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
    queue = [(DraftState.LABELS[state], articles) for state, articles in review_queue().items()]
    return {"show": True, "counts": counts, "queue": queue}
