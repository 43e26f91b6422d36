"""Apply a plan: run its actions against Canvas, concurrently where they are independent.

Scheduling: an action starts once every action in its ``deps`` has succeeded. Among ready actions
the one heading the longest chain of dependants goes first (items of the biggest module), so a
bounded pool of workers finishes as early as it can. If an action fails, everything that depends
on it is skipped, and the rest carries on.

Safety: a create that Canvas may or may not have performed (:class:`CanvasWriteUncertain`) is
never simply repeated. The runner first looks for the object, the way the planner would find it,
and adopts it if it is there. Mapping rows are recorded (and committed) by the main thread as each
action completes; worker threads only talk to Canvas.

An exception that is not a Canvas error (a bug, Ctrl-C) stops the run: actions already running are
allowed to finish and be recorded, nothing new starts, and the exception propagates.
"""

from __future__ import annotations

import heapq
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol

from ctom_lti.canvas.dto import (
    AssignmentFields,
    CourseFields,
    GroupFields,
    ModuleFields,
    ModuleItemFields,
    PageFields,
)
from ctom_lti.canvas.errors import CanvasError, CanvasWriteUncertain
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync.actions import (
    Action,
    Adopt,
    Blocked,
    CreateAssignment,
    CreateCourse,
    CreateGroup,
    CreateItem,
    CreateModule,
    CreateObserver,
    CreatePage,
    Delete,
    InstallTool,
    Kind,
    MoveItem,
    MoveModule,
    Op,
    PublishModule,
    Ref,
    UpdateAssignment,
    UpdateCourse,
    UpdateGroup,
    UpdateItem,
    UpdateModule,
    UpdatePage,
)
from ctom_lti.canvas_sync.desired import (
    ASSIGNMENT,
    EXTERNAL_TOOL,
    PAGE,
    CourseSettings,
    DesiredAssignment,
    DesiredItem,
    DesiredTool,
)
from ctom_lti.canvas_sync.planner import (
    COURSE_KEY,
    MARKER,
    TOOL_KEY,
    Plan,
    digest,
    find_assignment,
    find_group,
    find_item,
    find_module,
    find_page,
    tool_matches,
)

#: How often to look-then-create after Canvas leaves a create unconfirmed.
UNCERTAIN_ROUNDS = 5


class MappingRecorder(Protocol):
    """Where the runner records which Canvas object each desired key is."""

    course_id: int | None

    def record(
        self,
        key: str,
        kind: str,
        canvas_id: int,
        *,
        created_by_sync: bool | None = None,
        sent_digest: str | None = None,
        seen_digest: str | None = None,
    ) -> None: ...

    def forget(self, key: str) -> None: ...


class Status:
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    ADOPTED = "adopted"
    FAILED = "failed"
    #: not attempted because an action it needs failed
    SKIPPED = "skipped"
    #: the planner could not plan it (see the reason)
    BLOCKED = "blocked"


_DONE_STATUS = {
    Op.CREATE: Status.CREATED,
    Op.UPDATE: Status.UPDATED,
    Op.MOVE: Status.UPDATED,
    Op.PUBLISH: Status.UPDATED,
    Op.DELETE: Status.DELETED,
    Op.ADOPT: Status.ADOPTED,
}


@dataclass(frozen=True)
class Outcome:
    """What happened to one action."""

    action: Action
    status: str
    ref: Ref | None = None
    error: str | None = None
    hint: str | None = None
    #: the create's answer was lost and the object was found afterwards
    recovered: bool = False
    sent_digest: str | None = None
    seen_digest: str | None = None

    @property
    def ok(self) -> bool:
        return self.status not in (Status.FAILED, Status.SKIPPED, Status.BLOCKED)


