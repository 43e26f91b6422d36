"""The Canvas REST gateway: the one class that talks to canvasapi.

Every method returns our DTOs (:mod:`ctom_lti.canvas.dto`), raises only
:class:`~ctom_lti.canvas.errors.CanvasError` s, retries what is safe to retry, and names the REST
endpoint it calls in a ``:calls:`` line. Lists are read whole inside the retry (canvasapi asks for
``per_page=100``, the most Canvas gives), so a failure on page 3 re-reads from page 1 rather than
returning half a list.

Objects are addressed by id without fetching them first (canvasapi's ``get_course`` etc. would
cost a request each), by building canvasapi objects around known ids.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from canvasapi import Canvas
from canvasapi import exceptions as cx
from canvasapi.account import Account
from canvasapi.assignment import Assignment, AssignmentGroup
from canvasapi.course import Course
from canvasapi.enrollment import Enrollment
from canvasapi.module import Module, ModuleItem
from canvasapi.page import Page
from canvasapi.util import combine_kwargs
from urllib3.exceptions import ConnectTimeoutError

from ctom_lti.canvas.dto import (
    AssignmentFields,
    CanvasAccount,
    CanvasAssignment,
    CanvasAssignmentGroup,
    CanvasCourse,
    CanvasEnrollment,
    CanvasExternalTool,
    CanvasModule,
    CanvasModuleItem,
    CanvasPage,
    CanvasUser,
    CourseFields,
    GradebookEntry,
    GroupFields,
    ModuleFields,
    ModuleItemFields,
    PageFields,
)
from ctom_lti.canvas.errors import (
    CanvasAuthError,
    CanvasBadRequest,
    CanvasError,
    CanvasNotFound,
    CanvasPermissionDenied,
    CanvasThrottled,
    CanvasUnavailable,
    CanvasWriteUncertain,
)
from ctom_lti.canvas.retry import CallCounter, CallCounts, RetryPolicy, call_with_retries

T = TypeVar("T")

#: Enrollment states that still mean "in the course" (an unpublished course's students are
#: ``creation_pending``); Canvas's default filter would hide some of them.
LIVE_ENROLLMENT_STATES = ("active", "invited", "creation_pending", "inactive")


# --- error translation -------------------------------------------------------------------------

_STATUS_IN_MESSAGE = re.compile(r"status code (\d{3})")


def _canvas_message(raw: str) -> str:
    """Shorten Canvas's three error-body styles (canvas-rest.md §1.3) to one readable line."""
    try:
        body = json.loads(raw)
    except ValueError:
        return raw.strip()[:300]
    parts: list[str] = []
    if isinstance(body, dict):
        errors = body.get("errors", body.get("message", body.get("error")))
        if isinstance(errors, str):
            parts.append(errors)
        elif isinstance(errors, list):
            parts.extend(
                str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
            )
        elif isinstance(errors, dict):
            for attr, problems in errors.items():
                for p in problems if isinstance(problems, list) else [problems]:
                    text = p.get("message", p) if isinstance(p, dict) else p
                    parts.append(f"{attr}: {text}")
    return ("; ".join(parts) or raw.strip())[:300]


def translate_error(exc: Exception, *, endpoint: str, write: bool) -> CanvasError:
    """Map a canvasapi or requests exception to ours (canvas-rest.md §0.2 for the status rules).

    :param write: whether the request could have changed something; decides whether a lost
        answer is :class:`CanvasWriteUncertain` or plain :class:`CanvasUnavailable`.
    """
    if isinstance(exc, cx.CanvasException):
        return _from_canvasapi(exc, endpoint, write)
    if isinstance(exc, requests.RequestException):
        return _from_transport(exc, endpoint, write)
    if isinstance(exc, ValueError):
        # A 200 whose body is not JSON: a proxy or login page in front of Canvas.
        return CanvasError(
            f"Canvas answered {endpoint} with something that is not API JSON.",
            hint="Check that the Canvas URL is the institution's Canvas address.",
            endpoint=endpoint,
        )
    return CanvasError(f"{endpoint} failed: {exc}", endpoint=endpoint)


