"""One attempt at a request's grade posts right after it has answered.

:func:`ctom_lti.grades.outbox.enqueue_pass_fail` notes each new row on its session; when that
session commits, the ids are handed to the request, and once the response has been sent (the
WSGI server closes it) the posts are tried once. Whatever fails stays in the outbox for the
worker: the request is neither slowed nor broken by Canvas.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, has_request_context
from flask.sansio.blueprints import BlueprintSetupState
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ctom_lti.db import get_sessionmaker
from ctom_lti.grades.outbox import ENQUEUED_KEY
from ctom_lti.grades.settings import outbox_settings

log = logging.getLogger(__name__)
_COMMITTED = "ctom_grades_committed"


def _committed(session: Session) -> None:
    ids = session.info.pop(ENQUEUED_KEY, None)
    if ids and has_request_context():
        g.setdefault(_COMMITTED, []).extend(ids)


def _rolled_back(session: Session, *_args: Any) -> None:
    session.info.pop(ENQUEUED_KEY, None)


def watch_commits(state: BlueprintSetupState) -> None:
    """Follow the app's sessions' commits (run once, when the blueprint is registered)."""
    factory = get_sessionmaker(state.app)  # type: ignore[arg-type]
    event.listen(factory, "after_commit", _committed)
    event.listen(factory, "after_rollback", _rolled_back)


def _attempt(app: Flask, ids: list[int]) -> None:
    from ctom_lti.grades.worker import post_now

    try:
        with app.app_context():
            post_now(app, ids)
    except Exception:  # never let Canvas, or the tool, break the finished request
        log.exception("grade posts %s: the attempt after the request failed", ids)


def after_request(response: Response) -> Response:
    """Schedule one attempt at the posts this request committed, after the response is sent."""
    from flask import current_app

    ids: list[int] | None = g.pop(_COMMITTED, None)
    if ids:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        if outbox_settings(app).post_after_request:
            wanted = sorted(set(ids))
            response.call_on_close(lambda: _attempt(app, wanted))
    return response
