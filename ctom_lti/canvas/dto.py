"""What the rest of the tool knows about Canvas objects: small frozen dataclasses.

The gateway builds these from canvasapi's dynamic objects (reads) and turns the ``*Fields``
classes into Canvas parameters (writes), so nothing else depends on canvasapi's attribute bags or
on Canvas parameter spelling. Every ``id`` is a Canvas numeric id of the named object unless the
field says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# --- reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CanvasAccount:
    #: Canvas account id.
    id: int
    name: str


@dataclass(frozen=True)
class CanvasCourse:
    #: Canvas course id (the ``$Canvas.course.id`` of launches into it).
    id: int
    name: str
    course_code: str
    #: ``unpublished`` | ``available`` | ``completed`` | ``deleted``
    workflow_state: str
    account_id: int | None = None
    #: The course's SIS id (``sis_course_id``), how sync finds it again.
    sis_course_id: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    restrict_enrollments_to_course_dates: bool = False
    default_view: str | None = None
    time_zone: str | None = None


@dataclass(frozen=True)
class CanvasConversation:
    """A Canvas Inbox conversation as its sender sees it."""

    #: Canvas conversation id.
    id: int
    subject: str
    #: ``course_<Canvas course id>`` when sent in a course's context
    context_code: str | None
    #: Canvas user ids of everyone in it, the sender included
    participant_ids: tuple[int, ...] = ()
    #: Its messages (only when read one by one), newest first
    messages: tuple[CanvasMessage, ...] = ()


@dataclass(frozen=True)
class CanvasMessage:
    """One message of a conversation."""

    id: int
    author_id: int | None
    body: str


@dataclass(frozen=True)
class CanvasModuleItem:
    #: Canvas module item (content tag) id.
    id: int
    module_id: int
    position: int
    title: str
    #: ``SubHeader`` | ``Page`` | ``Assignment`` | ``ExternalTool`` | ``ExternalUrl`` | ...
    type: str
    indent: int = 0
    #: id of the assignment / tool / file the item points at (absent for pages and sub-headers)
    content_id: int | None = None
    #: page slug for ``Page`` items
    page_url: str | None = None
    #: launch URL for ``ExternalTool`` / target for ``ExternalUrl`` items
    external_url: str | None = None
    new_tab: bool = False
    published: bool | None = None


@dataclass(frozen=True)
class CanvasModule:
    #: Canvas module id.
    id: int
    name: str
    position: int
    published: bool | None
    #: ``None`` when Canvas chose not to inline the items (too many); fetch them separately.
    items: tuple[CanvasModuleItem, ...] | None
    items_count: int = 0


@dataclass(frozen=True)
class CanvasPage:
    #: Canvas wiki page id (``page_id``); the slug ``url`` changes with the title, this does not.
    page_id: int
    #: page slug, used in API paths (``pages/<url>``)
    url: str
    title: str
    published: bool
    body: str | None = None
    front_page: bool = False


@dataclass(frozen=True)
class CanvasAssignmentGroup:
    #: Canvas assignment group id.
    id: int
    name: str
    position: int
    integration_data: Mapping[str, Any] = field(default_factory=dict, hash=False)
    sis_source_id: str | None = None


@dataclass(frozen=True)
class CanvasAssignment:
    #: Canvas assignment id.
    id: int
    name: str
    assignment_group_id: int | None
    position: int
    points_possible: float | None
    grading_type: str
    submission_types: tuple[str, ...]
    published: bool
    due_at: datetime | None = None
    description: str | None = None
    integration_data: Mapping[str, Any] = field(default_factory=dict, hash=False)
    sis_assignment_id: str | None = None


@dataclass(frozen=True)
class CanvasEnrollment:
    #: Canvas enrollment id.
    id: int
    #: Canvas user id of the enrolled person.
    user_id: int
    #: ``StudentEnrollment`` | ``ObserverEnrollment`` | ...
    type: str
    enrollment_state: str
    #: for observers: Canvas user id of the student they observe
    associated_user_id: int | None = None
    #: SIS user id of the enrolled person (present for tokens with SIS read rights)
    sis_user_id: str | None = None


@dataclass(frozen=True)
class CanvasUser:
    #: Canvas user id.
    id: int
    name: str
    sis_user_id: str | None = None
    login_id: str | None = None


@dataclass(frozen=True)
class CanvasExternalTool:
    #: Canvas ContextExternalTool id (the ``content_id`` of ExternalTool module items).
    id: int
    name: str
    url: str | None = None
    domain: str | None = None
    #: id of the LTI 1.3 developer key the tool was installed from (shard-local spelling)
    developer_key_id: int | None = None
    #: LTI ``deployment_id`` of this install
    deployment_id: str | None = None
    #: whether the tool has a course navigation placement
    course_navigation: bool = False


@dataclass(frozen=True)
class GradebookEntry:
    """One student's submission of one assignment, as the gradebook shows it."""

    #: Canvas user id of the student.
    user_id: int
    assignment_id: int
    #: ``complete`` / ``incomplete`` for pass/fail assignments; ``None`` when ungraded
    grade: str | None
    score: float | None
    excused: bool
    #: ``unsubmitted`` | ``submitted`` | ``graded`` | ``pending_review``
    workflow_state: str
    sis_user_id: str | None = None
    graded_at: datetime | None = None
    submitted_at: datetime | None = None
    #: Canvas's own flags: past due when handed in (or marked late), past due with nothing in
    late: bool = False
    missing: bool = False
    #: the due date Canvas applies to this student (overrides included)
    due_at: datetime | None = None