def _from_canvasapi(exc: cx.CanvasException, endpoint: str, write: bool) -> CanvasError:
    text = str(exc)
    if isinstance(exc, cx.InvalidAccessToken):
        return CanvasAuthError(canvas_status=401, endpoint=endpoint)
    if isinstance(exc, cx.Forbidden) and "Rate Limit Exceeded" in text:
        # canvasapi 3.4 raised RateLimitExceeded for the 403; 3.6 raises plain Forbidden for it
        # and RateLimitExceeded only for 429. Both mean "not executed, slow down".
        status = 429 if isinstance(exc, cx.RateLimitExceeded) else 403
        return CanvasThrottled(canvas_status=status, endpoint=endpoint)
    refusals: tuple[tuple[type[cx.CanvasException], type[CanvasError], int], ...] = (
        # 401 without a WWW-Authenticate challenge is Canvas's older "not authorised" answer.
        (cx.Unauthorized, CanvasPermissionDenied, 401),
        (cx.Forbidden, CanvasPermissionDenied, 403),
        (cx.BadRequest, CanvasBadRequest, 400),
        (cx.Conflict, CanvasBadRequest, 409),
        (cx.UnprocessableEntity, CanvasBadRequest, 422),
    )
    for exc_cls, ours, status in refusals:
        if isinstance(exc, exc_cls):
            message = f"Canvas refused {endpoint}: {_canvas_message(text)}"
            return ours(message, canvas_status=status, endpoint=endpoint)
    if isinstance(exc, cx.ResourceDoesNotExist):
        message = f"Canvas has no such object ({endpoint})."
        return CanvasNotFound(message, canvas_status=404, endpoint=endpoint)
    match = _STATUS_IN_MESSAGE.search(text)
    status_code = int(match.group(1)) if match else None
    if status_code is not None and status_code >= 500:
        uncertain = CanvasWriteUncertain if write else CanvasUnavailable
        message = f"Canvas failed {endpoint} (HTTP {status_code})."
        return uncertain(message, canvas_status=status_code, endpoint=endpoint)
    message = f"Canvas refused {endpoint}: {text[:300]}"
    return CanvasError(message, canvas_status=status_code, endpoint=endpoint)


def _from_transport(exc: requests.RequestException, endpoint: str, write: bool) -> CanvasError:
    uncertain = CanvasWriteUncertain if write else CanvasUnavailable
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(exc, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError):
            # Never connected, so nothing was sent: safe to retry even a create.
            return CanvasUnavailable(
                f"Could not connect to Canvas for {endpoint}.", endpoint=endpoint
            )
        return uncertain(f"The connection to Canvas dropped during {endpoint}.", endpoint=endpoint)
    if isinstance(exc, requests.Timeout):
        return uncertain(f"Canvas did not answer {endpoint} in time.", endpoint=endpoint)
    message = f"Talking to Canvas failed during {endpoint}: {exc}"
    return CanvasUnavailable(message, endpoint=endpoint)


