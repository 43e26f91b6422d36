"""What ``ctom-lti sync`` says when Canvas refuses a call or does not answer."""

from __future__ import annotations

from pathlib import Path

from ctom_lti.canvas.errors import CanvasError, CanvasNotFound, CanvasUnavailable
from ctom_lti.cohorts import CohortConfig


def canvas_problem(
    exc: CanvasError, cohort_file: Path, cohort: CohortConfig, canvas_url: str | None
) -> str:
    """One line (two with the hint) saying what Canvas refused; never a traceback."""
    account = cohort.account_id
    if isinstance(exc, CanvasUnavailable) and exc.canvas_status is None:
        # Nothing answered: speak of what the admin asked for (this Canvas, this course), not of
        # the API path the first request happened to use.
        return (
            f"Error: Could not reach Canvas at {canvas_url} ({no_answer_reason(exc)}) to sync "
            f"course {cohort.sis_course_id} from {cohort_file.name}.\n"
            "What to do: Check the Canvas address (--canvas-url or CTOM_CANVAS_URL) and that "
            "this machine can reach it, then run again."
        )
    if (
        isinstance(exc, CanvasNotFound)
        and exc.endpoint
        and exc.endpoint.startswith("GET accounts/")
    ):
        return (
            f"Error: Canvas has no account {account}. Check account_id under [cohort] in "
            f"{cohort_file.name} (the number in the account's Canvas address)."
        )
    return f"Error: {exc.message}\nWhat to do: {exc.hint}"


def no_answer_reason(exc: BaseException) -> str:
    """Why no answer came, in a few words, from the network error behind ``exc``."""
    seen: BaseException | None = exc
    text = ""
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        text += f" {seen}"
        seen = seen.__cause__ or seen.__context__
    lowered = text.lower()
    for marker, reason in (
        ("refused", "connection refused"),
        ("name or service not known", "no such host"),
        ("nodename nor servname", "no such host"),
        ("failed to resolve", "no such host"),
        ("timed out", "no answer in time"),
        ("timeout", "no answer in time"),
    ):
        if marker in lowered:
            return reason
    return "no answer"