class _Ids:
    """Where each desired key lives in Canvas, filled in as the run goes."""

    def __init__(self, known: Iterable[tuple[str, Ref]]) -> None:
        self.refs: dict[str, Ref] = dict(known)

    def __getitem__(self, key: str) -> Ref:
        try:
            return self.refs[key]
        except KeyError:
            raise LookupError(f"{key} has no Canvas id yet") from None

    def get(self, key: str | None) -> Ref | None:
        return self.refs.get(key) if key else None

    @property
    def course(self) -> int:
        return self[COURSE_KEY].id

    def claimed(self, prefix: str, except_key: str) -> set[int]:
        """Canvas ids already taken by other desired keys of one kind."""
        return {r.id for k, r in self.refs.items() if k.startswith(prefix) and k != except_key}


def _heights(actions: Sequence[Action]) -> dict[str, int]:
    """Length of the longest chain of actions waiting on each action (itself included)."""
    dependants: dict[str, list[str]] = defaultdict(list)
    for action in actions:
        for dep in action.deps:
            dependants[dep].append(action.id)
    heights: dict[str, int] = {}
    for action in reversed(actions):  # the planner emits deps before their dependants
        heights[action.id] = 1 + max((heights.get(d, 1) for d in dependants[action.id]), default=0)
    return heights


class _Schedule:
    """Which actions may start: all their deps succeeded. Longest chains first."""

    def __init__(self, actions: Sequence[Action]) -> None:
        self.actions = list(actions)
        self.by_id = {a.id: a for a in self.actions}
        self.waiting = {a.id: {d for d in a.deps if d in self.by_id} for a in self.actions}
        self.dependants: dict[str, list[str]] = defaultdict(list)
        for action in self.actions:
            for dep in self.waiting[action.id]:
                self.dependants[dep].append(action.id)
        self.heights = _heights(self.actions)
        self.order = {a.id: i for i, a in enumerate(self.actions)}
        self.outcomes: dict[str, Outcome] = {}
        self.ready: list[tuple[int, int, str]] = []
        for action in self.actions:
            if not self.waiting[action.id]:
                self._push(action.id)

    def _push(self, action_id: str) -> None:
        heapq.heappush(self.ready, (-self.heights[action_id], self.order[action_id], action_id))

    def has_ready(self) -> bool:
        while self.ready and self.ready[0][2] in self.outcomes:
            heapq.heappop(self.ready)
        return bool(self.ready)

    def pop(self) -> Action:
        return self.by_id[heapq.heappop(self.ready)[2]]

    def complete(self, outcome: Outcome) -> list[Outcome]:
        """Record an outcome; returns it plus the outcomes of dependants skipped because of it."""
        settled = [outcome]
        self.outcomes[outcome.action.id] = outcome
        pending = [outcome]
        while pending:
            done = pending.pop()
            for nxt in self.dependants[done.action.id]:
                if nxt in self.outcomes:
                    continue
                if done.ok:
                    self.waiting[nxt].discard(done.action.id)
                    if not self.waiting[nxt]:
                        self._push(nxt)
                    continue
                skipped = Outcome(
                    self.by_id[nxt],
                    Status.SKIPPED,
                    error=f"not attempted: {done.action.kind} '{done.action.title}' did not "
                    "succeed",
                )
                self.outcomes[nxt] = skipped
                settled.append(skipped)
                pending.append(skipped)
        return settled

    def results(self) -> list[Outcome]:
        """Every action's outcome, in plan order (never-reached ones reported as skipped)."""
        return [
            self.outcomes.get(a.id)
            or Outcome(a, Status.SKIPPED, error="its prerequisites did not complete")
            for a in self.actions
        ]


class _MappingWriter:
    """Records outcomes in the mapping, in completion order, on a thread of its own.

    The database write (and its commit) happens as soon as each outcome arrives, but off the
    scheduling thread, so the next action in a chain starts without waiting for the disk.
    """

    _STOP = object()

    def __init__(self, recorder: MappingRecorder) -> None:
        self.recorder = recorder
        self.queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="sync-mapping", daemon=True)
        self.thread.start()

    def put(self, outcome: Outcome) -> None:
        if outcome.ok:
            self.queue.put(outcome)

    def close(self, *, raise_errors: bool = True) -> None:
        self.queue.put(self._STOP)
        self.thread.join()
        if raise_errors and self.error is not None:
            raise self.error

    def _work(self) -> None:
        while True:
            item = self.queue.get()
            if item is self._STOP:
                return
            if self.error is not None:
                continue  # the session is unusable after a failure; report it at close
            try:
                assert isinstance(item, Outcome)
                persist(self.recorder, item)
            except Exception as exc:  # handed to the caller at close()
                self.error = exc