@dataclass(frozen=True)
class CanvasSubmission:
    """One piece of work a student handed in (a submission with ``submitted_at``)."""

    #: Canvas submission id.
    id: int
    assignment_id: int
    #: Canvas user id of the student.
    user_id: int
    #: the assignment's name (read with ``include[]=assignment``); empty when Canvas left it out
    assignment_name: str
    #: ``submitted`` | ``graded`` | ``pending_review``
    workflow_state: str
    submitted_at: datetime
    #: ``online_upload`` | ``online_url`` | ``online_text_entry`` | ... (None when unknown)
    submission_type: str | None = None
    #: the submission's page in Canvas (``include[]=html_url``); None when Canvas left it out
    html_url: str | None = None
    #: Canvas's preview of the submission (always sent, but framed for SpeedGrader)
    preview_url: str | None = None


# --- writes ------------------------------------------------------------------------------------
# Each ``*Fields`` holds the values sync wants; update methods take the names of the fields to
# send, so an update touches only what changed.


@dataclass(frozen=True)
class CourseFields:
    name: str
    course_code: str
    #: SIS id to set on create (needs the ``manage_sis`` permission; Canvas drops it otherwise)
    sis_course_id: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    #: Canvas ignores start/end dates unless this is true (canvas-rest.md §4.1)
    restrict_enrollments_to_course_dates: bool = False
    default_view: str | None = None
    time_zone: str | None = None


@dataclass(frozen=True)
class GroupFields:
    name: str
    position: int | None = None
    integration_data: Mapping[str, str] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class PageFields:
    title: str
    body: str
    published: bool = True


@dataclass(frozen=True)
class AssignmentFields:
    name: str
    assignment_group_id: int | None = None
    points_possible: float | None = None
    grading_type: str = "pass_fail"
    submission_types: tuple[str, ...] = ("none",)
    published: bool = True
    due_at: datetime | None = None
    description: str | None = None
    #: 1-based position within its group, on create; None = at the end
    position: int | None = None
    #: free-form data Canvas keeps for integrations; sync marks its own assignments here
    integration_data: Mapping[str, str] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class ModuleFields:
    name: str
    position: int | None = None
    published: bool | None = None


@dataclass(frozen=True)
class ModuleItemFields:
    #: ``SubHeader`` | ``Page`` | ``Assignment`` | ``ExternalTool`` | ``ExternalUrl``
    type: str
    title: str
    content_id: int | None = None
    page_url: str | None = None
    external_url: str | None = None
    indent: int = 0
    new_tab: bool = False
    position: int | None = None
    published: bool | None = None
