from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.tasks import task_backends
from django_tasks_db import DatabaseBackend

from press.services import accreditation_purge_expired, accreditations_to_anonymise
from registrations.services import registration_purge_expired, registrations_to_anonymise

STAFF_LOGIN_LOG_DAYS = 183


class Command(BaseCommand):
    help = (
        "Anonymise les données personnelles arrivées au terme de leur durée de conservation : "
        "inscriptions et demandes d'accréditation des éditions passées depuis plus de "
        "PERSONAL_DATA_RETENTION_DAYS jours (noms, adresses, organisations, textes libres et "
        "documents disparaissent ; les statuts, catégories, ateliers et arrivées restent pour "
        "les chiffres de l'édition). Supprime aussi les e-mails déjà envoyés de la file "
        "d'attente et le journal des connexions de l'équipe de plus de six mois. "
        "À lancer chaque jour ; --dry-run montre ce qui changerait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Compte ce qui serait anonymisé, sans rien changer.")

    def handle(self, *args, dry_run=False, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS
        if dry_run:
            self.stdout.write(
                f"Simulation : {registrations_to_anonymise().count()} inscription(s) et "
                f"{accreditations_to_anonymise().count()} demande(s) d'accréditation seraient "
                f"anonymisées (éditions de plus de {days} jours). Rien n'a changé.")
            return
        registrations = registration_purge_expired()
        accreditations = accreditation_purge_expired()
        # Staff logins (username, address, browser) are kept six months, as the CNIL advises
        # for access logs.
        AxesProxyHandler.reset_logs(age_days=STAFF_LOGIN_LOG_DAYS)
        # Delivered e-mails keep their rendered text (names, private links) in the task table.
        if isinstance(task_backends["default"], DatabaseBackend):
            call_command("prune_db_task_results", min_age_days=7, failed_min_age_days=30,
                         queue_name="*", verbosity=0)
        self.stdout.write(self.style.SUCCESS(
            f"Anonymisées : {registrations} inscription(s), {accreditations} demande(s) "
            f"d'accréditation (éditions de plus de {days} jours)."
        ))
