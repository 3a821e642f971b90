"""The demo council generator: `generate_bundle` writes a whole fictional council as a CSV bundle."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from apps.imports.bundle.spec import FILES
from apps.imports.bundle.writer import BundleWriter

from .generator import DemoCouncil, add_months
from .profiles import PROFILES


@dataclass
class DemoResult:
    folder: Path
    size: str
    seed: int
    start: date
    horizon: date
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    peak_mb: float = 0.0
    stats: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def window(
    size: str, *, today: date, start: date | None = None, end: date | None = None
) -> tuple[date, date]:
    """(first day of the window, horizon). The horizon is the last day of the end month, or yesterday when
    the end month is the current one (a nightly extract holds nothing dated today or later)."""
    profile = PROFILES[size]
    this_month = today.replace(day=1)
    end_month = (end or this_month).replace(day=1)
    if end_month > this_month:
        raise ValueError("the end month is in the future")
    horizon = add_months(end_month, 1) - timedelta(days=1)
    horizon = min(horizon, today - timedelta(days=1))
    first = (start or add_months(end_month, -profile.months)).replace(day=1)
    if first > horizon:
        raise ValueError("the start month is after the end month")
    return first, horizon


def generate_bundle(
    folder: str | Path,
    *,
    size: str = "small",
    seed: int = 1,
    today: date,
    start: date | None = None,
    end: date | None = None,
    progress=None,
) -> DemoResult:
    first, horizon = window(size, today=today, start=start, end=end)
    t0 = time.perf_counter()
    folder = Path(folder)
    result = DemoResult(folder=folder, size=size, seed=seed, start=first, horizon=horizon)
    with BundleWriter(folder, always=tuple(f.name for f in FILES)) as writer:
        council = DemoCouncil(
            profile=PROFILES[size], seed=seed, start=first, horizon=horizon, writer=writer, progress=progress
        )
        result.stats = council.run()
        result.counts = {f.name: writer.counts.get(f.name, 0) for f in FILES}
    result.seconds = time.perf_counter() - t0
    result.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result
