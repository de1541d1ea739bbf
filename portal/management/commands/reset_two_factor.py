"""Remove a user's authenticator and backup codes when they have lost their phone; they set up a
new one with a fresh invitation (``invite_two_factor``). Check who is asking before you run it."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.two_factor import reset_two_factor


class Command(BaseCommand):
    help = "Reset a user's two-step verification (lost phone)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        removed = reset_two_factor(user)
        self.stdout.write(
            f"Removed {removed} device(s) of {username}. They need a new invitation to set up "
            f"two-step verification again: manage.py invite_two_factor {username}"
        )
