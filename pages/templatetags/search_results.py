"""`{% search_results %}`: the list of search results, written out in Python."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

# One result. The title, summary and address are escaped; the snippet is already safe HTML
# (escaped text with the visitor's words in <mark>, see pages.search.snippet).
RESULT_HTML = (
    '<li class="result">\n'
    '  <h2 class="result__title"><a href="{}">{}</a></h2>\n'
    '  <p class="result__summary">{}</p>\n'
    "{}"
    "</li>\n"
)
SNIPPET_HTML = '  <p class="result__snippet">{}</p>\n'


@register.simple_tag
def search_results(results):
    """Return the page's results as an ordered list.

    Not a `{% for %}` loop in the template: with ten results its variable look-ups cost about
    a quarter of a search page's CPU time, and search pages are rarely served from the page
    cache (each query is its own page).
    """
    items = format_html_join(
        "",
        RESULT_HTML,
        (
            (
                result.get_absolute_url(),
                result.title,
                result.summary,
                format_html(SNIPPET_HTML, result.snippet) if result.snippet else "",
            )
            for result in results
        ),
    )
    return format_html('<ol class="result-list">\n{}</ol>', items)
