"""The security desk's list of approved journalists: CSV, XLSX (colloque.exports) and a
printable page share these columns and rows."""

from django.utils.translation import gettext_lazy as _

from program.models import Event

COLUMNS = [
    _("Nom"), _("Prénom"), _("Média"), _("Type de média"), _("Fonction"),
    _("Matériel"), _("Taille de l'équipe"),
]


def rows(accreditations) -> list[list]:
    return [
        [
            a.last_name, a.first_name, a.outlet, str(a.get_media_type_display()),
            str(a.get_role_display()), ", ".join(a.equipment), a.crew_size,
        ]
        for a in accreditations
    ]

WIDTHS = (20, 18, 28, 16, 16, 30, 10)


def security_desk_event(event_id: str | None) -> Event | None:
    """The edition the list is for: `?event=<number>` (ASCII digits: « ١ » or « ² » are
    digits to Python, not an id), else the current edition; None when the parameter names
    none (the views answer 404)."""
    if not event_id:
        return Event.objects.current()
    if not (event_id.isascii() and event_id.isdigit() and len(event_id) <= 9):
        return None
    return Event.objects.filter(pk=int(event_id)).first()


def personal_data(accreditation) -> dict:
    """Everything stored about the journalist for this request (RGPD right of access), as
    their status page's JSON download and the admin's action give it: the document's name,
    not its content; the history says who acted (« press office » or « journalist »), never
    a staff member's name, and each note in words."""
    fields = ("first_name", "last_name", "email", "phone", "outlet", "media_type", "role",
              "press_card_number", "has_camera", "has_tripod", "has_lights", "crew_size",
              "interview_wishes", "language", "status", "keep_documents",
              "documents_deleted_at", "checked_in_at", "created_at", "updated_at")
    data = {"number": accreditation.pk, **{name: getattr(accreditation, name) for name in fields}}
    data["event"] = {"title": accreditation.event.title, "date": accreditation.event.date}
    letter = accreditation.assignment_letter
    data["assignment_letter"] = letter.name.rsplit("/", 1)[-1] if letter else None
    data["history"] = [
        {"at": t.at, "from": t.from_status, "to": t.to_status,
         "by": "journalist" if t.by_id is None else "press office",
         "message": str(t.note_label)}
        for t in accreditation.transitions.all()
    ]
    return data
