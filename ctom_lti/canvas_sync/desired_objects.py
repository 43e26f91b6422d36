"""What sync wants the course to hold: plain frozen objects, each with its desired key.

:func:`ctom_lti.canvas_sync.desired.desired_course` builds them; the planner compares them with a
snapshot of the real course.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Canvas module item types sync uses.
SUBHEADER, PAGE, ASSIGNMENT, EXTERNAL_TOOL = "SubHeader", "Page", "Assignment", "ExternalTool"


@dataclass(frozen=True)
class CourseSettings:
    name: str
    course_code: str
    #: Canvas ``sis_course_id``: how the course is found again
    sis_course_id: str
    #: Canvas account id or ``sis_account_id:X`` to create the course in
    account_id: int | str
    start_at: datetime | None
    end_at: datetime | None
    restrict_enrollments_to_course_dates: bool
    default_view: str
    time_zone: str
    publish: bool


@dataclass(frozen=True)
class DesiredGroup:
    key: str
    name: str
    position: int


@dataclass(frozen=True)
class DesiredPage:
    key: str
    title: str
    body: str
    published: bool = True


@dataclass(frozen=True)
class DesiredAssignment:
    key: str
    name: str
    group_key: str
    description: str
    submission_types: tuple[str, ...]
    grading_type: str
    points_possible: float
    due_at: datetime | None
    published: bool = True


@dataclass(frozen=True)
class DesiredItem:
    key: str
    #: Canvas module item type: SubHeader | Page | Assignment | ExternalTool
    type: str
    title: str
    indent: int = 0
    #: desired key of the page or assignment the item shows
    content_key: str | None = None
    #: launch URL of an ExternalTool item
    external_url: str | None = None
    new_tab: bool = False


@dataclass(frozen=True)
class DesiredModule:
    key: str
    name: str
    items: tuple[DesiredItem, ...]
    published: bool = True


@dataclass(frozen=True)
class DesiredObserver:
    """A mentor observing a candidate in Canvas (ObserverEnrollment with associated user)."""

    key: str
    #: SIS user id of the mentor (the observer)
    mentor_sis_id: str
    #: SIS user id of the candidate (a student of the course)
    candidate_sis_id: str


@dataclass(frozen=True)
class DesiredTool:
    """The tool must be usable in the course: installed in it or in one of its accounts."""

    base_url: str
    #: LTI developer key id to install from when it is not installed yet (None: cannot install)
    client_id: str | None


@dataclass(frozen=True)
class DesiredCourse:
    settings: CourseSettings
    groups: tuple[DesiredGroup, ...]
    pages: tuple[DesiredPage, ...]
    assignments: tuple[DesiredAssignment, ...]
    modules: tuple[DesiredModule, ...]
    observers: tuple[DesiredObserver, ...]
    tool: DesiredTool

    @property
    def uses_tool(self) -> bool:
        return any(i.type == EXTERNAL_TOOL for m in self.modules for i in m.items)
