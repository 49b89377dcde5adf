"""`{% search_results %}`: the list of search results, written out in Python."""

from html import escape  # Django's escape, without its lazy-string handling (text only here)

from django import template
from django.utils.safestring import SafeString

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

    Not a `{% for %}` loop in the template, nor `format_html`: with ten results their variable
    look-ups and lazy-string checks cost about a quarter of a search page's CPU time, and
    search pages are rarely served from the page cache (each query is its own page).
    """
    items = "".join(
        RESULT_HTML.format(
            escape(result.get_absolute_url()),
            escape(result.title),
            escape(result.summary),
            SNIPPET_HTML.format(result.snippet) if result.snippet else "",
        )
        for result in results
    )
    return SafeString(f'<ol class="result-list">\n{items}</ol>')
