import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4",
                 "blockquote", "abbr", "code"}


@register.filter
def markdown(text: str) -> str:
    """Staff-written Markdown rendered to HTML, then sanitised (no scripts, no styles)."""
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="noopener"))
