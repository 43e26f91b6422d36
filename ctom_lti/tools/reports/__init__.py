"""Monthly mentor progress reports: due every programme month for each pairing, written by the
mentor, reviewed by an instructor, shared in part with the candidate."""

from ctom_lti.config import Setting
from ctom_lti.features import Feature, HomeCards, Page
from ctom_lti.links import REPORTS
from ctom_lti.models import Role
from ctom_lti.tools.reports import grid_views, models, reminder_cli, reminder_models, report_views
from ctom_lti.tools.reports.cards import CARD_FACTS, card_rule
from ctom_lti.tools.reports.cli import reports_group
from ctom_lti.tools.reports.completion import completion_facts
from ctom_lti.tools.reports.demo_seed import seed_demo
from ctom_lti.tools.reports.schedule import DEFAULT_DUE_DAY
from ctom_lti.tools.reports.views import bp

PARTICIPANTS = frozenset({Role.CANDIDATE, Role.MENTOR, Role.INSTRUCTOR, Role.ADMIN})
STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})
# Their routes join the reports blueprint, the reminders' table joins the models and the
# due and remind commands join the reports group.
_ = (report_views, grid_views, reminder_models, reminder_cli)

feature = Feature(
    name="reports",
    blueprint=bp,
    pages=(
        # Mentors see their mentees by month; candidates their shared reports; staff what waits
        # for review.
        Page(REPORTS, "Monthly mentor reports", "reports.index", PARTICIPANTS, nav_label="Reports"),
        Page("reports-grid", "Reports by month", "reports.cohort_grid", STAFF, linkable=False),
        Page(
            "reports-overview",
            "Reports in every cohort",
            "reports.overview",
            frozenset({Role.ADMIN}),
            linkable=False,
        ),
        Page(
            "reports-export",
            "Reports as CSV",
            "reports.export_csv",
            STAFF | {Role.MENTOR},
            linkable=False,
        ),
    ),
    cards=HomeCards(card_rule, CARD_FACTS),
    models=models,
    commands=(reports_group,),
    settings=(Setting("REPORTS_DUE_DAY", DEFAULT_DUE_DAY, int),),
    completion_facts=completion_facts,
    demo_seed=seed_demo,
)
