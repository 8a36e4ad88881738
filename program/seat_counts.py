"""The seats the programme pages show, counted by the app that sells them.

What holds a seat is the registrations app's rule (`registrations/seats.py`). The programme
does not import it: the registrations app gives its two counters here at start-up
(`registrations.apps.RegistrationsConfig.ready` calls `count_seats_with`), so the dependency
goes one way, registrations → program.
"""

_counters = {}


def count_seats_with(*, workshop_seats_taken, event_seats_left) -> None:
    """`workshop_seats_taken()`: an expression counting a Session's seats taken (annotates a
    Session queryset); `event_seats_left(event)`: the seats left in the plenary room."""
    _counters.update(workshop_seats_taken=workshop_seats_taken,
                     event_seats_left=event_seats_left)


def workshop_seats_taken():
    return _counters["workshop_seats_taken"]()


def event_seats_left(event) -> int:
    return _counters["event_seats_left"](event)
