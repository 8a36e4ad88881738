"""The security desk's list of approved journalists: CSV, XLSX (colloque.exports) and a
printable page share these columns and rows."""

from django.utils.translation import gettext_lazy as _

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