def persist(recorder: MappingRecorder, outcome: Outcome) -> None:
    """Write what one successful outcome means for the mapping."""
    action = outcome.action
    if isinstance(action, Delete):
        recorder.forget(action.key)
        return
    if action.kind is Kind.COURSE and outcome.ref is not None:
        recorder.course_id = outcome.ref.id
    if outcome.ref is None:
        return
    if action.op is Op.CREATE or isinstance(action, Adopt):
        created = action.created_by_sync if isinstance(action, Adopt) else True
        recorder.record(
            action.key,
            action.kind,
            outcome.ref.id,
            created_by_sync=created,
            sent_digest=outcome.sent_digest,
            seen_digest=outcome.seen_digest,
        )
    elif outcome.sent_digest is not None:
        # Canvas re-sanitises rich text on every save; remember what it stored this time.
        recorder.record(
            action.key,
            action.kind,
            outcome.ref.id,
            sent_digest=outcome.sent_digest,
            seen_digest=outcome.seen_digest,
        )


class Runner:
    """Runs a plan's actions (see the module docstring)."""

    def __init__(
        self,
        gateway: CanvasGateway,
        recorder: MappingRecorder,
        *,
        tool: DesiredTool,
        concurrency: int = 8,
        progress: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.gateway = gateway
        self.recorder = recorder
        self.tool = tool
        self.concurrency = max(1, concurrency)
        self.progress = progress

    # scheduling --------------------------------------------------------------------------------
    def run(self, plan: Plan) -> list[Outcome]:
        ids = _Ids(plan.known.items())
        schedule = _Schedule(plan.actions)
        writer = _MappingWriter(self.recorder)
        running: dict[Future[Outcome], Action] = {}
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="sync")
        try:
            while schedule.has_ready() or running:
                while schedule.has_ready() and len(running) < self.concurrency:
                    action = schedule.pop()
                    if action.writes:
                        running[pool.submit(self._apply, action, ids)] = action
                    else:
                        self._finish(schedule, self._local(action), ids, writer)
                if running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        running.pop(future)
                        self._finish(schedule, future.result(), ids, writer)
        except BaseException:
            # Stop starting work; let what is in flight finish and record what succeeded, so
            # the next run knows about it.
            pool.shutdown(wait=True, cancel_futures=True)
            for future in running:
                if not future.cancelled() and future.exception() is None:
                    writer.put(future.result())
            writer.close(raise_errors=False)
            raise
        pool.shutdown(wait=True)
        writer.close()
        return schedule.results()

    def _finish(
        self, schedule: _Schedule, outcome: Outcome, ids: _Ids, writer: _MappingWriter
    ) -> None:
        for each in schedule.complete(outcome):
            if each.ok and each.ref is not None:
                ids.refs[each.action.key] = each.ref
            writer.put(each)
            if self.progress is not None and (each.action.writes or not each.ok):
                self.progress(each)

    def _local(self, action: Action) -> Outcome:
        if isinstance(action, Adopt):
            return Outcome(
                action,
                Status.ADOPTED,
                ref=action.ref,
                sent_digest=action.sent_digest,
                seen_digest=action.seen_digest,
            )
        if isinstance(action, Blocked):
            return Outcome(action, Status.BLOCKED, error=action.reason)
        return Outcome(action, Status.SKIPPED, error="nothing to do")

    # applying one action (worker threads) ------------------------------------------------------
    def _apply(self, action: Action, ids: _Ids) -> Outcome:
        applier = _Applier(self.gateway, ids, self.tool)
        try:
            if action.op is Op.CREATE:
                return self._create(applier, action)
            ref, sent, seen = applier.apply(action)
            return Outcome(
                action, _DONE_STATUS[action.op], ref=ref, sent_digest=sent, seen_digest=seen
            )
        except CanvasError as exc:
            return Outcome(action, Status.FAILED, error=exc.message, hint=exc.hint)

    def _create(self, applier: _Applier, action: Action) -> Outcome:
        for attempt in range(1, UNCERTAIN_ROUNDS + 1):
            try:
                ref, sent, seen = applier.apply(action)
            except CanvasWriteUncertain:
                found = applier.look_for(action)
                if found is not None:
                    return Outcome(action, Status.CREATED, ref=found, recovered=True)
                self.gateway.backoff(attempt)
                continue
            return Outcome(action, Status.CREATED, ref=ref, sent_digest=sent, seen_digest=seen)
        ref, sent, seen = applier.apply(action)
        return Outcome(action, Status.CREATED, ref=ref, sent_digest=sent, seen_digest=seen)


