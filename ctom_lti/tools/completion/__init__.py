"""Programme completion: one explainable decision per candidate, from Canvas's gradebook and the
other features' evidence, with admins' overrides and frozen, re-verifiable snapshots."""

from ctom_lti.features import Feature, HomeCards, Page
from ctom_lti.models import Role
from ctom_lti.tools.completion import models
from ctom_lti.tools.completion.cards import CARD_FACTS, card_rule
from ctom_lti.tools.completion.cli import completion_command
from ctom_lti.tools.completion.demo_seed import seed_demo
from ctom_lti.tools.completion.views import bp

STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})
COMPLETION = "completion"

feature = Feature(
    name="completion",
    blueprint=bp,
    pages=(
        # Candidates see their checklist; staff the cohort table.
        Page(
            COMPLETION,
            "Programme completion",
            "completion.index",
            frozenset({Role.CANDIDATE, *STAFF}),
            nav_label="Completion",
        ),
        Page("completion-export", "Completion CSV", "completion.export", STAFF, linkable=False),
        Page(
            "completion-candidate",
            "A candidate's completion",
            "completion.candidate",
            STAFF,
            linkable=False,
        ),
        Page(
            "completion-override",
            "Override a completion rule",
            "completion.override",
            frozenset({Role.ADMIN}),
            linkable=False,
        ),
        Page(
            "completion-snapshots",
            "Completion snapshots",
            "completion.snapshot_list",
            STAFF,
            linkable=False,
        ),
        Page(
            "completion-freeze",
            "Freeze a completion snapshot",
            "completion.freeze",
            frozenset({Role.ADMIN}),
            linkable=False,
        ),
        Page(
            "completion-snapshot",
            "A completion snapshot",
            "completion.snapshot_show",
            STAFF,
            linkable=False,
        ),
        Page(
            "completion-verify",
            "Verify a completion snapshot",
            "completion.snapshot_verify",
            STAFF,
            linkable=False,
        ),
    ),
    cards=HomeCards(card_rule, CARD_FACTS),
    models=models,
    commands=(completion_command,),
    demo_seed=seed_demo,
)
