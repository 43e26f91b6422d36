"""A person's programme profile: the facts mentor pairing will match on."""

from ctom_lti.features import Feature, HomeCards, Page
from ctom_lti.tools.profile import models
from ctom_lti.tools.profile.rules import EDIT_ENDPOINT
from ctom_lti.tools.profile.service import CARD_FACTS, card_rule
from ctom_lti.tools.profile.views import bp

#: The profile page's stable name (links in Canvas may point at it).
PROFILE = "profile"

feature = Feature(
    name="profile",
    blueprint=bp,
    pages=(Page(PROFILE, "Your programme profile", EDIT_ENDPOINT, nav_label="Profile"),),
    cards=HomeCards(card_rule, CARD_FACTS),
    models=models,
)
