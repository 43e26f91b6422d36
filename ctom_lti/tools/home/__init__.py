"""The role-aware home page: what you can do here and what is due."""

from ctom_lti.features import Feature, Page
from ctom_lti.links import HOME
from ctom_lti.tools.home.views import bp

feature = Feature(
    name="home",
    blueprint=bp,
    pages=(Page(HOME, "CTO Mentor home", "home.index", nav_label="Home"),),
)
