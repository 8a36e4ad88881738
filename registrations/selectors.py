from django.db import models


def workshop_seats_taken() -> models.Expression:
    """Expression counting the seats held in a workshop (annotates a Session queryset)."""
    # Replaced when the Registration model lands: until then no seat is taken.
    return models.Value(0, output_field=models.IntegerField())


def event_seats_left(event) -> int:
    """Seats left in the plenary room for `event` (0 when full)."""
    # Replaced when the Registration model lands.
    return event.plenary_capacity
