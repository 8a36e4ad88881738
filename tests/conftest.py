import pytest
from django.core.cache import cache
from django.utils import translation

from program.demo import load_demo


@pytest.fixture(autouse=True)
def _isolation(settings):
    """Each test starts in French with an empty cache (rate limits, sessions)."""
    cache.clear()
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture
def demo_event(db):
    """The colloquium of the press invitation, as `make run` shows it."""
    return load_demo()


@pytest.fixture
def staff_client(client, django_user_model):
    """A logged-in superuser, for admin pages."""
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(user)
    return client
