"""Helpers for syncing against the sandbox Canvas over HTTP and reading the result back.

The result is read from the sandbox's own store, not through the API sync uses, so a bug in how
sync reads Canvas cannot hide a bug in what it wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ctom_lti.canvas import RetryPolicy, Throttle, make_canvas_gateway
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync import SyncReport, load_cohort, sync_course
from ctom_lti.canvas_sync.desired import desired_course
from ctom_lti.canvas_sync.desired_objects import DesiredCourse
from ctom_lti.canvas_sync.spec import load_spec
from ctom_lti.cohorts import CohortConfig
from ctom_lti.curriculum.loader import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.lti.config_json import developer_key_config, redirect_uris
from ctom_lti.sandbox.platform.developer_keys import create_developer_key
from ctom_lti.sandbox.platform.tools import deploy
from ctom_lti.sandbox.server import SandboxServer
from ctom_lti.sandbox.store import Store

TOOL_URL = "http://localhost:5005"
EXAMPLE = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml").read_text("utf-8")
#: Retries as in production but with short waits, so fault tests stay fast.
FAST_RETRIES = RetryPolicy(attempts=10, initial_wait=0.005, max_wait=0.05, throttled_wait=0.05)

#: SIS ids of the example cohort file's people
CANDIDATES = ("cand-001", "cand-002", "cand-003")
MENTORS = ("mentor-001", "mentor-002")


def fast_gateway(sandbox: SandboxServer, token: str | None = None, **kw: Any) -> CanvasGateway:
    kw.setdefault("retry_policy", FAST_RETRIES)
    kw.setdefault("throttle", Throttle(max_pause=0.2))
    return make_canvas_gateway(sandbox.base_url, token or sandbox.admin_token, **kw)


def install_tool(store: Store, base_url: str = TOOL_URL) -> str:
    """Register the tool as a developer key and deploy it for the root account; its client_id."""
    key = create_developer_key(store, developer_key_config(base_url), redirect_uris(base_url))
    deploy(store, key)
    return key.client_id


def add_people(store: Store) -> dict[str, int]:
    """The example cohort's candidates and mentors as Canvas users; their ids by SIS id."""
    ids = {}
    for sis in (*CANDIDATES, *MENTORS):
        user = store.add_user(f"Person {sis}", f"{sis}@example.edu", sis_user_id=sis)
        ids[sis] = user.id
    return ids


def enroll_candidates(store: Store, course_id: int, people: dict[str, int]) -> None:
    """What an SIS import would do: candidates become students of the course."""
    for sis in CANDIDATES:
        store.enroll(people[sis], course_id, "StudentEnrollment")


@dataclass
class SyncSetup:
    app: Flask
    sandbox: SandboxServer
    cohort_path: Path
    cohort: CohortConfig

    def desired(self) -> DesiredCourse:
        return desired_course(load_curriculum(), load_spec(), self.cohort, tool_base_url=TOOL_URL)

    def run(self, gateway: CanvasGateway | None = None, **kw: Any) -> SyncReport:
        gateway = gateway or fast_gateway(self.sandbox)
        with session_scope(self.app) as session:
            return sync_course(session, gateway, self.cohort, tool_base_url=TOOL_URL, **kw)

    def write_cohort(self, text: str) -> None:
        self.cohort_path.write_text(text)
        self.cohort = load_cohort(self.cohort_path, load_curriculum())

    def course_id(self) -> int:
        store = self.sandbox.store
        return next(c.id for c in store.courses.values() if c.sis_course_id == "CTOM-2026-C12")

    def assert_course_is_desired(self, *, observers: bool = False) -> None:
        """The Canvas course is exactly the desired one (mentor links only with ``observers``)."""
        assert describe(self.sandbox.store, self.course_id()) == expected(
            self.desired(), observers=observers
        )

    def assert_finished_by_next_run(self) -> None:
        """One more sync completes the course, and a sync after that has nothing to write."""
        report = self.run()
        assert report.ok
        self.assert_course_is_desired()
        self.sandbox.log.clear()
        self.run()
        assert self.sandbox.log.writes() == []


@pytest.fixture
def setup(app: Flask, sandbox: SandboxServer, tmp_path: Path) -> Iterator[SyncSetup]:
    path = tmp_path / "cohort.toml"
    path.write_text(EXAMPLE)
    install_tool(sandbox.store)
    yield SyncSetup(app, sandbox, path, load_cohort(path, load_curriculum()))


def describe(store: Store, course_id: int) -> dict[str, Any]:
    """The course as the sandbox holds it: what a person would see, ids left out."""
    groups = {
        g.id: g.name
        for g in store.assignment_groups.values()
        if g.course_id == course_id and g.workflow_state != "deleted"
    }
    modules = sorted(
        (
            m
            for m in store.modules.values()
            if m.course_id == course_id and m.workflow_state != "deleted"
        ),
        key=lambda m: m.position,
    )
    items_of: Callable[[int], list[Any]] = lambda mid: sorted(  # noqa: E731
        (
            i
            for i in store.module_items.values()
            if i.module_id == mid and i.workflow_state != "deleted"
        ),
        key=lambda i: i.position,
    )
    assignments = [
        a
        for a in store.assignments.values()
        if a.course_id == course_id and a.workflow_state != "deleted"
    ]
    ordered_groups = sorted(
        (g for g in store.assignment_groups.values() if g.id in groups), key=lambda g: g.position
    )
    observers = {
        (store.users[e.user_id].sis_user_id, store.users[e.associated_user_id].sis_user_id)
        for e in store.enrollments.values()
        if e.course_id == course_id
        and e.type == "ObserverEnrollment"
        and e.associated_user_id
        and e.enrollment_state != "deleted"
    }
    return {
        "groups": [g.name for g in ordered_groups],
        "modules": [
            {
                "name": m.name,
                "published": m.workflow_state == "active",
                "items": [
                    (i.type, i.title, i.indent, i.external_url, i.workflow_state == "active")
                    for i in items_of(m.id)
                ],
            }
            for m in modules
        ],
        "pages": sorted(
            (p.title, p.workflow_state)
            for p in store.pages.values()
            if p.course_id == course_id and p.workflow_state != "deleted"
        ),
        "assignments": sorted(
            (
                groups.get(a.assignment_group_id, "?"),
                a.name,
                a.grading_type,
                a.points_possible,
                a.published,
            )
            for a in assignments
        ),
        # Gradebook column order: group position, then position in the group.
        "gradebook": [
            a.name
            for g in ordered_groups
            for a in sorted(
                (x for x in assignments if x.assignment_group_id == g.id), key=lambda x: x.position
            )
        ],
        "observers": observers,
    }


def expected(desired: DesiredCourse, observers: bool = True) -> dict[str, Any]:
    """What :func:`describe` must show for a course that matches ``desired``."""
    group_names = {g.key: g.name for g in desired.groups}
    return {
        "groups": ["Assignments", *group_names.values()],
        "modules": [
            {
                "name": m.name,
                "published": True,
                "items": [(i.type, i.title, i.indent, i.external_url, True) for i in m.items],
            }
            for m in desired.modules
        ],
        "pages": sorted((p.title, "active") for p in desired.pages),
        "assignments": sorted(
            (group_names[a.group_key], a.name, "pass_fail", 1.0, True) for a in desired.assignments
        ),
        "gradebook": [
            a.name for g in desired.groups for a in desired.assignments if a.group_key == g.key
        ],
        "observers": (
            {(o.mentor_sis_id, o.candidate_sis_id) for o in desired.observers}
            if observers
            else set()
        ),
    }
