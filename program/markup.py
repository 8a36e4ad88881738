"""Staff-written Markdown, rendered to sanitised HTML once, when staff save it.

Pages read the stored HTML (`<field>_html`, one column per language), so a page view runs no
Markdown: rendering was 19 % of an uncached programme page (issue 13).
"""

import html as html_entities
import threading

import markdown
import nh3
from django.db import models
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4",
                "blockquote", "abbr", "code", "table", "thead", "tbody", "tr", "th", "td"}

# A Markdown instance is reusable (reset() between documents) but not thread-safe: one per
# thread, built once, instead of one per call.
_renderers = threading.local()


def render(text: str | None) -> SafeString:
    """Markdown → HTML, then sanitised by nh3 (no scripts, no styles, rel=noopener links)."""
    renderer = getattr(_renderers, "markdown", None)
    if renderer is None:
        renderer = _renderers.markdown = markdown.Markdown(
            extensions=["sane_lists", "tables"], output_format="html"
        )
    html = renderer.reset().convert(text or "")
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener"))


def excerpt(html: str, words: int = 30) -> SafeString:
    """The first `words` words of sanitised HTML, its tags closed (as `truncatewords_html`)."""
    return mark_safe(Truncator(html).words(words, html=True, truncate=" …"))


def as_text(html: str) -> str:
    """Stored HTML as plain text (meta descriptions, JSON-LD, calendar files); not marked
    safe, so templates escape it again."""
    return " ".join(html_entities.unescape(strip_tags(html or "")).split())


class RenderedHTMLField(models.TextField):
    """HTML made from a Markdown field by `MarkdownFieldsMixin`; read back as safe HTML,
    since it was sanitised before it was stored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return value if value is None else mark_safe(value)


class MarkdownFieldsMixin:
    """Fills each `RenderedHTMLField` from its Markdown source on save(), in each language.

    `rendered_fields` maps a stored field to (its Markdown source, a function of the
    rendered HTML or None): `{"description_html": ("description", None),
    "excerpt_html": ("description", excerpt)}`. Writes that bypass save() (`update()`,
    `bulk_create()`) leave the stored HTML as it was: use save() for formatted texts.
    """

    rendered_fields: dict = {}

    def render_markdown_fields(self) -> list[str]:
        """Render every stored HTML field; returns the names of the columns written."""
        from django.conf import settings

        written = []
        for target, (source, then) in self.rendered_fields.items():
            for code, _name in settings.LANGUAGES:
                html = render(getattr(self, f"{source}_{code}"))
                setattr(self, f"{target}_{code}", then(html) if then else html)
                written.append(f"{target}_{code}")
        return written

    def save(self, *args, update_fields=None, **kwargs):
        written = self.render_markdown_fields()
        if update_fields is not None:
            sources = {source for source, _then in self.rendered_fields.values()}
            if any(field.rsplit("_", 1)[0] in sources or field in sources
                   for field in update_fields):
                update_fields = [*update_fields, *written]
        super().save(*args, update_fields=update_fields, **kwargs)
