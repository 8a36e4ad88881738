from django.db import InterfaceError, OperationalError
from django.http import Http404

from .views import database_unavailable, page_not_found


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (PostgreSQL restarting, a failover), a page answers
    503 with Retry-After and the site's own page, not 500: nothing was recorded, and the
    person, the load balancer and crawlers are told to come back. Errors raised before the
    view (another middleware) reach `views.server_error`, which answers the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable(request, exception)
        return None


class MalformedRequestMiddleware:
    """A NUL byte in the path or in a query parameter is never in a link this site gives:
    answer the site's own 404 before any view runs. PostgreSQL refuses NUL in text, so such
    a value reaching a query (`?atelier=%00`, the welcome desk's `code`, a search in the
    admin) would answer 500; no view has to think about it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return page_not_found(request, Http404())
        return self.get_response(request)
