"""The sandbox's records of what a course holds: assignments and their submissions, assignment
groups, modules and their items, wiki pages, and the progress of jobs such as bulk grading.

Plain dataclasses shaped after Canvas's own models (see :mod:`ctom_lti.sandbox.store`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ctom_lti.sandbox.timestamps import now


@dataclass
class Assignment:
    id: int
    course_id: int
    name: str
    assignment_group_id: int
    position: int = 1
    description: str | None = None
    points_possible: float | None = None
    grading_type: str = "points"
    submission_types: list[str] = field(default_factory=lambda: ["none"])
    due_at: datetime | None = None
    lock_at: datetime | None = None
    unlock_at: datetime | None = None
    published: bool = False
    workflow_state: str = "unpublished"  # published|unpublished|deleted
    omit_from_final_grade: bool = False
    sis_assignment_id: str | None = None
    integration_id: str | None = None
    integration_data: dict[str, Any] = field(default_factory=dict)
    #: external tool tag for submission_types == ["external_tool"]
    external_tool_url: str | None = None
    external_tool_new_tab: bool = False
    external_tool_custom_params: dict[str, str] | None = None
    #: the ExternalTool the tag resolved to (by content_id or URL), if any
    external_tool_id: int | None = None
    #: LTI resource link uuid for external-tool assignments (canvas-lti.md §1.3)
    resource_link_id: str | None = None
    post_manually: bool = False
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)


@dataclass
class Submission:
    """One row per (student, assignment) — Canvas keeps placeholders (canvas-rest.md §4.10)."""

    id: int
    assignment_id: int
    user_id: int
    score: float | None = None
    grade: str | None = None
    entered_score: float | None = None
    entered_grade: str | None = None
    excused: bool | None = None
    workflow_state: str = "unsubmitted"
    submitted_at: datetime | None = None
    graded_at: datetime | None = None
    grader_id: int | None = None
    posted_at: datetime | None = None
    attempt: int | None = None
    submission_type: str | None = None
    late_policy_status: str | None = None
    body: str | None = None
    url: str | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    updated_at: datetime = field(default_factory=now)


@dataclass
class AssignmentGroup:
    """A gradebook column group; every course starts with "Assignments" (canvas-rest.md §4.8)."""

    id: int
    course_id: int
    name: str
    position: int = 1
    group_weight: float = 0.0
    #: caller-chosen durable key (needs manage_sis in Canvas)
    sis_source_id: str | None = None
    #: free-form object a client stores for its own bookkeeping; merged on update
    integration_data: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    workflow_state: str = "available"  # available|deleted


@dataclass
class Module:
    """A context module; API-created modules start unpublished (canvas-rest.md §4.5)."""

    id: int
    course_id: int
    name: str
    position: int
    workflow_state: str = "unpublished"  # active|unpublished|deleted
    unlock_at: datetime | None = None
    require_sequential_progress: bool = False
    prerequisite_module_ids: list[int] = field(default_factory=list)
    publish_final_grade: bool = False
    created_at: datetime = field(default_factory=now)


@dataclass
class ModuleItem:
    """A content tag inside a module (canvas-rest.md §4.6); ``type`` uses the API names."""

    id: int
    course_id: int
    module_id: int
    type: str  # File|Page|Discussion|Assignment|Quiz|SubHeader|ExternalUrl|ExternalTool
    title: str
    position: int
    indent: int = 0
    #: the content's id (Page items: the page id; ExternalTool items: the tool id, 0 if none)
    content_id: int | None = None
    external_url: str | None = None
    new_tab: bool = False
    completion_requirement: dict[str, Any] | None = None
    workflow_state: str = "unpublished"  # active|unpublished|deleted
    #: LTI resource link uuid for ExternalTool items (canvas-lti.md §1.3)
    resource_link_id: str | None = None
    custom_params: dict[str, str] | None = None
    created_at: datetime = field(default_factory=now)


@dataclass
class Page:
    """A wiki page, addressed by its ``url`` slug (canvas-rest.md §4.7)."""

    id: int
    course_id: int
    title: str
    url: str
    body: str | None = None
    workflow_state: str = "unpublished"  # active|unpublished|deleted
    front_page: bool = False
    editing_roles: str = "teachers"
    publish_at: datetime | None = None
    todo_date: datetime | None = None
    last_edited_by_id: int | None = None
    #: slugs this page answered to before a title change (Canvas keeps them for lookups)
    old_urls: list[str] = field(default_factory=list)
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)


@dataclass
class Progress:
    """An asynchronous job's progress (canvas-rest.md §4.17); bulk grading returns one."""

    id: int
    context_type: str
    context_id: int
    user_id: int | None
    tag: str
    workflow_state: str = "queued"  # queued|running|completed|failed
    completion: float | None = None
    message: str | None = None
    results: dict[str, Any] | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
