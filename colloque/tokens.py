"""What registrations and press requests share about their links and codes: tokens are stored
as digests (`hash_token`), and the welcome desk's link opens a ticket's or a badge's code
(`desk_url`). Here, so that press needs nothing from registrations."""

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def hash_token(token: str) -> str:
    """Tokens are stored as SHA-256 digests: a database leak exposes no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


def desk_url(code: str) -> str:
    """The welcome desk's absolute address opening `code` (a ticket's or a badge's code).

    Always the French page: staff work in French, and the link must not depend on the
    language of the e-mail it was sent in. The colons of the code are left as they are
    (allowed in a query), which keeps the QR code small.
    """
    with translation.override("fr"):
        path = reverse("registrations:checkin")
    return f"{settings.SITE_URL}{path}?code={quote(code, safe=':')}"
