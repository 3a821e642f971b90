"""Print the current two-factor code of a demo user (demo only: works for the published demo keys only)."""

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.demo import current_code, demo_device


class Command(BaseCommand):
    help = "Print the current six-digit two-factor code of a demo user set up by demo_setup."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = demo_device(username)
        if device is None:
            raise CommandError(
                f"{username!r} has no demo authenticator: demo_totp only works for the users demo_setup creates"
            )
        self.stdout.write(current_code(device))
