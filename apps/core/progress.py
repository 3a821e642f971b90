"""Progress of a long command, as lines on its output: what is done (of how many, when known), the rate, and
the time left, rather than a silent wait of minutes. Used by `backfill`, `import_bundle` and `generate_demo`.

A line is written at most every `every` seconds (and when the job ends), so a fast job prints one line and a
slow one a line every few seconds whatever its size."""

from __future__ import annotations

import time
from collections.abc import Callable


def duration(seconds: float) -> str:
    """3 s, 4 min 05 s, 1 h 02 min: how the progress lines and the import pages say a time."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _amount(n: float) -> str:
    if n >= 100 or n == int(n):
        return f"{n:,.0f}"
    return f"{n:.1f}" if n >= 1 else f"{n:.2g}"


def _size(n: float) -> str:
    if n < 1000:
        return f"{n:,.0f} bytes"
    if n < 1_000_000:
        return f"{n / 1000:,.0f} KB"
    return f"{n / 1_000_000:,.1f} MB"


class Progress:
    """`Progress(write, what="backfill", unit="months", total=24)`; call `advance(n)` or `update(done)` as the
    work goes, `finish()` at the end. `write` takes one line (a command's `self.stderr.write`)."""

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        what: str,
        unit: str = "rows",
        total: int | None = None,
        done: int = 0,
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.write = write
        self.what, self.unit, self.total = what, unit, total
        self.every, self.clock = every, clock
        # Work done before this run (a resumed backfill): counted as done, not in the rate.
        self.done = self.initial = done
        self.started = clock()
        self._last = self.started
        self._finished = False

    def advance(self, n: int = 1, note: str = "") -> None:
        self.update(self.done + n, note)

    def update(self, done: int, note: str = "") -> None:
        self.done = done
        now = self.clock()
        if now - self._last >= self.every:
            self._last = now
            self.write(self.line(now, note))

    def finish(self, note: str = "") -> None:
        if not self._finished:
            self._finished = True
            self.write(self.line(self.clock(), note, final=True))

    def line(self, now: float, note: str = "", final: bool = False) -> str:
        elapsed = now - self.started
        if self.unit == "bytes":  # a file read: sizes and rate in bytes, KB or MB
            done = _size(self.done) + (f" of {_size(self.total)}" if self.total is not None else "")
            parts = [f"{self.what}: {done}"]
        else:
            done = f"{self.done:,}" + (f" of {self.total:,}" if self.total is not None else "")
            parts = [f"{self.what}: {done} {self.unit}"]
        if elapsed > 0 and self.done > self.initial:
            rate = (self.done - self.initial) / elapsed
            parts.append(f"{_size(rate)}/s" if self.unit == "bytes" else f"{_amount(rate)} {self.unit}/s")
            if final:
                parts.append(f"in {duration(elapsed)}")
            elif self.total is not None and self.total > self.done:
                parts.append(f"about {duration((self.total - self.done) / rate)} left")
        elif final:
            parts.append(f"in {duration(elapsed)}")
        text = ", ".join(parts)
        return f"{text} ({note})" if note else text
