"""`{% kept_include %}`: the site's header, footer and crisis line, kept per content version."""

from django import template

from clinic_site.cache import has_content_version, kept

register = template.Library()


@register.simple_tag(takes_context=True)
def kept_include(context, template_name: str):
    """Include a part of the site's frame, reusing its rendering while content is unchanged.

    For templates that show only the clinic profile and links, marked as the current page by
    the view's name: nothing about the visitor (no user, form, message or token). Rendering
    the frame cost a fifth of a search page's CPU time. Where the request has not read the
    content version (the error pages, which must render with the database down), it is simply
    included.
    """

    def render():
        return context.template.engine.get_template(template_name).render(context)

    request = context.get("request")
    if not has_content_version(request):
        return render()
    view_name = getattr(request.resolver_match, "view_name", "")
    return kept(request, f"frame:{template_name}:{view_name}", render)
