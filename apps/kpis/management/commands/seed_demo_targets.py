"""python manage.py seed_demo_targets [--today YYYY-MM-DD] [--overwrite]"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.core.periods import Period
from apps.core.services import ensure_la
from apps.kpis.models import Baseline, Target, ToleranceKind

ABS, REL = ToleranceKind.ABSOLUTE, ToleranceKind.RELATIVE

# (measure, target, amber tolerance, tolerance kind). Direction comes from each measure's polarity; the
# values follow the catalogue's hints (the booklet's targets, England averages rounded to a round ambition).
DEMO_TARGETS: tuple[tuple[str, str, str | None, str], ...] = (
    ("fd.decision_24h", "90", "5", ABS),
    ("fd.contacts_undecided", "5", "2", ABS),
    ("fd.contact_conversion", "25", "5", ABS),  # polarity none: a band, 20-30%
    ("fd.rereferral_12m", "20", "2", ABS),
    ("s47.days_open", "15", "10", REL),
    ("icpc.within_15wd", "80", "5", ABS),
    ("as.within_45wd", "85", "5", ABS),
    ("as.child_seen", "95", "3", ABS),
    ("cin.visits_in_time", "90", "5", ABS),
    ("cp.visits_in_time", "90", "5", ABS),
    ("cp.reviews_in_time", "95", "5", ABS),
    ("cp.repeat_2y", "10", "2", ABS),
    ("cp.repeat_ever", "20", "2", ABS),
    ("cp.lasting_2y", "4", "1", ABS),
    ("cla.ni62", "11", "1", ABS),
    ("cla.ni63", "69", "5", ABS),
    ("cla.iha_20wd", "90", "10", ABS),
    ("cla.reviews_in_time", "95", "5", ABS),
    ("cla.visits_in_time", "90", "5", ABS),
    ("cla.review_participation", "95", "3", ABS),
    ("cl.in_touch", "90", "5", ABS),
    ("cl.eet", "55", "5", ABS),
    ("cl.suitable_accommodation", "85", "5", ABS),
    ("cl.pathway_plan", "90", "5", ABS),
    ("cl.pa_allocated", "95", "5", ABS),
    ("ct.care_proceedings_weeks", "26", "10", REL),
    ("wf.caseload", "18", "10", REL),
)
# The first of the 24 months demo_setup computes (23 before the current one): a baseline month with no
# figures would leave the scorecard's "change since" column empty.
BASELINE_MONTHS_AGO = 23
BASELINE_LABEL = "Last Ofsted inspection (demo)"


class Command(BaseCommand):
    help = (
        "Give the demo council LA-wide targets for the current and previous financial years for a set of "
        "measures, and an active baseline (a fictional last Ofsted inspection 23 months ago, the first month the demo computes). Idempotent: "
        "existing targets and an existing active baseline are left as they are unless --overwrite."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD to seed as if it were this date (default: today)")
        parser.add_argument(
            "--overwrite", action="store_true", help="reset seeded targets and the baseline to these values"
        )

    def handle(self, *args, today=None, overwrite=False, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--today: {e}") from e
        result = seed_demo_targets(today=day, overwrite=overwrite)
        self.stdout.write(
            self.style.SUCCESS(
                f"Targets for {', '.join(f'{y}/{(y + 1) % 100:02d}' for y in result['years'])}: "
                f"{result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged. "
                f"Baseline: {result['baseline']}"
            )
        )


@transaction.atomic
def seed_demo_targets(*, today: date, overwrite: bool = False) -> dict:
    la = ensure_la()
    current = Period.containing(today)
    years = [current.financial_year - 1, current.financial_year]
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {
        (t.measure, t.financial_year): t
        for t in Target.objects.filter(org_unit=la, basis="", financial_year__in=years)
    }
    for year in years:
        for measure, value, tolerance, kind in DEMO_TARGETS:
            wanted = {
                "value": Decimal(value),
                "amber_tolerance": Decimal(tolerance) if tolerance is not None else None,
                "tolerance_kind": kind,
            }
            row = existing.get((measure, year))
            if row is None:
                Target.objects.create(measure=measure, financial_year=year, org_unit=la, basis="", **wanted)
                counts["created"] += 1
            elif overwrite and any(getattr(row, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(row, k, v)
                row.save(update_fields=list(wanted))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1

    period = str(current - BASELINE_MONTHS_AGO)
    active = Baseline.objects.filter(active=True).first()
    if active is None:
        Baseline.objects.create(label=BASELINE_LABEL, period=period, active=True)
        baseline = f"{period} created"
    elif overwrite and (active.period, active.label) != (period, BASELINE_LABEL):
        active.period, active.label = period, BASELINE_LABEL
        active.save(update_fields=["period", "label", "set_at"])
        baseline = f"{period} updated"
    else:
        baseline = f"{active.period} kept ({active.label})"
    return {"years": years, "baseline": baseline, **counts}
