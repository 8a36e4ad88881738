from django.core.management.base import BaseCommand

from press.services import accreditation_purge_expired


class Command(BaseCommand):
    help = "Supprime les demandes d'accréditation des colloques tenus il y a plus de trois mois."

    def handle(self, *args, **options):
        count = accreditation_purge_expired()
        self.stdout.write(f"{count} demande(s) d'accréditation supprimée(s).")
