"""Per-store knobs of the LTI platform, for tests that need Canvas's less common behaviours.

canvas-lti.md §11 "Knobs worth having". Defaults are what cloud Canvas does today.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctom_lti.sandbox.store import Store


@dataclass
class PlatformSettings:
    #: send ``lti_storage_target`` in login and launch (Canvas: on since Aug 2023)
    storage_target: bool = True
    #: LTI 1.3 custom values as strings (newest Canvas) or JSON numbers (older tokens, §10.13)
    numbers_as_strings: bool = True
    #: ``canvas_region`` login parameter; self-hosted Canvas says "not_configured" (§1.2)
    region: str = "us-east-1"
    #: ``canvas_environment`` login parameter: prod | beta | test (§2, §10.15)
    environment: str = "prod"
    #: seconds added to the platform's clock when it stamps id_tokens and checks assertions
    clock_offset: int = 0


def platform_settings(store: Store) -> PlatformSettings:
    meta = store.table("lti_platform")
    settings = meta.get("settings")
    if settings is None:
        settings = meta["settings"] = PlatformSettings()
    assert isinstance(settings, PlatformSettings)
    return settings
