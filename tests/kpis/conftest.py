"""Fixtures for hand-worked KPI tests: an LA with one service (SVC) of two teams (T1, T2) and a second
service (SV2) with one team (T3), and `figures(code, period)` returning {(basis, org, dim, value): (num, den)}."""

from decimal import Decimal

import pytest

from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.core.services import ensure_la
from apps.kpis.engine import Ctx
from apps.kpis.registry import load
from apps.kpis.services import _org_tree, compute_rows


@pytest.fixture
def org(db):
    la = ensure_la()
    svc = OrgUnit.objects.create(code="SVC", name="Service", level=OrgLevel.SERVICE, parent=la)
    sv2 = OrgUnit.objects.create(code="SV2", name="Service 2", level=OrgLevel.SERVICE, parent=la)
    t1 = OrgUnit.objects.create(code="T1", name="Team 1", level=OrgLevel.TEAM, parent=svc)
    t2 = OrgUnit.objects.create(code="T2", name="Team 2", level=OrgLevel.TEAM, parent=svc)
    t3 = OrgUnit.objects.create(code="T3", name="Team 3", level=OrgLevel.TEAM, parent=sv2)
    return {"LA": la, "SVC": svc, "SV2": sv2, "T1": t1, "T2": t2, "T3": t3}


def _plain(x):
    if x is None:
        return None
    x = Decimal(x)
    return int(x) if x == x.to_integral_value() else x


@pytest.fixture
def figures(org):
    codes = {o.pk: ("LA" if key == "LA" else key) for key, o in org.items()}

    def compute(code: str, period: str) -> dict:
        m = load()[code]
        rows = compute_rows(m, Ctx(Period.parse(period)), _org_tree())
        return {
            (basis, codes[o], dim, bd): (_plain(num), _plain(den))
            for (basis, o, dim, bd), (num, den, _v) in rows.items()
        }

    return compute


def assert_parts_sum_to_whole(fig: dict, basis: str, org: str, dimension: str):
    whole = fig[(basis, org, "", "")]
    parts = [v for (b, o, d, _), v in fig.items() if (b, o, d) == (basis, org, dimension)]
    assert parts, f"no {dimension} parts for {org} {basis}"
    assert sum(p[0] for p in parts) == whole[0]
