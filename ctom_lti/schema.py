"""Every table the application declares: the core's, the LTI layer's, sync's and the features'.

It sits above the layers (like ``create_app``), because gathering the tables means importing
each layer's models; ``ctom_lti.db`` below them only provides the declarative base and engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Protocol


class HasModels(Protocol):
    """A feature, as far as the database cares: the module declaring its tables, if any."""

    @property
    def models(self) -> ModuleType | None: ...


def import_all_models(features: Iterable[HasModels] | None = None) -> tuple[ModuleType, ...]:
    """Import every module that declares tables, so ``Model.metadata`` is complete.

    :param features: the features whose models to include; by default the application's own
        (``ctom_lti.FEATURES``).
    :returns: the features' models modules.
    """
    from ctom_lti import models  # noqa: F401
    from ctom_lti.canvas_sync import models as sync_models  # noqa: F401
    from ctom_lti.grades import models as grade_models  # noqa: F401
    from ctom_lti.lti import models as lti_models  # noqa: F401

    if features is None:
        from ctom_lti import app_features

        features = app_features()
    # A feature's package imported its models module when it declared the feature.
    return tuple(feature.models for feature in features if feature.models is not None)
