"""Progress lines of long commands: what is done of how many, the rate, the time left; at most one line every
few seconds, and the last line when the job ends."""

from apps.core.progress import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_lines_say_done_rate_and_time_left_at_most_every_few_seconds():
    lines, clock = [], Clock()
    p = Progress(lines.append, what="backfill #3", unit="months", total=24, every=5, clock=clock)
    clock.now += 2
    p.advance(1, "2025-01")
    assert lines == []  # under 5 s since the start: nothing yet
    clock.now += 4
    p.advance(2, "2025-03")
    # 3 months in 6 s: 0.5 a second, 21 to go: 42 s.
    assert lines == ["backfill #3: 3 of 24 months, 0.5 months/s, about 42 s left (2025-03)"]
    clock.now += 1
    p.advance(1)
    assert len(lines) == 1
    clock.now += 593
    p.update(24)
    assert lines[-1] == "backfill #3: 24 of 24 months, 0.04 months/s"  # nothing left to wait for
    p.finish()
    p.finish()
    assert lines[-1] == "backfill #3: 24 of 24 months, 0.04 months/s, in 10 min 00 s"
    assert len(lines) == 3


def test_without_a_total_and_with_nothing_done():
    lines, clock = [], Clock()
    p = Progress(lines.append, what="contacts.csv", total=None, every=1, clock=clock)
    clock.now += 3
    p.update(150_000)
    assert lines == ["contacts.csv: 150,000 rows, 50,000 rows/s"]
    q = Progress(lines.append, what="nothing", unit="months", total=0, clock=clock)
    q.finish()
    assert lines[-1] == "nothing: 0 of 0 months, in 0 s"


def test_a_resumed_job_counts_what_was_done_before_but_not_in_its_rate():
    lines, clock = [], Clock()
    p = Progress(lines.append, what="backfill #4", unit="months", total=12, done=8, every=1, clock=clock)
    clock.now += 10
    p.advance(2)
    assert lines == ["backfill #4: 10 of 12 months, 0.2 months/s, about 10 s left"]


def test_a_file_read_in_bytes_shows_sizes():
    lines, clock = [], Clock()
    p = Progress(lines.append, what="read episodes.csv", unit="bytes", total=40_000_000, every=1, clock=clock)
    clock.now += 2
    p.update(10_000_000, "52,000 rows")
    assert lines == ["read episodes.csv: 10.0 MB of 40.0 MB, 5.0 MB/s, about 6 s left (52,000 rows)"]
