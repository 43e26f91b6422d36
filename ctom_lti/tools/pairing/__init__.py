"""Mentor pairing: qualified mentors, an optimal matching that explains itself, a history, and
pairings pushed to Canvas as observer links."""

from flask import Blueprint

from ctom_lti.features import Feature
from ctom_lti.tools.pairing import models
from ctom_lti.tools.pairing.cli import pairing_group

bp = Blueprint("pairing", __name__, template_folder="templates")

feature = Feature(name="pairing", blueprint=bp, models=models, commands=(pairing_group,))
