"""The course side of the sandbox store: id counters, the keyed tables, and what seeds, the UI
and the REST API do with accounts, courses, sections, enrollments, tools and submissions.

:class:`~ctom_lti.sandbox.store.Store` adds the people (users and their API tokens) and the
opaque ids LTI shows them.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from ctom_lti.sandbox.course_records import (
    ENROLLMENT_TYPES,
    Account,
    Course,
    CourseRole,
    Enrollment,
    ExternalTool,
    Group,
    GroupCategory,
    GroupMembership,
    Section,
)
from ctom_lti.sandbox.coursework_records import (
    Assignment,
    AssignmentGroup,
    Module,
    ModuleItem,
    Page,
    Progress,
    Submission,
)
from ctom_lti.sandbox.timestamps import now


class CourseTables:
    """Every table of the store, and the operations on courses and what they hold."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
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

    # --- typed accessors -----------------------------------------------------------------------
    @property
    def accounts(self) -> dict[int, Account]:
        return self._tables["accounts"]

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
