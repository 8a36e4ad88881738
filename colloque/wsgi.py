"""The WSGI application gunicorn serves (Procfile: `colloque.wsgi`).

An anonymous GET of a public page kept a few seconds ago (program/cache.py) is answered here,
before Django builds its request and runs its middleware: the stored answer carries every
header the whole stack gave it the first time. Anything else, or any trouble reading the
cache, goes to Django as usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colloque.settings.production")

django_application = get_wsgi_application()

from program.cache import stored_page  # noqa: E402 - needs the settings loaded above


def application(environ, start_response):
    try:
        stored = stored_page(environ)
    except Exception:  # noqa: BLE001 - the cache unreachable: Django answers (and reports it)
        stored = None
    if stored is None:
        return django_application(environ, start_response)
    content, headers = stored
    start_response("200 OK", list(headers.items()))
    return [content]
