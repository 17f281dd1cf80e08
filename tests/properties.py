"""Settings of the suite's property tests (Hypothesis), the same knobs for each: a fixed set
of examples by default (derandomized, so a run is repeatable), and more examples drawn afresh
and not shrunk with ROLODEX_PROPERTY_RANDOM=1 ROLODEX_PROPERTY_EXAMPLES=N (a shrink takes
minutes when each example is a few imports)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings


def property_settings(examples: int) -> settings:
    """Hypothesis settings running ``examples`` examples unless the environment says more."""
    random = os.environ.get("ROLODEX_PROPERTY_RANDOM") == "1"
    return settings(
        max_examples=int(os.environ.get("ROLODEX_PROPERTY_EXAMPLES", str(examples))),
        deadline=None,
        derandomize=not random,
        phases=[Phase.explicit, Phase.generate] if random else list(Phase),
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
