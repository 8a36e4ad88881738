import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Crée le compte d'administration local « admin » s'il n'existe pas (développement)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_admin ne sert qu'en développement (DJANGO_DEBUG=1).")
        User = get_user_model()
        password_file = settings.BASE_DIR / ".admin-password"
        if not User.objects.filter(username="admin").exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@example.org", password)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        password = password_file.read_text().strip() if password_file.exists() else "(inchangé)"
        self.stdout.write(self.style.SUCCESS(
            "\n  Site : http://127.0.0.1:8000/\n"
            "  Administration : http://127.0.0.1:8000/admin/\n"
            f"  Identifiant : admin   Mot de passe : {password}\n"
            "  (mot de passe conservé dans .admin-password)\n"
        ))
