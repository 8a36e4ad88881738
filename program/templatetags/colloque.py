import datetime as dt
import html
import json
import re

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from program import cache
from program.markup import render

register = template.Library()

# As django.utils.html.json_script: nothing in the JSON can close or open an HTML element.
# Three str.replace calls: str.translate with a dict costs ~12 ms on the home page's JSON-LD.
_JSON_SCRIPT_ESCAPES = ((">", "\\u003E"), ("<", "\\u003C"), ("&", "\\u0026"))


@register.filter
def markdown(text: str) -> str:
    """Staff-written Markdown rendered to HTML, then sanitised (no scripts, no styles). Pages
    read the HTML stored at save (`<field>_html`); this is for previews."""
    return render(text)


@register.filter
def json_ld(data: dict) -> str:
    """`data` as a `<script type="application/ld+json">` block.

    Same escaping as Django's `json_script` (<, > and & as \\u escapes), so a title
    containing `</script>` cannot close the element.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escape in _JSON_SCRIPT_ESCAPES:
        payload = payload.replace(character, escape)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.filter
def hm(value: dt.datetime | dt.time) -> str:
    """A time, the same way on every page: « 9h30 », « 14h00 » in French, « 9:30 », « 14:00 »
    (24-hour) in other languages. Aware datetimes are shown in Europe/Paris."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    if not value:
        return ""
    separator = "h" if (translation.get_language() or "fr").startswith("fr") else ":"
    return f"{value.hour}{separator}{value.minute:02d}"


@register.filter
def plain(text: str) -> str:
    """Staff-written Markdown as plain text (meta descriptions, calendar files); not marked
    safe, so templates escape it again."""
    return html.unescape(strip_tags(render(text))).strip()


@register.filter
def long_datetime(value: dt.datetime) -> str:
    """« mercredi 15 mai 2030 à 12h00 » in French, “Wednesday 15 May 2030 at 12:00” in English."""
    if not value:
        return ""
    from django.utils.dateformat import format as date_format
    from django.utils.translation import gettext

    local = timezone.localtime(value)
    return gettext("%(date)s à %(time)s") % {
        "date": date_format(local, "l j F Y"), "time": hm(local),
    }


@register.filter
def inner_quotes(value) -> str:
    """A title about to sit inside quotation marks: its own quotes become the inner kind, so
    that quotes never nest the same way (« Atelier 2 — “Tous Mobilisés” … » in French,
    “Workshop 2 — ‘Tous Mobilisés’ …” in English)."""
    text = str(value)
    if (translation.get_language() or "fr").startswith("fr"):
        return re.sub(r"\s*»", "”", re.sub(r"«\s*", "“", text))
    return text.replace("“", "‘").replace("”", "’").replace("«", "‘").replace("»", "’")


@register.simple_tag(takes_context=True)
def language_versions(context) -> dict:
    """This page in each language, for the language switcher and the hreflang links:
    `all` (each with `code`, `name`, `path` with the query string, absolute `url` without
    it), `current`, `others` and `default` (the site's first language, for x-default).

    A plain link rather than Django's POST form: public pages then need no CSRF token,
    so they set no cookie and can be cached (issue 13). A public page's links drop the query
    string (its cached copy is shared by every query, `program.cache`); other pages keep it
    (`?atelier=…` on the registration form) without the parameters that only follow a click."""
    request = context["request"]
    query = "" if getattr(request, "public_page", False) else cache.without_tracking(
        request.META.get("QUERY_STRING", ""))
    versions = []
    for code, name in settings.LANGUAGES:
        path = translate_url(request.path, code)
        versions.append({
            "code": code, "name": name, "url": settings.SITE_URL + path,
            "path": f"{path}?{query}" if query else path,
        })
    language = translation.get_language()
    current = next((v for v in versions if v["code"] == language), versions[0])
    return {"all": versions, "current": current, "default": versions[0],
            "others": [v for v in versions if v is not current]}


@register.filter
def absolute(path: str) -> str:
    """A site path as a full address on SITE_URL (Open Graph, JSON-LD)."""
    return settings.SITE_URL + path


class KeepNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist, self.key = nodelist, key

    def render(self, context):
        name, *values = (value.resolve(context) for value in self.key)
        return cache.kept_part(context.get("request"), name, tuple(values),
                               lambda: self.nodelist.render(context))


@register.tag
def keep(parser, token):
    """`{% keep "name" value … %}…{% endkeep %}`: the part of a public page drawn between the
    tags, kept between renders (`program.cache.kept_part`): for the current version of the
    public pages (any staff edit draws it again), the language and the values
    given (e.g. the seats left), which must name everything the part shows that can change
    without a staff edit. Whatever the part reads is read only when it is drawn; the sessions
    it lists come as fragments kept across edits (`program.views.Timetable`)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% keep %} needs a name")
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    return KeepNode(nodelist, [parser.compile_filter(bit) for bit in bits])
