import csv
import json

from django.core.management.base import BaseCommand, CommandError

from apps.core.models import OrgUnit
from apps.core.periods import Period
from apps.kpis.selectors import CONTRACT, export_rows

COLUMNS = list(CONTRACT)


class Command(BaseCommand):
    help = "Write a month's stored snapshot (newest versions) to stdout as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--org-unit", help="team or service code, or the council's code")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **opts):
        try:
            period = Period.parse(opts["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        org = None
        if opts["org_unit"]:
            org = OrgUnit.objects.filter(code=opts["org_unit"]).first()
            if org is None:
                raise CommandError(f"no org unit with code {opts['org_unit']!r}")
        rows = export_rows(period=str(period), org_unit=org)
        if opts["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
        else:
            # Not passed through the spreadsheet guard (apps.core.spreadsheets): this is the contract other
            # tools read, like the JSON, so its values must stay exactly as stored.
            writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