# --- conversions -------------------------------------------------------------------------------


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def canvas_time(value: datetime) -> str:
    """Canvas's timestamp spelling: ISO-8601 UTC with ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _integration_data(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return dict(value) if isinstance(value, Mapping) else {}


def _course(obj: Any) -> CanvasCourse:
    return CanvasCourse(
        id=int(_get(obj, "id")),
        name=_get(obj, "name") or "",
        course_code=_get(obj, "course_code") or "",
        workflow_state=_get(obj, "workflow_state") or "unpublished",
        account_id=_int(_get(obj, "account_id")),
        sis_course_id=_get(obj, "sis_course_id"),
        start_at=_dt(_get(obj, "start_at")),
        end_at=_dt(_get(obj, "end_at")),
        restrict_enrollments_to_course_dates=bool(
            _get(obj, "restrict_enrollments_to_course_dates", False)
        ),
        default_view=_get(obj, "default_view"),
        time_zone=_get(obj, "time_zone"),
    )


def _item(obj: Any) -> CanvasModuleItem:
    return CanvasModuleItem(
        id=int(_get(obj, "id")),
        module_id=int(_get(obj, "module_id")),
        position=int(_get(obj, "position") or 0),
        title=_get(obj, "title") or "",
        type=_get(obj, "type") or "",
        indent=int(_get(obj, "indent") or 0),
        content_id=_int(_get(obj, "content_id")),
        page_url=_get(obj, "page_url"),
        external_url=_get(obj, "external_url"),
        new_tab=bool(_get(obj, "new_tab", False)),
        published=_get(obj, "published"),
    )


def _module(obj: Any) -> CanvasModule:
    raw_items = _get(obj, "items")
    items = None
    if raw_items is not None:
        items = tuple(sorted((_item(i) for i in raw_items), key=lambda i: (i.position, i.id)))
    count = _int(_get(obj, "items_count"))
    return CanvasModule(
        id=int(_get(obj, "id")),
        name=_get(obj, "name") or "",
        position=int(_get(obj, "position") or 0),
        published=_get(obj, "published"),
        items=items,
        items_count=count if count is not None else len(items or ()),
    )


def _page(obj: Any) -> CanvasPage:
    return CanvasPage(
        page_id=int(_get(obj, "page_id")),
        url=_get(obj, "url") or "",
        title=_get(obj, "title") or "",
        published=bool(_get(obj, "published", False)),
        body=_get(obj, "body"),
        front_page=bool(_get(obj, "front_page", False)),
    )


def _group(obj: Any) -> CanvasAssignmentGroup:
    return CanvasAssignmentGroup(
        id=int(_get(obj, "id")),
        name=_get(obj, "name") or "",
        position=int(_get(obj, "position") or 0),
        integration_data=_integration_data(_get(obj, "integration_data")),
        sis_source_id=_get(obj, "sis_source_id"),
    )


def _assignment(obj: Any) -> CanvasAssignment:
    points = _get(obj, "points_possible")
    return CanvasAssignment(
        id=int(_get(obj, "id")),
        name=_get(obj, "name") or "",
        assignment_group_id=_int(_get(obj, "assignment_group_id")),
        position=int(_get(obj, "position") or 0),
        points_possible=float(points) if points is not None else None,
        grading_type=_get(obj, "grading_type") or "points",
        submission_types=tuple(_get(obj, "submission_types") or ()),
        published=bool(_get(obj, "published", False)),
        due_at=_dt(_get(obj, "due_at")),
        description=_get(obj, "description"),
        integration_data=_integration_data(_get(obj, "integration_data")),
        sis_assignment_id=_get(obj, "sis_assignment_id"),
    )


def _enrollment(obj: Any) -> CanvasEnrollment:
    return CanvasEnrollment(
        id=int(_get(obj, "id")),
        user_id=int(_get(obj, "user_id")),
        type=_get(obj, "type") or "",
        enrollment_state=_get(obj, "enrollment_state") or "",
        associated_user_id=_int(_get(obj, "associated_user_id")),
        sis_user_id=_get(obj, "sis_user_id"),
    )


def _tool(obj: Any) -> CanvasExternalTool:
    nav = _get(obj, "course_navigation")
    return CanvasExternalTool(
        id=int(_get(obj, "id")),
        name=_get(obj, "name") or "",
        url=_get(obj, "url"),
        domain=_get(obj, "domain"),
        developer_key_id=_int(_get(obj, "developer_key_id")),
        deployment_id=_get(obj, "deployment_id"),
        course_navigation=bool(nav) and _get(nav, "enabled", True) not in (False, "false"),
    )


def _gradebook_entries(group: Any) -> Iterable[GradebookEntry]:
    user_id = int(_get(group, "user_id"))
    sis_user_id = _get(group, "sis_user_id")
    for sub in _get(group, "submissions") or ():
        score = _get(sub, "score")
        yield GradebookEntry(
            user_id=user_id,
            assignment_id=int(_get(sub, "assignment_id")),
            grade=_get(sub, "grade"),
            score=float(score) if score is not None else None,
            excused=bool(_get(sub, "excused", False)),
            workflow_state=_get(sub, "workflow_state") or "unsubmitted",
            sis_user_id=sis_user_id,
            graded_at=_dt(_get(sub, "graded_at")),
            submitted_at=_dt(_get(sub, "submitted_at")),
        )


def _pick(values: Mapping[str, Any], only: Collection[str] | None) -> dict[str, Any]:
    return {k: v for k, v in values.items() if only is None or k in only}


def _course_params(fields: CourseFields, only: Collection[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": fields.name,
        "course_code": fields.course_code,
        "restrict_enrollments_to_course_dates": fields.restrict_enrollments_to_course_dates,
    }
    if fields.sis_course_id is not None:
        values["sis_course_id"] = fields.sis_course_id
    if fields.default_view is not None:
        values["default_view"] = fields.default_view
    if fields.time_zone is not None:
        values["time_zone"] = fields.time_zone
    # Canvas takes an empty value to clear a date.
    values["start_at"] = canvas_time(fields.start_at) if fields.start_at else ""
    values["end_at"] = canvas_time(fields.end_at) if fields.end_at else ""
    if only is None and not fields.start_at:
        del values["start_at"]
    if only is None and not fields.end_at:
        del values["end_at"]
    return _pick(values, only)


def _assignment_params(fields: AssignmentFields, only: Collection[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": fields.name,
        "grading_type": fields.grading_type,
        "submission_types": list(fields.submission_types),
        "published": fields.published,
        "due_at": canvas_time(fields.due_at) if fields.due_at else "",
        "description": fields.description or "",
    }
    if fields.points_possible is not None:
        values["points_possible"] = fields.points_possible
    if fields.assignment_group_id is not None:
        values["assignment_group_id"] = fields.assignment_group_id
    if fields.position is not None:
        values["position"] = fields.position
    if fields.integration_data is not None:
        # Assignments take integration_data as a JSON string (canvas-rest.md §4.9).
        values["integration_data"] = json.dumps(dict(fields.integration_data), sort_keys=True)
    if only is None and not fields.due_at:
        del values["due_at"]
    return _pick(values, only)


def _item_params(fields: ModuleItemFields, only: Collection[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {"type": fields.type, "title": fields.title, "indent": fields.indent}
    if fields.content_id is not None:
        values["content_id"] = fields.content_id
    if fields.page_url is not None:
        values["page_url"] = fields.page_url
    if fields.external_url is not None:
        values["external_url"] = fields.external_url
        values["new_tab"] = fields.new_tab
    if fields.position is not None:
        values["position"] = fields.position
    if fields.published is not None:
        values["published"] = fields.published
    return _pick(values, only)


# --- the gateway -------------------------------------------------------------------------------


class CanvasGateway:
    """Canvas REST calls the tool makes, in our types; safe to share between threads.

    :param canvas: a canvasapi client whose ``requests`` session has the
        :class:`~ctom_lti.canvas.retry.CanvasTransport` mounted (see ``make_canvas_gateway``).
    """

    def __init__(
        self,
        canvas: Canvas,
        *,
        base_url: str,
        counter: CallCounter,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._canvas = canvas
        # canvasapi keeps its requester private; building objects around it avoids a GET each.
        self._requester = canvas._Canvas__requester
        self.base_url = base_url
        self.counter = counter
        self.retry_policy = retry_policy or RetryPolicy()
        self._sleep = sleep

    # plumbing ----------------------------------------------------------------------------------
    @property
    def calls(self) -> CallCounts:
        """Requests sent so far by this gateway (retries included)."""
        return self.counter.snapshot()

    def _call(self, endpoint: str, fn: Callable[[], T], *, idempotent: bool = True) -> T:
        write = not endpoint.startswith("GET ")

        def attempt() -> T:
            try:
                return fn()
            except CanvasError:
                raise
            except (cx.CanvasException, requests.RequestException, ValueError) as exc:
                raise translate_error(exc, endpoint=endpoint, write=write) from exc

        return call_with_retries(
            attempt,
            policy=self.retry_policy,
            idempotent=idempotent,
            counter=self.counter,
            sleep=self._sleep,
        )

    def backoff(self, attempt: int) -> None:
        """Wait before trying again what failed ``attempt`` times (jittered, like retries)."""
        policy = self.retry_policy
        ceiling = min(policy.max_wait, policy.initial_wait * 2 ** max(0, attempt - 1))
        self._sleep(random.uniform(0, ceiling))  # noqa: S311 - jitter, not security

    def _course(self, course_id: int) -> Course:
        return Course(self._requester, {"id": course_id})

    def _post(self, endpoint: str, **params: Any) -> Any:
        response = self._requester.request("POST", endpoint, _kwargs=combine_kwargs(**params))
        return response.json()

    # accounts and courses ----------------------------------------------------------------------
    def get_account(self, account_id: int | str) -> CanvasAccount:
        """Fetch an account (numeric id or ``sis_account_id:X``).

        :calls: ``GET /api/v1/accounts/:id``
        """

        def fetch() -> CanvasAccount:
            raw = self._requester.request("GET", f"accounts/{account_id}").json()
            return CanvasAccount(id=int(raw["id"]), name=raw.get("name") or "")

        return self._call("GET accounts/:id", fetch)

    def find_course_by_sis(self, sis_course_id: str) -> CanvasCourse | None:
        """The course with this SIS id, or ``None`` when Canvas has none.

        :calls: ``GET /api/v1/courses/sis_course_id:X``
        """
        try:
            return self._call(
                "GET courses/sis_course_id:X",
                lambda: _course(self._canvas.get_course(sis_course_id, use_sis_id=True)),
            )
        except CanvasNotFound:
            return None

    def get_course(self, course_id: int) -> CanvasCourse:
        """:calls: ``GET /api/v1/courses/:id``"""
        return self._call("GET courses/:id", lambda: _course(self._canvas.get_course(course_id)))

    def create_course(
        self, account_id: int | str, fields: CourseFields, *, publish: bool = False
    ) -> CanvasCourse:
        """Create a course in an account; ``publish`` makes it available at once.

        :calls: ``POST /api/v1/accounts/:account_id/courses``
        """

        def create() -> CanvasCourse:
            account = Account(self._requester, {"id": account_id})
            extra = {"offer": True} if publish else {}
            return _course(account.create_course(course=_course_params(fields, None), **extra))

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
            params = _course_params(fields, only)
            if publish:
                params["event"] = "offer"
            course = self._course(course_id)
            course.update(course=params)
            return _course(course)

        return self._call("PUT courses/:id", update)

    # modules -----------------------------------------------------------------------------------
    def list_modules(self, course_id: int) -> list[CanvasModule]:
        """All modules with their items inlined where Canvas agrees to (``include[]=items``).

        :calls: ``GET /api/v1/courses/:course_id/modules``
        """
        return self._call(
            "GET courses/:id/modules",
            lambda: [_module(m) for m in self._course(course_id).get_modules(include=["items"])],
        )

    def list_module_items(self, course_id: int, module_id: int) -> list[CanvasModuleItem]:
        """:calls: ``GET /api/v1/courses/:course_id/modules/:module_id/items``"""
        module = Module(self._requester, {"id": module_id, "course_id": course_id})
        return self._call(
            "GET courses/:id/modules/:id/items",
            lambda: [_item(i) for i in module.get_module_items()],
        )

    def create_module(self, course_id: int, fields: ModuleFields) -> CanvasModule:
        """Create a module (Canvas creates it unpublished whatever is asked).

        :calls: ``POST /api/v1/courses/:course_id/modules``
        """
        params: dict[str, Any] = {"name": fields.name}
        if fields.position is not None:
            params["position"] = fields.position
        return self._call(
            "POST courses/:id/modules",
            lambda: _module(self._course(course_id).create_module(module=params)),
            idempotent=False,
        )

    def update_module(
        self,
        course_id: int,
        module_id: int,
        fields: ModuleFields,
        only: Collection[str],
        *,
        skip_content_tags: bool = False,
    ) -> CanvasModule:
        """Change the named module fields. Publishing also publishes its items unless
        ``skip_content_tags``.

        :calls: ``PUT /api/v1/courses/:course_id/modules/:id``
        """
        values = {"name": fields.name, "position": fields.position, "published": fields.published}
        params = _pick(values, only)
        if skip_content_tags:
            params["skip_content_tags"] = True
        module = Module(self._requester, {"id": module_id, "course_id": course_id})
        return self._call(
            "PUT courses/:id/modules/:id", lambda: _module(module.edit(module=params))
        )

    def delete_module(self, course_id: int, module_id: int) -> None:
        """:calls: ``DELETE /api/v1/courses/:course_id/modules/:id``"""
        module = Module(self._requester, {"id": module_id, "course_id": course_id})
        self._delete("DELETE courses/:id/modules/:id", module.delete)

    def create_module_item(
        self, course_id: int, module_id: int, fields: ModuleItemFields
    ) -> CanvasModuleItem:
        """:calls: ``POST /api/v1/courses/:course_id/modules/:module_id/items``"""
        module = Module(self._requester, {"id": module_id, "course_id": course_id})
        params = _item_params(fields, None)
        return self._call(
            "POST courses/:id/modules/:id/items",
            lambda: _item(module.create_module_item(module_item=params)),
            idempotent=False,
        )

    def update_module_item(
        self,
        course_id: int,
        module_id: int,
        item_id: int,
        fields: ModuleItemFields,
        only: Collection[str],
    ) -> CanvasModuleItem:
        """:calls: ``PUT /api/v1/courses/:course_id/modules/:module_id/items/:id``"""
        item = ModuleItem(
            self._requester, {"id": item_id, "module_id": module_id, "course_id": course_id}
        )
        params = _item_params(fields, only)
        params.pop("type", None)
        return self._call(
            "PUT courses/:id/modules/:id/items/:id",
            lambda: _item(item.edit(module_item=params)),
        )

    def delete_module_item(self, course_id: int, module_id: int, item_id: int) -> None:
        """:calls: ``DELETE /api/v1/courses/:course_id/modules/:module_id/items/:id``"""
        item = ModuleItem(
            self._requester, {"id": item_id, "module_id": module_id, "course_id": course_id}
        )
        self._delete("DELETE courses/:id/modules/:id/items/:id", item.delete)

    # pages -------------------------------------------------------------------------------------
    def list_pages(self, course_id: int) -> list[CanvasPage]:
        """All pages with their bodies (``include[]=body``).

        :calls: ``GET /api/v1/courses/:course_id/pages``
        """
        return self._call(
            "GET courses/:id/pages",
            lambda: [_page(p) for p in self._course(course_id).get_pages(include=["body"])],
        )

    def create_page(self, course_id: int, fields: PageFields) -> CanvasPage:
        """:calls: ``POST /api/v1/courses/:course_id/pages``"""
        params = {"title": fields.title, "body": fields.body, "published": fields.published}
        return self._call(
            "POST courses/:id/pages",
            lambda: _page(self._course(course_id).create_page(wiki_page=params)),
            idempotent=False,
        )

    def update_page(
        self, course_id: int, url: str, fields: PageFields, only: Collection[str]
    ) -> CanvasPage:
        """Change the named fields of the page at slug ``url`` (the slug follows a new title).

        :calls: ``PUT /api/v1/courses/:course_id/pages/:url``
        """
        values = {"title": fields.title, "body": fields.body, "published": fields.published}
        page = Page(self._requester, {"url": url, "course_id": course_id})
        return self._call(
            "PUT courses/:id/pages/:url",
            lambda: _page(page.edit(wiki_page=_pick(values, only))),
        )

    def delete_page(self, course_id: int, url: str) -> None:
        """:calls: ``DELETE /api/v1/courses/:course_id/pages/:url``"""
        page = Page(self._requester, {"url": url, "course_id": course_id})
        self._delete("DELETE courses/:id/pages/:url", page.delete)

    # assignment groups -------------------------------------------------------------------------
    def list_assignment_groups(self, course_id: int) -> list[CanvasAssignmentGroup]:
        """:calls: ``GET /api/v1/courses/:course_id/assignment_groups``"""
        return self._call(
            "GET courses/:id/assignment_groups",
            lambda: [_group(g) for g in self._course(course_id).get_assignment_groups()],
        )

    def create_assignment_group(self, course_id: int, fields: GroupFields) -> CanvasAssignmentGroup:
        """:calls: ``POST /api/v1/courses/:course_id/assignment_groups`` (top-level params)"""
        params: dict[str, Any] = {"name": fields.name}
        if fields.position is not None:
            params["position"] = fields.position
        if fields.integration_data is not None:
            params["integration_data"] = dict(fields.integration_data)
        return self._call(
            "POST courses/:id/assignment_groups",
            lambda: _group(self._course(course_id).create_assignment_group(**params)),
            idempotent=False,
        )

    def update_assignment_group(
        self, course_id: int, group_id: int, fields: GroupFields, only: Collection[str]
    ) -> CanvasAssignmentGroup:
        """:calls: ``PUT /api/v1/courses/:course_id/assignment_groups/:id``"""
        group = AssignmentGroup(self._requester, {"id": group_id, "course_id": course_id})
        params = _pick({"name": fields.name, "position": fields.position}, only)
        return self._call(
            "PUT courses/:id/assignment_groups/:id", lambda: _group(group.edit(**params))
        )

    def delete_assignment_group(self, course_id: int, group_id: int) -> None:
        """:calls: ``DELETE /api/v1/courses/:course_id/assignment_groups/:id``"""
        group = AssignmentGroup(self._requester, {"id": group_id, "course_id": course_id})
        self._delete("DELETE courses/:id/assignment_groups/:id", group.delete)

    # assignments -------------------------------------------------------------------------------
    def list_assignments(self, course_id: int) -> list[CanvasAssignment]:
        """:calls: ``GET /api/v1/courses/:course_id/assignments``"""
        return self._call(
            "GET courses/:id/assignments",
            lambda: [_assignment(a) for a in self._course(course_id).get_assignments()],
        )

    def create_assignment(self, course_id: int, fields: AssignmentFields) -> CanvasAssignment:
        """:calls: ``POST /api/v1/courses/:course_id/assignments``"""
        params = _assignment_params(fields, None)
        return self._call(
            "POST courses/:id/assignments",
            lambda: _assignment(self._course(course_id).create_assignment(assignment=params)),
            idempotent=False,
        )

    def update_assignment(
        self, course_id: int, assignment_id: int, fields: AssignmentFields, only: Collection[str]
    ) -> CanvasAssignment:
        """:calls: ``PUT /api/v1/courses/:course_id/assignments/:id``"""
        assignment = Assignment(self._requester, {"id": assignment_id, "course_id": course_id})
        params = _assignment_params(fields, only)
        return self._call(
            "PUT courses/:id/assignments/:id",
            lambda: _assignment(assignment.edit(assignment=params)),
        )

    def delete_assignment(self, course_id: int, assignment_id: int) -> None:
        """:calls: ``DELETE /api/v1/courses/:course_id/assignments/:id``"""
        assignment = Assignment(self._requester, {"id": assignment_id, "course_id": course_id})
        self._delete("DELETE courses/:id/assignments/:id", assignment.delete)

    # enrollments and users ---------------------------------------------------------------------
    def list_enrollments(self, course_id: int, types: Iterable[str]) -> list[CanvasEnrollment]:
        """Enrollments of the given types in any live state (see ``LIVE_ENROLLMENT_STATES``).

        :calls: ``GET /api/v1/courses/:course_id/enrollments``
        """
        wanted = list(types)
        return self._call(
            "GET courses/:id/enrollments",
            lambda: [
                _enrollment(e)
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
            lambda: _enrollment(
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
                id=int(raw["id"]),
                name=raw.get("name") or "",
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
                _tool(t) for t in self._course(course_id).get_external_tools(include_parents=True)
            ],
        )

    def list_account_external_tools(self, account_id: int | str) -> list[CanvasExternalTool]:
        """:calls: ``GET /api/v1/accounts/:account_id/external_tools?include_parents=true``"""
        account = Account(self._requester, {"id": account_id})
        return self._call(
            "GET accounts/:id/external_tools",
            lambda: [_tool(t) for t in account.get_external_tools(include_parents=True)],
        )

    def install_external_tool(self, course_id: int, client_id: str) -> CanvasExternalTool:
        """Deploy an LTI 1.3 developer key into the course (``client_id`` = the key's id).

        :calls: ``POST /api/v1/courses/:course_id/external_tools``
        """
        return self._call(
            "POST courses/:id/external_tools",
            lambda: _tool(self._course(course_id).create_external_tool(client_id=client_id)),
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
                for group in self._course(course_id).get_multiple_submissions(
                    student_ids=["all"], assignment_ids=ids, grouped=True
                )
                for entry in _gradebook_entries(group)
            ],
        )

    # helpers -----------------------------------------------------------------------------------
    def _delete(self, endpoint: str, fn: Callable[[], Any]) -> None:
        """Delete, treating "already gone" (e.g. a retried delete that had worked) as done."""
        try:
            self._call(endpoint, fn)
        except CanvasNotFound:
            return