#: (where the object is, digest of rich text sent, digest of what Canvas stored)
_Applied = tuple[Ref | None, str | None, str | None]


class _Applier:
    """Turns one action into gateway calls; one per action, used by one worker thread."""

    def __init__(self, gateway: CanvasGateway, ids: _Ids, tool: DesiredTool) -> None:
        self.gw = gateway
        self.ids = ids
        self.tool = tool
        self.handlers: dict[type[Action], Callable[[Any], _Applied]] = {
            CreateCourse: self.create_course,
            UpdateCourse: self.update_course,
            InstallTool: self.install_tool,
            CreateGroup: self.create_group,
            UpdateGroup: self.update_group,
            CreatePage: self.create_page,
            UpdatePage: self.update_page,
            CreateAssignment: self.create_assignment,
            UpdateAssignment: self.update_assignment,
            CreateModule: self.create_module,
            UpdateModule: self.update_module,
            MoveModule: self.move_module,
            PublishModule: self.publish_module,
            CreateItem: self.create_item,
            UpdateItem: self.update_item,
            MoveItem: self.move_item,
            CreateObserver: self.create_observer,
            Delete: self.delete,
        }

    def apply(self, action: Action) -> _Applied:
        return self.handlers[type(action)](action)

    @property
    def course_id(self) -> int:
        return self.ids.course

    def create_course(self, action: CreateCourse) -> _Applied:
        s = action.settings
        course = self.gw.create_course(s.account_id, course_fields(s), publish=s.publish)
        return Ref(course.id), None, None

    def update_course(self, action: UpdateCourse) -> _Applied:
        fields = course_fields(action.settings)
        self.gw.update_course(self.course_id, fields, action.fields, publish=action.publish)
        return Ref(self.course_id), None, None

    def install_tool(self, action: InstallTool) -> _Applied:
        return Ref(self.gw.install_external_tool(self.course_id, action.client_id).id), None, None

    def create_group(self, action: CreateGroup) -> _Applied:
        fields = GroupFields(action.group.name, integration_data={MARKER: action.key})
        return Ref(self.gw.create_assignment_group(self.course_id, fields).id), None, None

    def update_group(self, action: UpdateGroup) -> _Applied:
        fields = GroupFields(action.group.name)
        self.gw.update_assignment_group(self.course_id, action.group_id, fields, action.fields)
        return Ref(action.group_id), None, None

    def create_page(self, action: CreatePage) -> _Applied:
        page = action.page
        made = self.gw.create_page(
            self.course_id, PageFields(page.title, page.body, page.published)
        )
        return Ref(made.page_id, made.url), digest(page.body), digest(made.body)

    def update_page(self, action: UpdatePage) -> _Applied:
        page = action.page
        fields = PageFields(page.title, page.body, page.published)
        made = self.gw.update_page(self.course_id, action.ref.url or "", fields, action.fields)
        return Ref(made.page_id, made.url), digest(page.body), digest(made.body)

    def create_assignment(self, action: CreateAssignment) -> _Applied:
        want = action.assignment
        fields = assignment_fields(
            want, self.ids[want.group_key].id, mark=action.key, position=action.position
        )
        made = self.gw.create_assignment(self.course_id, fields)
        return Ref(made.id), digest(want.description), digest(made.description)

    def update_assignment(self, action: UpdateAssignment) -> _Applied:
        want = action.assignment
        group = self.ids.get(want.group_key)
        fields = assignment_fields(want, group.id if group else None)
        made = self.gw.update_assignment(
            self.course_id, action.assignment_id, fields, action.fields
        )
        return Ref(made.id), digest(want.description), digest(made.description)

    def create_module(self, action: CreateModule) -> _Applied:
        fields = ModuleFields(action.module.name, position=action.position)
        return Ref(self.gw.create_module(self.course_id, fields).id), None, None

    def update_module(self, action: UpdateModule) -> _Applied:
        fields = ModuleFields(action.module.name)
        self.gw.update_module(self.course_id, action.module_id, fields, action.fields)
        return Ref(action.module_id), None, None

    def move_module(self, action: MoveModule) -> _Applied:
        fields = ModuleFields("", position=action.position)
        self.gw.update_module(self.course_id, action.module_id, fields, {"position"})
        return Ref(action.module_id), None, None

    def publish_module(self, action: PublishModule) -> _Applied:
        module_id = self.ids[action.module_key].id
        self.gw.update_module(
            self.course_id,
            module_id,
            ModuleFields("", published=True),
            {"published"},
            skip_content_tags=action.skip_content_tags,
        )
        return Ref(module_id), None, None

    def create_item(self, action: CreateItem) -> _Applied:
        fields = item_fields(action.item, self.ids, position=action.position)
        module_id = self.ids[action.module_key].id
        return Ref(self.gw.create_module_item(self.course_id, module_id, fields).id), None, None

    def update_item(self, action: UpdateItem) -> _Applied:
        module_id = self.ids[action.module_key].id
        # 0: the item is created earlier in this run; its id is known only now.
        item_id = action.item_id or self.ids[action.key].id
        fields = item_fields(action.item, self.ids, published=True)
        self.gw.update_module_item(self.course_id, module_id, item_id, fields, action.fields)
        return Ref(item_id), None, None

    def move_item(self, action: MoveItem) -> _Applied:
        module_id = self.ids[action.module_key].id
        fields = ModuleItemFields("", "", position=action.position)
        self.gw.update_module_item(self.course_id, module_id, action.item_id, fields, {"position"})
        return Ref(action.item_id), None, None

    def create_observer(self, action: CreateObserver) -> _Applied:
        enrollment = self.gw.enroll_user(
            self.course_id,
            f"sis_user_id:{action.observer.mentor_sis_id}",
            "ObserverEnrollment",
            associated_user_id=action.candidate_user_id,
        )
        return Ref(enrollment.id), None, None

    def delete(self, action: Delete) -> _Applied:
        gw, course_id, target = self.gw, self.course_id, action.ref.id
        removers: dict[Kind, Callable[[], None]] = {
            Kind.ITEM: lambda: gw.delete_module_item(course_id, action.module_id or 0, target),
            Kind.MODULE: lambda: gw.delete_module(course_id, target),
            Kind.PAGE: lambda: gw.delete_page(course_id, action.ref.url or f"page_id:{target}"),
            Kind.ASSIGNMENT: lambda: gw.delete_assignment(course_id, target),
            Kind.GROUP: lambda: gw.delete_assignment_group(course_id, target),
            Kind.OBSERVER: lambda: gw.delete_enrollment(course_id, target),
        }
        removers[action.kind]()
        return None, None, None

    # looking before re-creating ----------------------------------------------------------------
    def look_for(self, action: Action) -> Ref | None:
        """After an unconfirmed create: is the object there? Found the way the planner finds."""
        if isinstance(action, CreateCourse):
            course = self.gw.find_course_by_sis(action.settings.sis_course_id)
            return Ref(course.id) if course else None
        lookups: dict[type[Action], Callable[[Any, set[int]], Ref | None]] = {
            CreateGroup: self._look_for_group,
            CreatePage: self._look_for_page,
            CreateAssignment: self._look_for_assignment,
            CreateModule: self._look_for_module,
            CreateItem: self._look_for_item,
            InstallTool: self._look_for_tool,
        }
        lookup = lookups.get(type(action))
        if lookup is None:
            return None
        return lookup(action, self.ids.claimed(f"{action.kind}:", action.key))

    def _look_for_group(self, action: CreateGroup, claimed: set[int]) -> Ref | None:
        groups = self.gw.list_assignment_groups(self.course_id)
        group, _ = find_group(groups, action.key, action.group.name, None, claimed)
        return Ref(group.id) if group else None

    def _look_for_page(self, action: CreatePage, claimed: set[int]) -> Ref | None:
        pages = self.gw.list_pages(self.course_id)
        page, _ = find_page(pages, action.page.title, None, claimed)
        return Ref(page.page_id, page.url) if page else None

    def _look_for_assignment(self, action: CreateAssignment, claimed: set[int]) -> Ref | None:
        assignments = self.gw.list_assignments(self.course_id)
        name = action.assignment.name
        found, _ = find_assignment(assignments, action.key, name, None, claimed)
        return Ref(found.id) if found else None

    def _look_for_module(self, action: CreateModule, claimed: set[int]) -> Ref | None:
        modules = self.gw.list_modules(self.course_id)
        module, _ = find_module(modules, action.module.name, None, claimed)
        return Ref(module.id) if module else None

    def _look_for_item(self, action: CreateItem, claimed: set[int]) -> Ref | None:
        module_id = self.ids[action.module_key].id
        items = self.gw.list_module_items(self.course_id, module_id)
        content = self.ids.get(action.item.content_key)
        item, _ = find_item(items, action.item, content, None, claimed)
        return Ref(item.id) if item else None

    def _look_for_tool(self, action: InstallTool, claimed: set[int]) -> Ref | None:
        tools = self.gw.list_external_tools(self.course_id)
        tool = next((t for t in tools if tool_matches(t, self.tool)), None)
        return Ref(tool.id) if tool else None


