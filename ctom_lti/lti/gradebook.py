"""The gradebook-column client: the tool's own AGS line items, pass/fail scores and results.

Canvas's rules it follows (canvas-lti.md §5.3 to §5.5):

- A line item list shows only this developer key's items; ``tag`` and ``resource_id`` filter it.
  A column is found by both and created (a new Canvas assignment) when there is none.
- On a pass/fail (complete/incomplete) assignment Canvas grades ``complete`` when
  ``scoreGiven > 0`` and ``incomplete`` otherwise; on a points assignment it scales
  ``scoreGiven / scoreMaximum`` to the column's points. So "passed" posts full marks and
  "not passed" posts zero, both ``FullyGraded`` — leaving ``scoreGiven`` out would *clear* the
  grade instead of marking it incomplete.
- A score whose ``timestamp`` is earlier than the result's last update is refused (400);
  Canvas keeps the later one, and so does the tool (:class:`ScoreReceipt` ``recorded=False``).
  Timestamps are sent with microseconds: pylti1p3 formats datetimes to whole seconds, which
  would make a second score in the same second look older than the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector
from pylti1p3.utils import add_param_to_url

from ctom_lti.lti import claims
from ctom_lti.lti.advantage import ColumnResult, GradebookColumn, ScoreReceipt
from ctom_lti.lti.service_errors import platform_message, translated

#: Scopes the client asks its token for: one token serves every call it makes.
GRADEBOOK_SCOPES: tuple[str, ...] = (
    claims.SCOPE_LINEITEM,
    claims.SCOPE_RESULT_READONLY,
    claims.SCOPE_SCORE,
)

_OUT_OF_ORDER = "before last updated timestamp"


def column_from_line_item(item: LineItem) -> GradebookColumn:
    """A platform line item as a :class:`GradebookColumn`."""
    return GradebookColumn(
        id=str(item.get_id()),
        label=str(item.get_label() or ""),
        score_maximum=float(item.get_score_maximum() or 0),
        tag=item.get_tag() or None,
        resource_id=item.get_resource_id() or None,
        resource_link_id=item.get_resource_link_id() or None,
    )


def result_from_json(raw: Mapping[str, Any]) -> ColumnResult | None:
    """An AGS result as a :class:`ColumnResult` (None without a user)."""
    sub = raw.get("userId")
    if sub in (None, ""):
        return None

    def number(key: str) -> float | None:
        value = raw.get(key)
        return float(value) if isinstance(value, int | float) else None

    comment = raw.get("comment")
    return ColumnResult(
        sub=str(sub),
        score=number("resultScore"),
        maximum=number("resultMaximum"),
        comment=comment if isinstance(comment, str) else None,
    )


def score_timestamp(at: datetime | None) -> str:
    """ISO-8601 with microseconds, in UTC; ``at`` must carry a time zone."""
    moment = at if at is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("a score timestamp needs a time zone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def pass_fail_grade(
    column: GradebookColumn, sub: str, *, passed: bool, at: datetime | None, comment: str | None
) -> Grade:
    """The score that marks ``sub`` complete or incomplete in ``column`` (see module notes)."""
    if column.score_maximum <= 0:
        raise ValueError(f"column {column.label!r} has no points to give (scoreMaximum 0)")
    grade = (
        Grade()
        .set_user_id(sub)
        .set_score_given(column.score_maximum if passed else 0.0)
        .set_score_maximum(column.score_maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(score_timestamp(at))
    )
    if comment:
        grade.set_comment(comment)
    return grade


def _results(raw_items: Iterable[Any]) -> tuple[ColumnResult, ...]:
    parsed = (result_from_json(r) for r in raw_items if isinstance(r, Mapping))
    return tuple(r for r in parsed if r is not None)


class AgsGradebook:
    """:class:`~ctom_lti.lti.advantage.Gradebook` backed by a course's AGS endpoints."""

    def __init__(
        self,
        connector: ServiceConnector,
        lineitems_url: str,
        scopes: Iterable[str] = GRADEBOOK_SCOPES,
    ) -> None:
        self._connector = connector
        self._lineitems_url = lineitems_url
        self._scopes = list(scopes)

    def _service(self, lineitems_url: str | None = None) -> AssignmentsGradesService:
        return AssignmentsGradesService(
            self._connector,
            {"scope": self._scopes, "lineitems": lineitems_url or self._lineitems_url},
        )

    def find_or_create_column(
        self, *, tag: str, resource_id: str, label: str, score_maximum: float = 1.0
    ) -> GradebookColumn:
        if not tag or not resource_id:
            raise ValueError("a column is found by its tag and resource id; both are needed")
        # Ask Canvas to filter, and check again here in case a platform ignores the filters.
        url = add_param_to_url(
            add_param_to_url(self._lineitems_url, "tag", tag), "resource_id", resource_id
        )
        with translated("read the gradebook columns"):
            found = self._service(url).find_lineitem_satisfying(
                lambda item: item.get("tag") == tag and item.get("resourceId") == resource_id
            )
        if found is not None:
            return column_from_line_item(found)
        wanted = (
            LineItem()
            .set_tag(tag)
            .set_resource_id(resource_id)
            .set_label(label)
            .set_score_maximum(score_maximum)
        )
        with translated("add a gradebook column"):
            created = self._service().create_lineitem(wanted)
        return column_from_line_item(created)

    def post_pass_fail(
        self,
        column: GradebookColumn,
        sub: str,
        *,
        passed: bool,
        at: datetime | None = None,
        comment: str | None = None,
    ) -> ScoreReceipt:
        grade = pass_fail_grade(column, sub, passed=passed, at=at, comment=comment)
        target = LineItem().set_id(column.id)
        with translated("record a grade"):
            try:
                response = self._service().put_grade(grade, target)
            except LtiServiceException as exc:
                stale = _out_of_order(exc)
                if stale is None:
                    raise
                return ScoreReceipt(recorded=False, detail=stale)
        body = response.get("body")
        result_url = body.get("resultUrl") if isinstance(body, dict) else None
        return ScoreReceipt(
            recorded=True, result_url=str(result_url) if isinstance(result_url, str) else None
        )

    def results(self, column: GradebookColumn) -> tuple[ColumnResult, ...]:
        with translated("read the gradebook"):
            return _results(list(self._service().get_grades(LineItem().set_id(column.id))))

    def result_for(self, column: GradebookColumn, sub: str) -> ColumnResult | None:
        # pylti1p3 puts "/results" before a line item URL's query, so the user filter rides
        # on the column id: <line item>/results?user_id=<sub>.
        filtered = LineItem().set_id(add_param_to_url(column.id, "user_id", sub))
        with translated("read the gradebook"):
            found = _results(list(self._service().get_grades(filtered)))
        return next((r for r in found if r.sub == sub), None)


def _out_of_order(exc: LtiServiceException) -> str | None:
    """Canvas's message when it refused a score for being older than the stored one."""
    response = getattr(exc, "response", None)
    if response is None or response.status_code != 400:
        return None
    message = platform_message(response)
    return message if _OUT_OF_ORDER in message else None
