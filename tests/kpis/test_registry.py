"""The registry holds every measure of the catalogue, each well-formed."""

import re
from pathlib import Path

import pytest

from apps.kpis.registry import SECTIONS, Basis, Unit, load

CATALOGUE = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "kpi-catalogue.md"
BASES = {v for k, v in vars(Basis).items() if k.isupper()}
UNITS = {v for k, v in vars(Unit).items() if k.isupper()}


def catalogue_codes() -> set[str]:
    codes = set()
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            codes.update(re.findall(r"`([a-z]+\.[a-z0-9_]+)`", first_cell))
    return codes


@pytest.mark.skipif(not CATALOGUE.exists(), reason="../shared is not beside the project")
def test_every_catalogue_code_is_registered():
    codes = catalogue_codes()
    assert len(codes) > 100  # the catalogue parsed
    missing = sorted(codes - set(load()))
    assert missing == []


def test_measures_are_well_formed():
    registry = load()
    for code, m in registry.items():
        assert m.code == code
        assert m.section in SECTIONS, code
        assert m.unit in UNITS, code
        assert m.polarity in {"up", "down", "none"}, code
        assert m.bases and set(m.bases) <= BASES, code
        assert m.label, code
        assert (m.compute is None) == m.entered, code
        if m.unit == Unit.RATE:
            assert m.la_only, f"{code}: rates per 10,000 are for the whole LA"
