"""The Canvas REST gateway: the one class through which the tool talks to Canvas.

Every method returns our DTOs (:mod:`ctom_lti.canvas.dto`), raises only
:class:`~ctom_lti.canvas.errors.CanvasError` s, retries what is safe to retry, and names the REST
endpoint it calls in a ``:calls:`` line. Lists are read whole inside the retry (canvasapi asks for
``per_page=100``, the most Canvas gives), so a failure on page 3 re-reads from page 1 rather than
returning half a list.

The plumbing every call shares is in :mod:`.base`, the calls for course content in
:mod:`.content`, Inbox messages in :mod:`.inbox`; conversions to our types in :mod:`.convert`
and :mod:`.params`, error translation in :mod:`.translate`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from canvasapi.account import Account
from canvasapi.enrollment import Enrollment

from ctom_lti.canvas.content import CourseContentCalls
from ctom_lti.canvas.convert import (
    course_from,
    enrollment_from,
    gradebook_entries_from,
    handed_in_submission_from,
    required_int,
    tool_from,
)
from ctom_lti.canvas.dto import (
    CanvasAccount,
    CanvasCourse,
    CanvasEnrollment,
    CanvasExternalTool,
    CanvasSubmission,
    CanvasUser,
    CourseFields,
    GradebookEntry,
)
from ctom_lti.canvas.errors import CanvasNotFound
from ctom_lti.canvas.inbox import InboxCalls
from ctom_lti.canvas.params import course_params

#: Enrollment states that still mean "in the course" (an unpublished course's students are
#: ``creation_pending``); Canvas's default filter would hide some of them.
LIVE_ENROLLMENT_STATES = ("active", "invited", "creation_pending", "inactive")


class CanvasGateway(CourseContentCalls, InboxCalls):
    """Canvas REST calls the tool makes, in our types; safe to share between threads.

    :param canvas: a canvasapi client whose ``requests`` session has the
        :class:`~ctom_lti.canvas.retry.CanvasTransport` mounted (see ``make_canvas_gateway``).
    """

    # accounts and courses ----------------------------------------------------------------------
    def get_account(self, account_id: int | str) -> CanvasAccount:
        """Fetch an account (numeric id or ``sis_account_id:X``).

        :calls: ``GET /api/v1/accounts/:id``
        """

        def fetch() -> CanvasAccount:
            raw = self._requester.request("GET", f"accounts/{account_id}").json()
            return CanvasAccount(id=required_int(raw, "id"), name=str(raw.get("name") or ""))

        return self._call("GET accounts/:id", fetch)

    def find_course_by_sis(self, sis_course_id: str) -> CanvasCourse | None:
        """The course with this SIS id, or ``None`` when Canvas has none.

        :calls: ``GET /api/v1/courses/sis_course_id:X``
        """
        try:
            return self._call(
                "GET courses/sis_course_id:X",
                lambda: course_from(self._canvas.get_course(sis_course_id, use_sis_id=True)),
            )
        except CanvasNotFound:
            return None

    def get_course(self, course_id: int) -> CanvasCourse:
        """:calls: ``GET /api/v1/courses/:id``"""
        return self._call(
            "GET courses/:id", lambda: course_from(self._canvas.get_course(course_id))
        )

    def create_course(
        self, account_id: int | str, fields: CourseFields, *, publish: bool = False
    ) -> CanvasCourse:
        """Create a course in an account; ``publish`` makes it available at once.

        :calls: ``POST /api/v1/accounts/:account_id/courses``
        """

        def create() -> CanvasCourse:
            account = Account(self._requester, {"id": account_id})
            extra = {"offer": True} if publish else {}
            return course_from(account.create_course(course=course_params(fields, None), **extra))

        return self._call("POST accounts/:id/courses", create, idempotent=False)

    def update_course(
        self,
        course_id: int,
        fields: CourseFields,
        only: Collection[str],
        *,
        publish: bool = False,
    ) -> CanvasCourse:
        """Change the named course fields (and publish it when asked).

        :calls: ``PUT /api/v1/courses/:id``
        """

        def update() -> CanvasCourse:
            params = course_params(fields, only)
            if publish:
                params["event"] = "offer"
            course = self._course(course_id)
            course.update(course=params)
            return course_from(course)

        return self._call("PUT courses/:id", update)

    # enrollments and users ---------------------------------------------------------------------
    def list_enrollments(self, course_id: int, types: Iterable[str]) -> list[CanvasEnrollment]:
        """Enrollments of the given types in any live state (see ``LIVE_ENROLLMENT_STATES``).

        :calls: ``GET /api/v1/courses/:course_id/enrollments``
        """
        wanted = list(types)
        return self._call(
            "GET courses/:id/enrollments",
            lambda: [
                enrollment_from(e)
                for e in self._course(course_id).get_enrollments(
                    type=wanted, state=list(LIVE_ENROLLMENT_STATES)
                )
            ],
        )

    def enroll_user(
        self,
        course_id: int,
        user: int | str,
        enrollment_type: str,
        *,
        associated_user_id: int | None = None,
        state: str = "active",
    ) -> CanvasEnrollment:
        """Enroll a user (Canvas user id, or ``sis_user_id:X``) without notifying them.

        Canvas returns the existing enrollment for the same (user, type, role, associated user,
        section) instead of a duplicate (canvas-rest.md §4.4), so this is safe to retry.

        :calls: ``POST /api/v1/courses/:course_id/enrollments``
        """
        enrollment: dict[str, Any] = {
            "user_id": user,
            "type": enrollment_type,
            "enrollment_state": state,
            "notify": False,
        }
        if associated_user_id is not None:
            enrollment["associated_user_id"] = associated_user_id
        return self._call(
            "POST courses/:id/enrollments",
            lambda: enrollment_from(
                self._post(f"courses/{course_id}/enrollments", enrollment=enrollment)
            ),
        )

    def delete_enrollment(self, course_id: int, enrollment_id: int) -> None:
        """:calls: ``DELETE /api/v1/courses/:course_id/enrollments/:id`` (``task=delete``)"""
        enrollment = Enrollment(self._requester, {"id": enrollment_id, "course_id": course_id})
        self._delete(
            "DELETE courses/:id/enrollments/:id", lambda: enrollment.deactivate(task="delete")
        )

    def find_user_by_sis(self, sis_user_id: str) -> CanvasUser | None:
        """:calls: ``GET /api/v1/users/sis_user_id:X``"""

        def fetch() -> CanvasUser:
            raw = self._requester.request("GET", f"users/sis_user_id:{sis_user_id}").json()
            return CanvasUser(
                id=required_int(raw, "id"),
                name=str(raw.get("name") or ""),
                sis_user_id=raw.get("sis_user_id"),
                login_id=raw.get("login_id"),
            )

        try:
            return self._call("GET users/sis_user_id:X", fetch)
        except CanvasNotFound:
            return None

    # external tools ----------------------------------------------------------------------------
    def list_external_tools(self, course_id: int) -> list[CanvasExternalTool]:
        """Tools usable in the course, including those installed in its accounts.

        :calls: ``GET /api/v1/courses/:course_id/external_tools?include_parents=true``
        """
        return self._call(
            "GET courses/:id/external_tools",
            lambda: [
                tool_from(t)
                for t in self._course(course_id).get_external_tools(include_parents=True)
            ],
        )

    def list_account_external_tools(self, account_id: int | str) -> list[CanvasExternalTool]:
        """:calls: ``GET /api/v1/accounts/:account_id/external_tools?include_parents=true``"""
        account = Account(self._requester, {"id": account_id})
        return self._call(
            "GET accounts/:id/external_tools",
            lambda: [tool_from(t) for t in account.get_external_tools(include_parents=True)],
        )

    def install_external_tool(self, course_id: int, client_id: str) -> CanvasExternalTool:
        """Deploy an LTI 1.3 developer key into the course (``client_id`` = the key's id).

        :calls: ``POST /api/v1/courses/:course_id/external_tools``
        """
        return self._call(
            "POST courses/:id/external_tools",
            lambda: tool_from(self._course(course_id).create_external_tool(client_id=client_id)),
            idempotent=False,
        )

    # gradebook ---------------------------------------------------------------------------------
    def get_gradebook(self, course_id: int, assignment_ids: Iterable[int]) -> list[GradebookEntry]:
        """Every student's submissions of the given assignments, a whole cohort per few calls.

        Uses the grouped bulk endpoint with ``student_ids[]=all`` so the number of requests grows
        with students/100, not with students (canvas-rest.md §4.10). Only published assignments
        may be asked for; Canvas answers 403 otherwise.

        :calls: ``GET /api/v1/courses/:course_id/students/submissions``
        """
        ids = sorted(set(assignment_ids))
        if not ids:
            return []
        return self._call(
            "GET courses/:id/students/submissions",
            lambda: [
                entry
                for group in self._json_pages(
                    f"courses/{course_id}/students/submissions",
                    student_ids=["all"],
                    assignment_ids=ids,
                    grouped=True,
                )
                for entry in gradebook_entries_from(group)
            ],
        )

    def list_handed_in(self, course_id: int, user_id: int) -> list[CanvasSubmission]:
        """The work one student handed in to the course's published assignments, in Canvas's
        order (by submission id).

        Placeholders (``unsubmitted``) and grades given without a hand-in (no ``submitted_at``)
        are left out; so is any row of another student, should Canvas send one. Pages are
        followed by their ``rel="next"`` links only (canvas-rest.md §3: bookmark pages).

        :param user_id: the student's Canvas user id (not the LTI ``sub``).
        :calls: ``GET /api/v1/courses/:course_id/students/submissions``
            ``?student_ids[]=:user_id&include[]=assignment&include[]=html_url``
        """

        def fetch() -> list[CanvasSubmission]:
            rows = self._json_pages(
                f"courses/{course_id}/students/submissions",
                student_ids=[user_id],
                include=["assignment", "html_url"],
            )
            found = (handed_in_submission_from(row) for row in rows)
            return [s for s in found if s is not None and s.user_id == user_id]

        return self._call("GET courses/:id/students/submissions", fetch)
