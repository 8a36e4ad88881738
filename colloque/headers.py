from django.conf import settings
from django.utils.csp import CSP


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy: the browser features in PERMISSIONS_POLICY are refused to every
    page and every frame (Django has no setting for this header)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def allow_inline_styles(response):
    """The page's Content-Security-Policy, with inline styles allowed: for the staff page that
    previews an e-mail in a frame (a `srcdoc` frame inherits the page's policy, and e-mails
    carry their styles inline for mail clients). Scripts stay refused."""
    if settings.SECURE_CSP:
        # what django.views.decorators.csp.csp_override sets, chosen here at response time
        response._csp_config = {**settings.SECURE_CSP,
                                "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
    return response
