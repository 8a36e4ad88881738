from django.db import InterfaceError, OperationalError

from .views import database_unavailable


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
