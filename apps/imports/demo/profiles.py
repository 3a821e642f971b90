"""Sizes of demo council. Flows scale from the booklet's council (medium: ~16,000 contacts and ~3,800
referrals a year, ~340 children in care, 96,900 children aged 0-17)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    scale: float  # flows and stocks relative to the booklet's council
    population: int  # children aged 0-17 in the latest financial year
    months: int  # default span of the window, months before the current month
    teams: dict[str, int]  # teams per service code
    workers_per_team: int


# Service code -> (service name, team code prefix, team name prefix).
SERVICES: dict[str, tuple[str, str, str]] = {
    "SVC-MASH": ("MASH", "MASH", "MASH"),
    "SVC-DA": ("Duty & Assessment", "DA", "D&A"),
    "SVC-IP": ("Intervention & Planning", "IP", "I&P"),
    "SVC-CIC": ("Children in Care", "CIC", "CiC"),
    "SVC-D25": ("0-25 Disabilities", "D25", "0-25"),
    "SVC-OU": ("Onwards & Upwards", "OU", "O&U"),
    "SVC-REACH": ("REACH (edge of care)", "REACH", "REACH"),
}

PROFILES: dict[str, Profile] = {
    "small": Profile(
        "small",
        0.04,
        3_900,
        24,
        {"SVC-MASH": 1, "SVC-DA": 2, "SVC-IP": 2, "SVC-CIC": 1, "SVC-D25": 1, "SVC-OU": 1, "SVC-REACH": 1},
        3,
    ),
    "medium": Profile(
        "medium",
        1.0,
        96_900,
        36,
        {"SVC-MASH": 1, "SVC-DA": 4, "SVC-IP": 4, "SVC-CIC": 3, "SVC-D25": 2, "SVC-OU": 3, "SVC-REACH": 1},
        8,
    ),
    "large": Profile(
        "large",
        6.0,
        500_000,
        72,
        {
            "SVC-MASH": 3,
            "SVC-DA": 16,
            "SVC-IP": 18,
            "SVC-CIC": 14,
            "SVC-D25": 8,
            "SVC-OU": 12,
            "SVC-REACH": 5,
        },
        8,
    ),
}
