from django.core.management.base import BaseCommand

from program.demo import load_demo


class Command(BaseCommand):
    help = (
        "Ajoute ce qui manque du colloque de démonstration du 17 mai (événement, séances, "
        "intervenant·es, pages, informations presse). Ne modifie jamais ce qui existe déjà : "
        "les modifications faites dans l'administration sont conservées."
    )

    def handle(self, *args, **options):
        event = load_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Colloque de démonstration prêt : {event.title} le {event.date:%d/%m/%Y}, "
            f"{event.sessions.count()} séances."
        ))
