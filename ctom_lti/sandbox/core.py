"""The :class:`Sandbox`: one sandbox Canvas's state, knobs and request log, shared by its app."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app

from ctom_lti.sandbox.course_records import Course
from ctom_lti.sandbox.gates import Gates
from ctom_lti.sandbox.knobs import Knobs
from ctom_lti.sandbox.requestlog import RequestLog
from ctom_lti.sandbox.store import Store

StoreHook = Callable[[Store], None]


@dataclass
class Sandbox:
    """What the sandbox app serves. Tests may swap :attr:`store` for a fresh one between tests
    (:meth:`replace_store`); every request reads ``sandbox.store`` anew."""

    store: Store
    knobs: Knobs = field(default_factory=Knobs)
    gates: Gates = field(default_factory=Gates)
    log: RequestLog = field(default_factory=RequestLog)
    #: signs the sandbox UI's cookies; stays the same when the store is replaced
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    _store_hooks: list[StoreHook] = field(default_factory=list, repr=False)
    #: bumped by :meth:`replace_store`; a request that began under an older generation belongs to
    #: state that is gone (e.g. a previous test's timed-out call) and must not touch the new one
    generation: int = 0

    def __post_init__(self) -> None:
        self.on_new_store(install_canvas_rules)

    def on_new_store(self, hook: StoreHook) -> None:
        """Run ``hook`` on the current store now and on every store that replaces it."""
        self._store_hooks.append(hook)
        hook(self.store)

    def replace_store(self, store: Store) -> None:
        for hook in self._store_hooks:
            hook(store)
        self.store = store
        self.generation += 1


def current_sandbox() -> Sandbox:
    """The :class:`Sandbox` of the sandbox app handling the current request."""
    sandbox: Sandbox = current_app.extensions["sandbox"]
    return sandbox


def install_canvas_rules(store: Store) -> None:
    """Model behaviour Canvas has whoever creates the object (REST, UI or seed); once per store."""
    meta = store.table("_meta")
    if meta.get("canvas_rules"):
        return
    meta["canvas_rules"] = True

    def default_assignment_group(course: Course) -> None:
        # canvas-rest.md §4.1: course.require_assignment_group on creation
        from ctom_lti.sandbox.content import add_assignment_group

        add_assignment_group(store, course.id, "Assignments")

    store.on_course_created(default_assignment_group)
