import functools

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache


def staff_permission_required(perm: str):
    """Staff pages outside the admin: anonymous and non-staff visitors go to the admin login;
    staff without `perm` get 403. Never cached."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_member_required(never_cache(wrapped))

    return decorator
