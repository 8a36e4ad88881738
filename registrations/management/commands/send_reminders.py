from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.selectors import due_for_reminder
from registrations.services import registration_claim_reminder


class Command(BaseCommand):
    help = (
        "Envoie à chaque personne inscrite (ou en liste d'attente) un rappel "
        "REMINDER_DAYS_BEFORE jours avant le colloque, une seule fois, même si la commande "
        "est lancée deux fois ou en même temps. À lancer chaque jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Compte les rappels à envoyer sans rien envoyer.")

    def handle(self, *args, dry_run=False, **options):
        due = list(due_for_reminder().values_list("pk", flat=True))
        if dry_run:
            self.stdout.write(f"{len(due)} rappel(s) à envoyer (simulation : rien n'est envoyé).")
            return
        # One transaction per person: a crash midway leaves the others to the next run.
        sent = sum(registration_claim_reminder(registration_id=pk) for pk in due)
        self.stdout.write(self.style.SUCCESS(
            f"{sent} rappel(s) envoyé(s) ({settings.REMINDER_DAYS_BEFORE} jours avant)."))
