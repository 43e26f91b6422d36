"""The sandbox's records of accounts, courses and who is in them: roles, sections, enrollments,
groups, and the tools installed in a course or account.

Plain dataclasses shaped after Canvas's own models (see :mod:`ctom_lti.sandbox.store`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ctom_lti.sandbox.timestamps import now

# Enrollment types Canvas knows (canvas-rest.md §4.4) and the LTI membership role each maps to
# (canvas-lti.md §4.4).
ENROLLMENT_TYPES = (
    "StudentEnrollment",
    "TeacherEnrollment",
    "TaEnrollment",
    "DesignerEnrollment",
    "ObserverEnrollment",
    "StudentViewEnrollment",
)


@dataclass
class Account:
    id: int
    name: str
    parent_account_id: int | None = None
    #: root account's ``lti_guid`` (tool_platform.guid claim)
    lti_guid: str = ""
    sis_account_id: str | None = None

    @property
    def root_account_id(self) -> int:
        return self.id if self.parent_account_id is None else self.parent_account_id


@dataclass
class CourseRole:
    """A custom course role (Canvas ``Role``) based on one of the enrollment types."""

    id: int
    label: str
    base_role_type: str
    account_id: int


@dataclass
class Course:
    id: int
    account_id: int
    root_account_id: int
    name: str
    course_code: str
    workflow_state: str = "unpublished"  # API states: unpublished|available|completed|deleted
    sis_course_id: str | None = None
    integration_id: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    restrict_enrollments_to_course_dates: bool = False
    default_view: str = "modules"
    time_zone: str = "America/Los_Angeles"
    is_public: bool = False
    apply_assignment_group_weights: bool = False
    hide_final_grades: bool = False
    syllabus_body: str | None = None
    term_id: int | None = None
    uuid: str = field(default_factory=lambda: secrets.token_hex(20))
    created_at: datetime = field(default_factory=now)


@dataclass
class Section:
    id: int
    course_id: int
    name: str
    sis_section_id: str | None = None
    integration_id: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    default: bool = False


@dataclass
class Enrollment:
    id: int
    user_id: int
    course_id: int
    course_section_id: int
    type: str
    #: custom course role id, or None for the base role of ``type``
    role_id: int | None = None
    enrollment_state: str = "active"  # active|invited|creation_pending|inactive|completed|deleted
    associated_user_id: int | None = None
    limit_privileges_to_course_section: bool = False
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    start_at: datetime | None = None
    end_at: datetime | None = None

    @property
    def is_current(self) -> bool:
        """Counts for LTI roles and NRPS (current enrollments only, canvas-lti.md §4.4)."""
        return self.enrollment_state in {"active", "invited", "creation_pending"}


@dataclass
class GroupCategory:
    id: int
    course_id: int
    name: str
    self_signup: str | None = None
    auto_leader: str | None = None
    group_limit: int | None = None
    sis_group_category_id: str | None = None
    workflow_state: str = "active"


@dataclass
class Group:
    id: int
    group_category_id: int
    course_id: int
    name: str
    description: str | None = None
    is_public: bool = False
    join_level: str = "invitation_only"
    sis_group_id: str | None = None
    max_membership: int | None = None
    workflow_state: str = "available"


@dataclass
class GroupMembership:
    id: int
    group_id: int
    user_id: int
    workflow_state: str = "accepted"
    moderator: bool = False


@dataclass
class ExternalTool:
    """A ContextExternalTool: an installed tool, i.e. an LTI 1.3 deployment (canvas-rest.md §4.18).

    Course-level and account-level installs each are one record; an account-level install is
    visible in every course below the account. ``deployment_id`` is derived by
    :meth:`~ctom_lti.sandbox.store.Store.deployment_id` as ``<id>:<opaque id of the context>``
    (canvas-lti.md §1.3).
    """

    id: int
    context_type: str  # "Course" | "Account"
    context_id: int
    name: str
    privacy_level: str = "anonymous"
    url: str | None = None
    domain: str | None = None
    description: str | None = None
    consumer_key: str | None = None
    shared_secret: str | None = None
    custom_fields: dict[str, str] = field(default_factory=dict)
    #: placement name → its settings (e.g. {"course_navigation": {"enabled": True, ...}})
    placements: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: LTI 1.3: the developer key's client_id (global id as a decimal string)
    client_id: str | None = None
    developer_key_id: int | None = None
    version: str = "1.1"
    workflow_state: str = "public"  # the privacy level, or "disabled"/"deleted"
    icon_url: str | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
