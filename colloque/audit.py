"""Record what staff do with personal data (exports, resends, downloads, decisions)."""

from django.contrib.auth.models import AnonymousUser

from .models import StaffAction

Kind = StaffAction.Kind


def record(*, user, kind: str, description: str, count: int | None = None) -> StaffAction:
    """One line of the staff journal: `user` did `kind` (a `StaffAction.Kind`), `description`
    says on what in words (references, never names or addresses), `count` how many."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        user = None
    return StaffAction.objects.create(
        user=user, username=user.get_username() if user else "", kind=kind,
        description=str(description)[:300], count=count,
    )
