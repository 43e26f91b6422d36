"""Progress objects for asynchronous jobs (canvas-rest.md §4.17, §4.11).

A job is queued when created and runs either on a short timer or, at the latest, when a client
polls ``GET /progress/:id`` — so a poll right after the POST already sees ``completed``, while
the POST itself answered ``queued`` as Canvas does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.coursework_records import Progress
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import current_user, is_account_admin, store
from ctom_lti.sandbox.rest.render import api_url
from ctom_lti.sandbox.store import Store
from ctom_lti.sandbox.timestamps import iso, now

bp = Blueprint("progress", __name__)

#: how long a queued job waits before running by itself (seconds)
RUN_AFTER = 0.05

Job = Callable[[], dict[str, Any] | None]


def progress_json(progress: Progress) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": progress.id,
        "context_id": progress.context_id,
        "context_type": progress.context_type,
        "user_id": progress.user_id,
        "tag": progress.tag,
        "completion": progress.completion,
        "workflow_state": progress.workflow_state,
        "created_at": iso(progress.created_at),
        "updated_at": iso(progress.updated_at),
        "message": progress.message,
        "url": api_url(f"progress/{progress.id}"),
    }
    if progress.results is not None:
        data["results"] = progress.results
    return data


def _jobs(s: Store) -> dict[int, Job]:
    return s.table("progress_jobs")


def start_job(
    s: Store, *, context_type: str, context_id: int, user_id: int | None, tag: str, job: Job
) -> Progress:
    """Queue ``job`` behind a new Progress; a :class:`ValueError` from it fails the Progress
    with its message."""
    with s.lock:
        progress = Progress(
            id=s.next_id("progress"),
            context_type=context_type,
            context_id=context_id,
            user_id=user_id,
            tag=tag,
        )
        s.progresses[progress.id] = progress
        _jobs(s)[progress.id] = job
    timer = threading.Timer(RUN_AFTER, run_job, args=(s, progress.id))
    timer.daemon = True
    timer.start()
    return progress


def run_job(s: Store, progress_id: int) -> None:
    """Run the queued job of ``progress_id`` if it has not run yet."""
    with s.lock:
        job = _jobs(s).pop(progress_id, None)
        progress = s.progresses.get(progress_id)
        if job is None or progress is None:
            return
        progress.workflow_state = "running"
        try:
            progress.results = job()
        except ValueError as exc:
            progress.workflow_state = "failed"
            progress.message = str(exc)
        else:
            progress.workflow_state = "completed"
            progress.completion = 100.0
        progress.updated_at = now()


@bp.get("/progress/<int:progress_id>")
def get_progress(progress_id: int) -> Response:
    s = store()
    progress = s.progresses.get(progress_id)
    if progress is None:
        raise errors.not_found()
    user = current_user()
    if progress.user_id not in (None, user.id) and not is_account_admin(user, s.root_account_id):
        raise errors.unauthorized()
    run_job(s, progress_id)
    return jsonify(progress_json(progress))
