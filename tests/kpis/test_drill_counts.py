"""For every drillable measure, the records the drill-down lists behind a stored figure number that figure:
numerator and denominator, for the LA, every service, every team and every breakdown part, on the
hand-worked datasets of tests/kpis, and (slow) on a sample of a generated council's month."""

from __future__ import annotations

import pytest

from apps.core.periods import Period
from apps.kpis.registry import load
from apps.kpis.services import snapshot_period_compute

# The hand-worked datasets, reused as they are.
from tests.kpis.test_assessments import assessments  # noqa: F401
from tests.kpis.test_care_leavers import code_years, leavers  # noqa: F401
from tests.kpis.test_frontdoor import contacts, decisions, referrals  # noqa: F401
from tests.kpis.test_s47 import conferences, discussions, enquiries, kids  # noqa: F401

from .drill_checks import drill_mismatches, drillable

pytestmark = pytest.mark.django_db

DATASETS = [
    ("contacts", "2018-03", ["1"]),
    ("decisions", "2018-01", ["1"]),
    ("decisions", "2018-03", ["1"]),
    ("referrals", "2018-03", ["1"]),
    ("assessments", "2018-03", ["4"]),
    ("conferences", "2018-03", ["3"]),
    ("conferences", "2018-04", ["3"]),
    ("leavers", "2018-03", ["8"]),
    ("code_years", "2018-03", ["8"]),
    ("code_years", "2018-04", ["8"]),
]


@pytest.mark.parametrize(("dataset", "period", "sections"), DATASETS)
def test_the_records_number_the_stored_figures(request, org, dataset, period, sections):
    request.getfixturevalue(dataset)
    codes = drillable(sections)
    assert codes
    snapshot_period_compute(period=Period.parse(period), codes=codes)
    problems = [p for code in codes for p in drill_mismatches(code, period)]
    assert problems == []


def test_the_mechanism_catches_a_wrong_population(org, assessments):  # noqa: F811
    """A population that lists other records than the compute counts is caught (the check is not vacuous)."""
    from dataclasses import replace

    from apps.kpis import registry

    code = "as.within_45wd"
    snapshot_period_compute(period=Period.parse("2018-03"), codes=[code])
    m = load()[code]
    real = m.population
    wrong = replace(m, population=lambda ctx, basis: replace(real(ctx, basis), num=None))
    registry.REGISTRY[code] = wrong
    try:
        assert drill_mismatches(code, "2018-03")
    finally:
        registry.REGISTRY[code] = m


def test_every_measure_is_drillable_or_says_why():
    for code, m in load().items():
        if m.drillable:
            assert m.compute is not None and m.drill_reason == "", code
        else:
            assert m.drill_reason, code


def test_a_measure_that_cannot_be_drilled_says_so_explicitly():
    """No computed measure is left undecided: it has a population, or its declaration says why not."""
    registry = load()
    undecided = [c for c, m in registry.items() if m.compute and not m.drillable and not m.not_drillable]
    assert undecided == []
    assert sum(m.drillable for m in registry.values()) >= 100


@pytest.mark.slow
def test_the_records_number_the_figures_of_a_generated_council(tmp_path, client, login):
    """A generated council's month: the LA, one service, one team and two parts of every breakdown."""
    from datetime import date

    from apps.core.models import OrgLevel, OrgUnit
    from apps.imports.demo import generate_bundle
    from apps.imports.services import bundle_import

    folder = tmp_path / "demo"
    generate_bundle(folder, size="small", seed=7, today=date(2026, 3, 18), end=date(2026, 3, 1))
    assert bundle_import(path=folder, command="test").error_count == 0
    period = "2026-01"
    codes = drillable()
    snapshot_period_compute(period=Period.parse(period), codes=codes)
    team = OrgUnit.objects.filter(level=OrgLevel.TEAM).order_by("code").first()
    sample = {OrgUnit.objects.get(level=OrgLevel.LA).pk, team.pk, team.parent_id}
    problems, checked = [], 0
    for code in codes:
        seen: dict[str, int] = {}

        def keep(key, seen=seen):
            _basis, org, dim, _bd = key
            if org not in sample:
                return False
            if dim:
                seen[dim] = seen.get(dim, 0) + 1
                return seen[dim] <= 6  # two parts at each of the three org units
            return True

        problems += drill_mismatches(code, period, keep=keep)
        checked += 1
    assert checked == len(codes)
    assert problems == []

    # Every drillable measure's page renders the month's records (LA, numerator and denominator, and the
    # first stored part of each breakdown), with names and without.
    from apps.accounts.models import Role
    from apps.kpis.models import Snapshot
    from apps.scorecards.links import drill_url
    from tests.factories import UserFactory

    la = OrgUnit.objects.get(level=OrgLevel.LA)
    registry = load()
    for role in (Role.ADMIN, Role.ANALYST):
        login(client, UserFactory(role=role))
        for code in codes:
            m = registry[code]
            sides = ["numerator"] if m.unit in ("count", "rate") else ["numerator", "denominator"]
            stored = Snapshot.objects.filter(measure=code, period=period, org_unit=la).exclude(dimension="")
            firsts = {}
            for dim, bd, basis in stored.order_by("breakdown").values_list("dimension", "breakdown", "basis"):
                firsts.setdefault((dim, basis), bd)
            for basis in m.bases:
                for part in sides:
                    urls = [drill_url(code, period=period, org_unit=la.code, basis=basis, part=part)]
                    urls += [
                        drill_url(
                            code,
                            period=period,
                            org_unit=la.code,
                            basis=b,
                            dimension=d,
                            breakdown=k,
                            part=part,
                        )
                        for (d, b), k in firsts.items()
                        if b == basis
                    ]
                    for url in urls:
                        response = client.get(url)
                        assert response.status_code == 200, url
                        assert response.context["total"] == response.context["stored"], url
