"""Retry delays: exponential, capped, jittered within [d/2, d]."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from rolodex.jobs.backoff import backoff_seconds


@given(attempt=st.integers(min_value=-5, max_value=10_000), seed=st.integers())
def test_delay_stays_between_half_and_the_whole_capped_ceiling(attempt, seed):
    delay = backoff_seconds(attempt, 2.0, 3600.0, random.Random(seed))
    ceiling = min(3600.0, 2.0 * 2 ** (max(attempt, 1) - 1)) if attempt < 60 else 3600.0
    assert ceiling / 2 <= delay <= ceiling


def test_delays_grow_then_stop_at_the_cap():
    lows = [backoff_seconds(n, 1.0, 100.0, random.Random(0)) for n in range(1, 12)]
    assert lows[0] <= 1.0
    assert lows[3] >= 4.0
    assert lows[-1] <= 100.0
    assert [backoff_seconds(9, 1.0, 100.0, random.Random(s)) >= 50 for s in range(20)] == [
        True
    ] * 20


def test_jitter_spreads_retries_of_the_same_attempt():
    delays = {round(backoff_seconds(5, 2.0, 3600.0, random.Random(s)), 3) for s in range(50)}
    assert len(delays) > 40
