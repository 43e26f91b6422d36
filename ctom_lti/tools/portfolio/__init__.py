"""Portfolio reflections: a candidate's evidence and reflection for each of the 16 principles,
reviewed, commented on and signed off by their mentor and the cohort's instructors."""

from ctom_lti.config import Setting
from ctom_lti.features import Feature, HomeCards, Page
from ctom_lti.links import REFLECTION
from ctom_lti.models import Role
from ctom_lti.tools.portfolio import artifact_edit_views, artifact_views, models, review_views
from ctom_lti.tools.portfolio.cli import portfolio_group
from ctom_lti.tools.portfolio.demo_seed import seed_demo
from ctom_lti.tools.portfolio.export import views as export_views
from ctom_lti.tools.portfolio.facts import CARD_FACTS, card_rule, completion_facts
from ctom_lti.tools.portfolio.views import bp

# Their routes join the portfolio blueprint.
_ = (artifact_views, artifact_edit_views, review_views, export_views)
PARTICIPANTS = frozenset({Role.CANDIDATE, Role.MENTOR, Role.INSTRUCTOR, Role.ADMIN})
REVIEWERS = frozenset({Role.MENTOR, Role.INSTRUCTOR, Role.ADMIN})

feature = Feature(
    name="portfolio",
    blueprint=bp,
    pages=(
        Page("portfolio", "Portfolio", "portfolio.index", PARTICIPANTS, nav_label="Portfolio"),
        Page(
            REFLECTION,
            "Portfolio reflections",
            "portfolio.reflection",
            PARTICIPANTS,
            per_principle=True,
            item_label="Reflection",
        ),
        Page(
            "portfolio-artifacts",
            "Your evidence",
            "portfolio.artifacts",
            frozenset({Role.CANDIDATE}),
            linkable=False,
        ),
        Page(
            "portfolio-candidate",
            "A candidate's portfolio",
            "portfolio.candidate",
            PARTICIPANTS,
            linkable=False,
        ),
        Page(
            "portfolio-review",
            "Review a reflection",
            "portfolio.review",
            PARTICIPANTS,
            linkable=False,
        ),
        Page("portfolio-file", "Artifact file", "portfolio.download", PARTICIPANTS, linkable=False),
    ),
    cards=HomeCards(card_rule, CARD_FACTS),
    models=models,
    settings=(
        Setting("PORTFOLIO_MAX_UPLOAD_MB", 10, int),
        Setting("PORTFOLIO_STORAGE_DIR", "", str),
        # Where exports are built and kept for a day (the instance folder when empty); every
        # worker of the app must see the same folder.
        Setting("PORTFOLIO_EXPORT_DIR", "", str),
    ),
    commands=(portfolio_group,),
    demo_seed=seed_demo,
    completion_facts=completion_facts,
)
