"""The demo's course: a cohort file for the seeded sandbox course, and the course built from it with
the real course sync, as an administrator would build a cohort's course."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from ctom_lti.canvas_sync import SyncReport
    from ctom_lti.sandbox.server import SandboxServer


def demo_cohort_toml(stack_sandbox: SandboxServer, tool_base_url: str) -> str:
    """A cohort file for the seeded demo course, pairings taken from the seeded observers.

    It names the demo tool's address, so syncing it again (``ctom-lti sync``) links to the tool
    the demo installed whatever ``CTOM_BASE_URL`` says.
    """
    from ctom_lti.sandbox.seed import COURSE_SIS_ID

    seed = stack_sandbox.demo
    assert seed is not None and seed.course is not None
    store = stack_sandbox.store
    example = Path(__file__).parent / "canvas_sync" / "cohort.example.toml"
    text = example.read_text("utf-8")
    # Keep the example's sessions and principle schedule; point it at the seeded course and
    # replace its example pairings with the seeded mentors and their candidates.
    head, _, _ = text.partition("[[pairings]]")
    head = head.replace('sis_course_id = "CTOM-2026-C12"', f'sis_course_id = "{COURSE_SIS_ID}"')
    head = head.replace('course_code = "CTOM-12"', f'course_code = "{seed.course.course_code}"')
    # The demo must stay open whatever today's date is, so no enrollment window.
    head = head.replace(
        "restrict_enrollments_to_course_dates = true",
        "restrict_enrollments_to_course_dates = false",
    )
    head = head.replace('name = "CTO Mentor Program - Cohort 12"', f'name = "{seed.course.name}"')
    head = head.replace('# base_url = "https://ctom.example.edu"', f'base_url = "{tool_base_url}"')
    pairings = []
    for mentor in seed.mentors:
        candidates = [store.users[cid].sis_user_id for cid in seed.mentees[mentor.id]]
        listed = ", ".join(f'"{sis}"' for sis in candidates)
        pairings.append(
            f'[[pairings]]\nmentor_sis_id = "{mentor.sis_user_id}"\n'
            f"candidate_sis_ids = [{listed}]\n"
        )
    return head + "\n".join(pairings)


def build_demo_course(
    app: Flask,
    sandbox: SandboxServer,
    tool_base_url: str,
    *,
    admin_token: str,
    say: Callable[[str], None],
) -> SyncReport:
    """Fill the seeded course with the real course sync, from a cohort file an admin could edit."""
    from ctom_lti.canvas import make_canvas_gateway
    from ctom_lti.canvas_sync import load_cohort, sync_course
    from ctom_lti.curriculum import load_curriculum
    from ctom_lti.db import session_scope

    cohort_file = Path(app.instance_path) / "demo-cohort.toml"
    cohort_file.write_text(demo_cohort_toml(sandbox, tool_base_url), "utf-8")
    cohort = load_cohort(cohort_file, load_curriculum())
    gateway = make_canvas_gateway(sandbox.base_url, admin_token)
    say(f"Building the course with the course sync ({cohort_file})...")
    with session_scope(app) as session:
        report = sync_course(session, gateway, cohort, tool_base_url=tool_base_url)
    say("Course built: " + ", ".join(f"{n} {k}" for k, n in report.counts.items()))
    return report
