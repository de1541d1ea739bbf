"""Make a one-time invitation link with which an account sets up two-step verification (the
first superuser, or anyone when no coordinator can do it in the admin). Check who is asking
before you run it, and give the link to that person only."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.invitations import InvitationError, email_invitation, issue_invitation


class Command(BaseCommand):
    help = "Print a one-time link with which USERNAME sets up two-step verification."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--email",
            action="store_true",
            help="Also email the link to the account's own address.",
        )

    def handle(self, *args, username: str, email: bool = False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        try:
            invitation, url = issue_invitation(user)
        except InvitationError as error:
            raise CommandError(str(error)) from error
        expires = timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M %Z")
        self.stdout.write(url)
        self.stdout.write(
            f"Valid once, until {expires}, only while signed in as {username}; "
            "any older invitation for this account no longer works."
        )
        if email:
            if email_invitation(invitation, url):
                self.stdout.write(f"Also emailed to {user.email}.")
            else:
                self.stderr.write("Not emailed: the account has no address or sending failed.")
