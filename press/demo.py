"""Demo press settings for the colloquium of the invitation (called by `load_demo`)."""

import datetime as dt

from program.models import Event

from .models import (
    DEFAULT_CONTACT_EMAIL,
    DEFAULT_CONTACT_NAME,
    DEFAULT_CONTACT_PHONE,
    DEFAULT_ENTRANCE,
    DEFAULT_PERSONALITY,
    PressInfo,
)


def load_press_demo(event: Event) -> PressInfo:
    """The press settings of `event`, created with the invitation's texts if missing; existing
    settings are returned untouched (staff may have edited them)."""
    info, _ = PressInfo.objects.get_or_create(
        event=event,
        defaults={
            "personality_fr": DEFAULT_PERSONALITY,
            "personality_en": "Patrick Bloche, Deputy Mayor of Paris for education, early "
                              "childhood, families, and the organisation and running of the "
                              "Council of Paris",
            "contact_name": DEFAULT_CONTACT_NAME,
            "contact_phone": DEFAULT_CONTACT_PHONE,
            "contact_email": DEFAULT_CONTACT_EMAIL,
            "arrival_time": dt.time(8, 30),
            "entrance_fr": DEFAULT_ENTRANCE,
            "entrance_en": "Press entrance, 5 rue de Lobau, 75004 Paris",
            "instructions_fr": "Installation des caméras en fond de salle plénière avant 9h00, "
                               "heure d'arrivée du public. "
                               "Pas de stationnement réservé : venez en transports en commun "
                               "(métro Hôtel de Ville).",
            "instructions_en": "Cameras set up at the back of the plenary room before 9:00, "
                               "when the public arrives. "
                               "No reserved parking: please come by public transport "
                               "(metro Hôtel de Ville).",
        },
    )
    return info
