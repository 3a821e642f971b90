"""Reads for the core app: the org structure and the population, which every page that describes the
council shows."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import OrgLevel, OrgUnit, Population


def org_summary() -> dict:
    la = OrgUnit.objects.filter(level=OrgLevel.LA).first()
    services = list(
        OrgUnit.objects.filter(level=OrgLevel.SERVICE)
        .annotate(team_count=Count("children", filter=Q(children__level=OrgLevel.TEAM)))
        .order_by("name")
        .values("code", "name", "team_count")
    )
    return {
        "la": la,
        "services": services,
        "service_count": len(services),
        "team_count": sum(s["team_count"] for s in services),
    }


def population_by_year() -> list[dict]:
    return list(Population.objects.order_by("-year").values("year", "age_0_17", "source"))
