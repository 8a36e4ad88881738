from django.core.management.base import BaseCommand

from program.demo import load_demo


class Command(BaseCommand):
    help = "Charge (ou remet à jour) le colloque de démonstration du 17 mai. Idempotent."

    def handle(self, *args, **options):
        event = load_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Colloque de démonstration prêt : {event.title} le {event.date:%d/%m/%Y}, "
            f"{event.sessions.count()} séances."
        ))
