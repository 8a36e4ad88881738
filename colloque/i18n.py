"""Django's LocaleMiddleware, without a `Vary: Accept-Language` that is not true here.

With `i18n_patterns(..., prefix_default_language=False)` (colloque/urls.py) Django chooses the
language from the URL alone: `/en/…` is English, every other path is French whatever the
browser asks (LocaleMiddleware.process_request). Its process_response still adds
`Vary: Accept-Language` to every unprefixed response, which would make a front proxy keep one
copy of each public page per browser language for the same bytes. This subclass leaves the
header out when the language cannot have come from the request's headers.
"""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware import locale
from django.utils.cache import has_vary_header
from django.utils.http import split_header_value


class LocaleMiddleware(locale.LocaleMiddleware):
    def process_response(self, request, response):
        view_varies = has_vary_header(response, "Accept-Language")
        response = super().process_response(request, response)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        used, prefixed_default = is_language_prefix_patterns_used(urlconf)
        if used and not prefixed_default and not view_varies and response.has_header("Vary"):
            kept = [header for header in split_header_value(response["Vary"])
                    if header.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
