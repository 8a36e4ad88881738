from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.tasks import task_backends
from django_tasks_db import DatabaseBackend

from press.services import accreditation_purge_expired
from registrations.services import registration_purge_expired

STAFF_LOGIN_LOG_DAYS = 183


class Command(BaseCommand):
    help = (
        "Supprime les données personnelles arrivées au terme de leur durée de conservation : "
        "inscriptions et demandes d'accréditation des éditions passées depuis plus de "
        "PERSONAL_DATA_RETENTION_DAYS jours, les e-mails déjà envoyés de la file d'attente et le "
        "journal des connexions de l'équipe de plus de six mois. "
        "À lancer chaque jour."
    )

    def handle(self, *args, **options):
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
            f"Supprimées : {registrations} inscription(s), {accreditations} demande(s) "
            f"d'accréditation (éditions de plus de {settings.PERSONAL_DATA_RETENTION_DAYS} jours)."
        ))
