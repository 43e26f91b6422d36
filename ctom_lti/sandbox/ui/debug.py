"""The last id_token the platform issued, decoded, for people checking what a tool receives."""

from __future__ import annotations

import json

import jwt
from werkzeug.wrappers import Response

from ctom_lti.sandbox.core import current_sandbox
from ctom_lti.sandbox.platform.state import last_id_token
from ctom_lti.sandbox.ui.access import require_user
from ctom_lti.sandbox.ui.blueprint import bp, page


@bp.get("/debug/id_token")
def id_token() -> Response:
    """The signed-in user's latest id_token (admins see the latest of anyone's)."""
    store = current_sandbox().store
    user = require_user(store)
    record = last_id_token(store, None if user.admin_of else user.lti_id)
    header = claims = None
    if record is not None:
        header = json.dumps(jwt.get_unverified_header(record["token"]), indent=2)
        claims = json.dumps(record["claims"], indent=2, sort_keys=True)
    return page("sandbox_ui/id_token.html", record=record, header=header, claims=claims)
