"""The grade outbox's staff page, commands and settings, as a feature (the outbox itself is the
shared package ``ctom_lti.grades``, which features post through)."""

from ctom_lti.features import Feature, HomeCards, Page
from ctom_lti.grades import models
from ctom_lti.grades.cards import CARD_FACTS, card_rule
from ctom_lti.grades.cli import grades_group, worker_command
from ctom_lti.grades.settings import SETTINGS
from ctom_lti.grades.views import bp
from ctom_lti.models import Role

STAFF = frozenset({Role.INSTRUCTOR, Role.ADMIN})

feature = Feature(
    name="grades",
    blueprint=bp,
    pages=(
        Page(
            "grades",
            "Grades on their way to Canvas",
            "grades.index",
            STAFF,
            linkable=False,
        ),
    ),
    cards=HomeCards(card_rule, CARD_FACTS),
    models=models,
    commands=(worker_command, grades_group),
    settings=SETTINGS,
)
