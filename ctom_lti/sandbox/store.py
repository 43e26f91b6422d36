"""In-memory state of the sandbox Canvas: the objects both the REST API and the LTI platform see.

One :class:`Store` per sandbox instance; every read-modify-write happens under ``store.lock``
(the sandbox serves requests from several threads). Objects are plain dataclasses shaped after
Canvas's own models; each REST or LTI module turns them into the JSON Canvas would send.

Identifier formats follow ``reference/canvas-lti.md`` §1.3: numeric ids per table, user ``lti_id``
UUIDs (the LTI ``sub``), and 40-hex opaque ids (HMAC-SHA1 of the Canvas asset string) for
``context.id``, ``login_hint`` and legacy user ids.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def now() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime | None) -> str | None:
    """Canvas timestamps: ISO-8601 UTC with ``Z`` (canvas-rest.md conventions)."""
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
class User:
    id: int
    name: str
    short_name: str
    sortable_name: str
    login_id: str
    email: str | None = None
    sis_user_id: str | None = None
    integration_id: str | None = None
    #: LTI ``sub``: a UUID v4 (canvas-lti.md §1.3)
    lti_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: datetime = field(default_factory=now)
    #: account ids where this user is an account admin (AccountUser)
    admin_of: set[int] = field(default_factory=set)
    site_admin: bool = False

    @property
    def given_name(self) -> str:
        return self.name.split(" ")[0]

    @property
    def family_name(self) -> str:
        return self.name.split(" ", 1)[1] if " " in self.name else ""


@dataclass
class AccessToken:
    token: str
    user_id: int
    created_at: datetime = field(default_factory=now)
    revoked: bool = False


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
class ExternalTool:
    """A ContextExternalTool: an installed tool, i.e. an LTI 1.3 deployment (canvas-rest.md §4.18).

    Course-level and account-level installs each are one record; an account-level install is
    visible in every course below the account. ``deployment_id`` is derived by
    :meth:`Store.deployment_id` as ``<id>:<opaque id of the context>`` (canvas-lti.md §1.3).
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