# --- desired objects -> gateway fields -----------------------------------------------------------


def course_fields(settings: CourseSettings) -> CourseFields:
    return CourseFields(
        name=settings.name,
        course_code=settings.course_code,
        sis_course_id=settings.sis_course_id,
        start_at=settings.start_at,
        end_at=settings.end_at,
        restrict_enrollments_to_course_dates=settings.restrict_enrollments_to_course_dates,
        default_view=settings.default_view,
        time_zone=settings.time_zone,
    )


def assignment_fields(
    want: DesiredAssignment,
    group_id: int | None,
    *,
    mark: str | None = None,
    position: int | None = None,
) -> AssignmentFields:
    return AssignmentFields(
        name=want.name,
        assignment_group_id=group_id,
        # Pass/fail still needs explicit points: Canvas scores "complete" as points_possible
        # (canvas-rest.md §5).
        points_possible=want.points_possible,
        grading_type=want.grading_type,
        submission_types=want.submission_types,
        published=want.published,
        due_at=want.due_at,
        description=want.description,
        position=position,
        integration_data={MARKER: mark} if mark else None,
    )


def item_fields(
    item: DesiredItem, ids: _Ids, *, position: int | None = None, published: bool | None = None
) -> ModuleItemFields:
    content_id = None
    page_url = None
    if item.type == ASSIGNMENT and item.content_key:
        content_id = ids[item.content_key].id
    elif item.type == PAGE and item.content_key:
        page_url = ids[item.content_key].url
    elif item.type == EXTERNAL_TOOL:
        content_id = ids[TOOL_KEY].id
    return ModuleItemFields(
        type=item.type,
        title=item.title,
        content_id=content_id,
        page_url=page_url,
        external_url=item.external_url,
        indent=item.indent,
        new_tab=item.new_tab,
        position=position,
        published=published,
    )
