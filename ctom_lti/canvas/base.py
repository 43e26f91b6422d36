"""What every Canvas call of the gateway goes through: error translation, retries, counting.

Objects are addressed by id without fetching them first (canvasapi's ``get_course`` etc. would
cost a request each), by building canvasapi objects around known ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from canvasapi import Canvas
from canvasapi import exceptions as cx
from canvasapi.course import Course
from canvasapi.paginated_list import PaginatedList
from canvasapi.util import combine_kwargs

from ctom_lti.canvas.errors import CanvasError, CanvasNotFound
from ctom_lti.canvas.retry import CallCounter, CallCounts, RetryPolicy, call_with_retries
from ctom_lti.canvas.translate import translate_error

T = TypeVar("T")


class GatewayBase:
    """The plumbing of :class:`~ctom_lti.canvas.gateway.CanvasGateway`; safe to share between
    threads.

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
        self._sleep(self.retry_policy.backoff(attempt))

    def _course(self, course_id: int) -> Course:
        return Course(self._requester, {"id": course_id})

    def _json_pages(self, endpoint: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of a list as the JSON Canvas sent (call inside :meth:`_call`).

        canvasapi would build an object per element and try to parse each of its values as a
        date (tens of milliseconds per element on a busy machine); paging stays canvasapi's.
        """
        return list(
            PaginatedList(
                JsonRow, self._requester, "GET", endpoint, _kwargs=combine_kwargs(**params)
            )
        )

    def _post(self, endpoint: str, **params: Any) -> Any:
        response = self._requester.request("POST", endpoint, _kwargs=combine_kwargs(**params))
        return response.json()

    # helpers -----------------------------------------------------------------------------------
    def _delete(self, endpoint: str, fn: Callable[[], Any]) -> None:
        """Delete, treating "already gone" (e.g. a retried delete that had worked) as done."""
        try:
            self._call(endpoint, fn)
        except CanvasNotFound:
            return


class JsonRow(dict[str, Any]):
    """A list element kept as the JSON Canvas sent (see :meth:`GatewayBase._json_pages`)."""

    def __init__(self, requester: Any, attributes: dict[str, Any]) -> None:
        super().__init__(attributes)
