"""The outside reviewer's page: one article's draft, reached only through a review link.

No login: the link's secret (`?key=…`) is the only way in, and it opens nothing but that
article's draft and the decision form. The site's Referrer-Policy (same-origin) keeps the
address, and so the key, from any other site the draft links to. Opening it changes nothing
but the audit trail (mail scanners open links); the decision is a POST after the reviewer
confirms who they are.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import LinkDecisionForm
from .models import ReviewLinkVisit
from .review import SignOffRefused
from .review_links import decide_by_link, find_link, record_visit
from .views import draft_preview


@never_cache
@require_http_methods(["GET", "POST"])
def review(request):
    """Show the draft with the decision form (GET), or record the decision (POST)."""
    key = request.POST.get("key") if request.method == "POST" else request.GET.get("key")
    link = find_link(key or "")
    if link is None or link.state != "open":
        return _not_working(request, link)
    if request.method != "POST":
        record_visit(link, ReviewLinkVisit.Action.VIEWED)
        article = link.article
        form = LinkDecisionForm(
            link=link, initial={"key": key, "fingerprint": article.draft_fingerprint()}
        )
        return _draft_page(request, link, form)
    form = LinkDecisionForm(request.POST, link=link)
    if form.is_valid():
        try:
            decision = decide_by_link(
                link=link,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except SignOffRefused as refusal:
            form = LinkDecisionForm(
                link=link, initial={"key": key, "fingerprint": link.article.draft_fingerprint()}
            )
            return _draft_page(request, link, form, refusal=str(refusal))
        return _robots_none(render(request, "pages/review_done.html", {"decision": decision}))
    return _draft_page(request, link, form)


def _draft_page(request, link, form, refusal=""):
    response = draft_preview(
        request,
        link.article,
        template="pages/review.html",
        link=link,
        form=form,
        refusal=refusal,
    )
    return _robots_none(response)


def _not_working(request, link):
    if link is not None:
        record_visit(link, ReviewLinkVisit.Action.REFUSED)
    response = render(request, "pages/review_closed.html", {"link": link}, status=404)
    return _robots_none(response)


def _robots_none(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
