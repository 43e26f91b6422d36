"""Mentor pairing: qualified mentors, an optimal matching that explains itself, a history, and
pairings pushed to Canvas as observer links."""

from ctom_lti.features import Feature, HomeCards, Page
from ctom_lti.links import PAIRING
from ctom_lti.models import Role
from ctom_lti.tools.pairing import models, profile_views, push_views
from ctom_lti.tools.pairing.cards import CARD_FACTS, card_rule
from ctom_lti.tools.pairing.cli import pairing_group
from ctom_lti.tools.pairing.demo_seed import seed_demo
from ctom_lti.tools.pairing.views import bp

# Its routes join the pairing blueprint.
_ = (profile_views, push_views)
STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})
PARTICIPANTS = frozenset({Role.CANDIDATE, Role.MENTOR, Role.INSTRUCTOR, Role.ADMIN})

feature = Feature(
    name="pairing",
    blueprint=bp,
    pages=(
        # Staff see the board; mentors their mentees; candidates their mentor.
        Page(PAIRING, "Mentor pairing", "pairing.index", PARTICIPANTS, nav_label="Pairing"),
        Page(
            "pairing-mentors", "Mentors and eligibility", "pairing.mentors", STAFF, linkable=False
        ),
        Page("pairing-history", "Pairing history", "pairing.history", STAFF, linkable=False),
        Page(
            "pairing-import",
            "Import mentors and candidates",
            "pairing.import_form",
            STAFF,
            linkable=False,
        ),
        Page(
            "pairing-profile",
            "Your pairing profile",
            "pairing.own_profile",
            frozenset({Role.MENTOR, Role.CANDIDATE}),
            linkable=False,
        ),
        Page(
            "pairing-profile-edit",
            "Edit a pairing profile",
            "pairing.edit_profile",
            STAFF,
            linkable=False,
        ),
        Page(
            "pairing-verify",
            "Mark evidence verified",
            "pairing.verify",
            frozenset({Role.ADMIN}),
            linkable=False,
        ),
    ),
    cards=HomeCards(card_rule, CARD_FACTS),
    models=models,
    commands=(pairing_group,),
    demo_seed=seed_demo,
)
