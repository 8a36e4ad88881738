"""A staff login lasts a working day (SESSION_HOURS), counted from the login."""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def end_after_a_working_day(sender, request, user, **kwargs) -> None:
    """user_logged_in: the session ends SESSION_COOKIE_AGE after the login, whatever writes to
    it later (a password change, a message), instead of counting from its last save."""
    request.session.set_expiry(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
