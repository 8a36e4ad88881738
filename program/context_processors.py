from .models import Event


def current_event(request):
    """The edition shown by the public pages, read once per request and only when used."""
    cache = {}

    def get():
        if "event" not in cache:
            cache["event"] = Event.objects.current()
        return cache["event"]

    return {"current_event": get}