class Store:
    """All sandbox state. Feature modules add their own collections through :meth:`table`."""

    def __init__(
        self, *, secret: str | None = None, issuer: str = "https://canvas.instructure.com"
    ):
        self.lock = threading.RLock()
        #: signs opaque ids and hint JWTs; random per sandbox unless fixed for reproducible seeds
        self.secret = secret or secrets.token_hex(32)
        self.issuer = issuer
        self._ids: dict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        # Built-in course roles hold ids 3-7 (rest/enrollment_json.py BUILT_IN_ROLE_IDS); custom
        # course roles come after them, so no id means two roles.
        self._ids["roles"] = itertools.count(8)
        self._tables: dict[str, dict[Any, Any]] = defaultdict(dict)
        #: called with each new course (the REST layer adds the default "Assignments" group)
        self._course_created_hooks: list[Callable[[Course], None]] = []
        root = self.add_account("Sandbox Institution")
        self.root_account_id = root.id

    # --- generic -------------------------------------------------------------------------------
    def next_id(self, kind: str) -> int:
        with self.lock:
            return next(self._ids[kind])

    def table(self, kind: str) -> dict[Any, Any]:
        """The collection named ``kind`` (created empty on first use), keyed by id."""
        return self._tables[kind]

    def opaque_id(self, asset_string: str) -> str:
        """40-hex HMAC-SHA1 of a Canvas asset string such as ``course_12`` (canvas-lti.md §1.3)."""
        return hmac.new(self.secret.encode(), asset_string.encode(), hashlib.sha1).hexdigest()

    # --- typed accessors -----------------------------------------------------------------------
    @property
    def accounts(self) -> dict[int, Account]:
        return self._tables["accounts"]

    @property
    def users(self) -> dict[int, User]:
        return self._tables["users"]

    @property
    def tokens(self) -> dict[str, AccessToken]:
        return self._tables["tokens"]

    @property
    def roles(self) -> dict[int, CourseRole]:
        return self._tables["roles"]

    @property
    def courses(self) -> dict[int, Course]:
        return self._tables["courses"]

    @property
    def sections(self) -> dict[int, Section]:
        return self._tables["sections"]

    @property
    def enrollments(self) -> dict[int, Enrollment]:
        return self._tables["enrollments"]

    @property
    def assignments(self) -> dict[int, Assignment]:
        return self._tables["assignments"]

    @property
    def submissions(self) -> dict[int, Submission]:
        return self._tables["submissions"]

    @property
    def assignment_groups(self) -> dict[int, AssignmentGroup]:
        return self._tables["assignment_groups"]

    @property
    def modules(self) -> dict[int, Module]:
        return self._tables["modules"]

    @property
    def module_items(self) -> dict[int, ModuleItem]:
        return self._tables["module_items"]

    @property
    def pages(self) -> dict[int, Page]:
        return self._tables["pages"]

    @property
    def external_tools(self) -> dict[int, ExternalTool]:
        return self._tables["external_tools"]

    @property
    def progresses(self) -> dict[int, Progress]:
        return self._tables["progress"]

    @property
    def group_categories(self) -> dict[int, GroupCategory]:
        return self._tables["group_categories"]

    @property
    def groups(self) -> dict[int, Group]:
        return self._tables["groups"]

    @property
    def group_memberships(self) -> dict[int, GroupMembership]:
        return self._tables["group_memberships"]

    def deployment_id(self, tool: ExternalTool) -> str:
        """``<tool id>:<opaque id of the install context>`` (canvas-lti.md §1.3)."""
        asset = f"{tool.context_type.lower()}_{tool.context_id}"
        return f"{tool.id}:{self.opaque_id(asset)}"[:255]

    def tools_for_course(self, course_id: int) -> list[ExternalTool]:
        """Active tools installed in the course or in an account above it (course ones first)."""
        with self.lock:
            course = self.courses[course_id]
            account_ids: list[int] = []
            acct: Account | None = self.accounts.get(course.account_id)
            while acct is not None:
                account_ids.append(acct.id)
                acct = (
                    self.accounts.get(acct.parent_account_id)
                    if acct.parent_account_id is not None
                    else None
                )
            found = [
                t
                for t in self.external_tools.values()
                if t.workflow_state != "deleted"
                and (
                    (t.context_type == "Course" and t.context_id == course_id)
                    or (t.context_type == "Account" and t.context_id in account_ids)
                )
            ]
            return sorted(found, key=lambda t: (t.context_type != "Course", t.id))

    # --- creation helpers used by seeds, the UI and the REST API ------------------------------
    def add_account(self, name: str, parent_account_id: int | None = None) -> Account:
        with self.lock:
            acct = Account(self.next_id("accounts"), name, parent_account_id)
            acct.lti_guid = f"{secrets.token_urlsafe(30)[:40]}:canvas-lms"
            self.accounts[acct.id] = acct
            return acct

    def add_user(
        self,
        name: str,
        login_id: str,
        *,
        email: str | None = None,
        sis_user_id: str | None = None,
        admin_of: set[int] | None = None,
    ) -> User:
        with self.lock:
            parts = name.split(" ", 1)
            sortable = f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name
            user = User(
                id=self.next_id("users"),
                name=name,
                short_name=name,
                sortable_name=sortable,
                login_id=login_id,
                email=email,
                sis_user_id=sis_user_id,
                admin_of=set(admin_of or ()),
            )
            self.users[user.id] = user
            return user

    def issue_token(self, user_id: int, token: str | None = None) -> str:
        """Create an API access token for ``user_id`` (Canvas-style ``<id>~<random>``)."""
        with self.lock:
            value = token or f"{self.next_id('token_ids')}~{secrets.token_urlsafe(48)}"
            self.tokens[value] = AccessToken(value, user_id)
            return value

    def user_for_token(self, token: str) -> User | None:
        record = self.tokens.get(token)
        if record is None or record.revoked:
            return None
        return self.users.get(record.user_id)

    def add_course(
        self,
        name: str,
        *,
        account_id: int | None = None,
        course_code: str | None = None,
        sis_course_id: str | None = None,
        workflow_state: str = "unpublished",
    ) -> Course:
        """Create a course with its default "Assignments" group (canvas-rest.md §4.1)."""
        with self.lock:
            acct_id = account_id or self.root_account_id
            course = Course(
                id=self.next_id("courses"),
                account_id=acct_id,
                root_account_id=self.accounts[acct_id].root_account_id,
                name=name,
                course_code=course_code or name,
                sis_course_id=sis_course_id,
                workflow_state=workflow_state,
            )
            self.courses[course.id] = course
            for hook in self._course_created_hooks:
                hook(course)
            return course

    def on_course_created(self, hook: Callable[[Course], None]) -> None:
        self._course_created_hooks.append(hook)

    def default_section(self, course_id: int) -> Section:
        """The course's default section, created the first time something needs it."""
        with self.lock:
            for s in self.sections.values():
                if s.course_id == course_id and s.default:
                    return s
            course = self.courses[course_id]
            section = Section(self.next_id("sections"), course_id, course.name, default=True)
            self.sections[section.id] = section
            return section

    def enroll(
        self,
        user_id: int,
        course_id: int,
        type_: str,
        *,
        role_id: int | None = None,
        associated_user_id: int | None = None,
        section_id: int | None = None,
        state: str = "active",
    ) -> Enrollment:
        """Enroll idempotently on (user, type, role, associated user, section) (§4.4)."""
        if type_ not in ENROLLMENT_TYPES:
            raise ValueError(f"unknown enrollment type {type_!r}")
        with self.lock:
            sid = section_id or self.default_section(course_id).id
            for e in self.enrollments.values():
                if (
                    e.user_id == user_id
                    and e.course_id == course_id
                    and e.type == type_
                    and e.role_id == role_id
                    and e.associated_user_id == associated_user_id
                    and e.course_section_id == sid
                ):
                    if e.enrollment_state != state:
                        e.enrollment_state = state
                        e.updated_at = now()
                    return e
            enrollment = Enrollment(
                id=self.next_id("enrollments"),
                user_id=user_id,
                course_id=course_id,
                course_section_id=sid,
                type=type_,
                role_id=role_id,
                associated_user_id=associated_user_id,
                enrollment_state=state,
            )
            self.enrollments[enrollment.id] = enrollment
            return enrollment

    def add_course_role(self, label: str, base_role_type: str) -> CourseRole:
        with self.lock:
            role = CourseRole(self.next_id("roles"), label, base_role_type, self.root_account_id)
            self.roles[role.id] = role
            return role

    def enrollments_in(self, course_id: int, *, current_only: bool = True) -> list[Enrollment]:
        with self.lock:
            return [
                e
                for e in self.enrollments.values()
                if e.course_id == course_id and (e.is_current or not current_only)
            ]

    def students_of(self, course_id: int) -> list[int]:
        """User ids with a non-deleted student enrollment (incl. the test student), by id."""
        with self.lock:
            ids = {
                e.user_id
                for e in self.enrollments.values()
                if e.course_id == course_id
                and e.type in {"StudentEnrollment", "StudentViewEnrollment"}
                and e.enrollment_state not in {"deleted", "rejected"}
            }
            return sorted(ids)

    def submission_for(self, assignment_id: int, user_id: int) -> Submission:
        """The (assignment, student) row, created as an unsubmitted placeholder if missing."""
        with self.lock:
            index: dict[tuple[int, int], int] = self.table("submission_index")
            sid = index.get((assignment_id, user_id))
            if sid is not None:
                return self.submissions[sid]
            sub = Submission(self.next_id("submissions"), assignment_id, user_id)
            self.submissions[sub.id] = sub
            index[(assignment_id, user_id)] = sub.id
            return sub
