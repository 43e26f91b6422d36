"""A person's programme profile: the facts mentor pairing will match on."""

from ctom_lti.features import Feature, Page
from ctom_lti.tools.profile import models
from ctom_lti.tools.profile.rules import EDIT_ENDPOINT
from ctom_lti.tools.profile.service import home_cards
from ctom_lti.tools.profile.views import bp

#: The profile page's stable name (links in Canvas may point at it).
PROFILE = "profile"

feature = Feature(
    name="profile",
    blueprint=bp,
    pages=(Page(PROFILE, "Your programme profile", EDIT_ENDPOINT, nav_label="Profile"),),
    cards=home_cards,
    models=models,
)
