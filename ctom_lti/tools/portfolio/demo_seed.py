"""Portfolio in ``ctom-lti demo``."""

from __future__ import annotations

from ctom_lti.features import DemoSeedContext


def seed_demo(context: DemoSeedContext) -> None:
    """Seed portfolios at different stages."""
