"""Set up the demo council after `migrate`: generate the records (once) and one user per role (every time,
so the printed passwords always work)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.core.services import ensure_la
from apps.people.models import Child

DEMO_SIZE = "medium"
SNAPSHOT_MONTHS = 24
DEMO_SEED = 20180331
URL = "http://127.0.0.1:8000"

# (username, role, first name, last name, password). Demo-only credentials, printed on purpose: they let a
# reviewer sign in as each persona. Never use this command against a real council's database.
DEMO_USERS = (
    ("admin", Role.ADMIN, "Ada", "Admin", "demo-admin-portal-2018"),
    ("director", Role.DIRECTOR, "Dana", "Director", "demo-director-portal-2018"),
    ("head", Role.HEAD_OF_SERVICE, "Hana", "Head", "demo-head-portal-2018"),
    ("manager", Role.TEAM_MANAGER, "Tom", "Manager", "demo-manager-portal-2018"),
    ("analyst", Role.ANALYST, "Ana", "Lyst", "demo-analyst-portal-2018"),
    ("viewer", Role.VIEWER, "Vic", "Viewer", "demo-viewer-portal-2018"),
)


class Command(BaseCommand):
    help = "Generate the demo council (unless children are already held) and (re)create one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--skip-data", action="store_true", help="only (re)create the demo users")

    def handle(self, *args, skip_data=False, **options):
        if not skip_data:
            self._generate()
        ensure_la()
        if not skip_data:
            call_command("seed_demo_targets", stdout=self.stdout)
            self._snapshots()
        rows = self._users()
        self._print(rows)
        self._two_factor()

    def _generate(self):
        held = Child.objects.count()
        if held:
            self.stdout.write(
                f"The database already holds {held:,} {'child' if held == 1 else 'children'}: demo data not generated again."
            )
            return
        if "generate_demo" not in get_commands():
            raise CommandError("the generate_demo command is not available: cannot create the demo council")
        self.stdout.write(f"Generating a {DEMO_SIZE} demo council (seed {DEMO_SEED}); this takes a minute...")
        call_command("generate_demo", size=DEMO_SIZE, seed=DEMO_SEED, stdout=self.stdout, stderr=self.stderr)

    def _snapshots(self):
        """Two financial years of monthly figures the first time (this year against last year); afterwards
        only the months still open are refreshed, as the nightly task would."""
        from apps.kpis.models import Snapshot
        from apps.kpis.tasks import refresh_open_month

        current = Period.containing(timezone.localdate())
        if Snapshot.objects.exists():
            self.stdout.write(f"Refreshing open months: {', '.join(refresh_open_month())}")
            return
        first = current - (SNAPSHOT_MONTHS - 1)
        self.stdout.write(f"Computing monthly snapshots {first} to {current}; this takes a few minutes...")
        call_command("backfill", "--from", str(first), "--to", str(current), stdout=self.stdout)

    @transaction.atomic
    def _users(self) -> list[tuple[str, str, str, str]]:
        User = get_user_model()  # noqa: N806 - Django's idiom
        team = OrgUnit.objects.filter(level=OrgLevel.TEAM).order_by("parent__name", "name").first()
        service = (
            team.parent if team else OrgUnit.objects.filter(level=OrgLevel.SERVICE).order_by("name").first()
        )
        scope = {Role.TEAM_MANAGER: team, Role.HEAD_OF_SERVICE: service}

        rows = []
        for username, role, first, last, password in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name, user.email = first, last, f"{username}@demo.invalid"
            user.role = role
            user.is_active = True
            user.is_staff = user.is_superuser = role == Role.ADMIN
            validate_password(password, user)
            user.set_password(password)
            user.save()
            unit = scope.get(role)
            user.org_units.set([unit] if unit else [])
            rows.append((username, password, Role(role).label, unit.name if unit else ""))
        return rows

    def _print(self, rows):
        header = ("username", "password", "role", "scope")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

        def line(cells):
            return "  ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo users (passwords reset on every run):"))
        self.stdout.write(line(header))
        self.stdout.write(line(["-" * w for w in widths]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Open {URL} and sign in."))

    def _two_factor(self):
        """Demo only: each demo user who needs two-factor gets an authenticator with a published key, so a
        reviewer without a phone can sign in (apps/accounts/demo.py)."""
        from apps.accounts.demo import set_up_demo_devices
        from apps.accounts.lockout import unlock

        for username, *_ in DEMO_USERS:
            unlock(username, by=None)
        keys = set_up_demo_devices(username for username, *_ in DEMO_USERS)
        if not keys:
            return
        width = max(len(username) for username, _ in keys)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Two-factor codes (demo authenticators, reset on every run):"))
        for username, secret in keys:
            self.stdout.write(f"{username:<{width}}  setup key {secret}")
        self.stdout.write(
            "After the password, enter the current code from `python manage.py demo_totp USERNAME` "
            "(or add a setup key above to an authenticator app)."
        )
