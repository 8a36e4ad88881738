from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.views.decorators.cache import never_cache


def staff_permission_required(perm: str):
    """Staff pages outside the admin: anonymous and non-staff visitors go to the admin login;
    staff without `perm` get 403. Never cached."""

    def decorator(view):
        return staff_member_required(
            never_cache(permission_required(perm, raise_exception=True)(view)))

    return decorator
