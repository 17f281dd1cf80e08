"""Retry delays, pure: exponential backoff with jitter ("equal jitter": half fixed, half random).

The fixed half keeps retries from coming back at once; the random half spreads a burst of
failures (say, a database restart) so that they do not all retry in the same instant.
"""

from __future__ import annotations

import random


def backoff_seconds(
    attempt: int, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """The wait before the try after ``attempt`` failed tries (``attempt`` ≥ 1):
    between d/2 and d, where d = min(cap, base · 2^(attempt−1))."""
    exponent = min(max(attempt, 1) - 1, 60)  # 2**60 · base is past any cap
    ceiling = min(cap, base * (2**exponent))
    draw = (rng or random).random()
    return ceiling / 2 + draw * ceiling / 2
