"""python manage.py api_token {create USERNAME --name NAME [--days N] | revoke ID | list [USERNAME]}

API keys for case systems and scripts (apps.accounts.tokens). A key is printed once, when it is made, and
never again: only its hash is kept."""

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiToken, User
from apps.accounts.services_tokens import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Make, revoke or list the API keys that systems call the API with on behalf of a user."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="make a key for a user (printed once)")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="what will use the key")
        create.add_argument("--days", type=int, help="how long it works (default: until revoked)")
        revoke = sub.add_parser("revoke", help="stop a key working")
        revoke.add_argument("id", type=int)
        listing = sub.add_parser("list", help="the keys, newest first")
        listing.add_argument("username", nargs="?")

    def handle(self, *args, verb, **opts):
        if verb == "create":
            user = User.objects.filter(username=opts["username"]).first()
            if user is None:
                raise CommandError(f"no user {opts['username']!r}")
            try:
                token, key = api_token_create(user=user, name=opts["name"], by=None, days=opts["days"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"API key {token.pk} for {user.username} ({user.get_role_display()}): {key}")
            self.stderr.write("It is shown only now: keep it in the calling system's secret store.")
        elif verb == "revoke":
            token = ApiToken.objects.filter(pk=opts["id"]).first()
            if token is None:
                raise CommandError(f"no API key {opts['id']}")
            token = api_token_revoke(token=token, by=None)
            self.stdout.write(
                f"API key {token.pk} ({token.name}) revoked at {token.revoked_at:%Y-%m-%d %H:%M}"
            )
        else:
            tokens = ApiToken.objects.select_related("user")
            if opts["username"]:
                tokens = tokens.filter(user__username=opts["username"])
            for t in tokens:
                state = (
                    "revoked"
                    if t.revoked_at
                    else ("expires " + f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "active")
                )
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                self.stdout.write(
                    f"{t.pk:>5}  {t.prefix}…  {t.user.username:<20} {state:<18} used {used}  {t.name}"
                )
