"""Carrying out one action: the gateway calls it takes, and looking before re-creating.

An :class:`Applier` is made per action and used by one worker thread; it only talks to Canvas.
After a create that Canvas may or may not have performed, :meth:`Applier.look_for` finds the
object the way the planner would, so it is adopted rather than made twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ctom_lti.canvas.dto import GroupFields, ModuleFields, ModuleItemFields, PageFields
from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync.actions import (
    Action,
    CreateAssignment,
    CreateCourse,
    CreateGroup,
    CreateObserver,
    CreatePage,
    Delete,
    InstallTool,
    Kind,
    Ref,
    UpdateAssignment,
    UpdateCourse,
    UpdateGroup,
    UpdatePage,
)
from ctom_lti.canvas_sync.desired_objects import DesiredTool
from ctom_lti.canvas_sync.fields import assignment_fields, course_fields, item_fields
from ctom_lti.canvas_sync.module_actions import (
    CreateItem,
    CreateModule,
    MoveItem,
    MoveModule,
    PublishModule,
    UpdateItem,
    UpdateModule,
)
from ctom_lti.canvas_sync.planner.identity import (
    COURSE_KEY,
    MARKER,
    digest,
    find_item,
    find_marked,
    find_module,
    find_page,
    tool_matches,
)


class Ids:
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


#: (where the object is, digest of rich text sent, digest of what Canvas stored)
Applied = tuple[Ref | None, str | None, str | None]


class Applier:
    """Turns one action into gateway calls; one per action, used by one worker thread."""

    def __init__(self, gateway: CanvasGateway, ids: Ids, tool: DesiredTool) -> None:
        self.gw = gateway
        self.ids = ids
        self.tool = tool
        self.handlers: dict[type[Action], Callable[[Any], Applied]] = {
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

    def apply(self, action: Action) -> Applied:
        return self.handlers[type(action)](action)

    @property
    def course_id(self) -> int:
        return self.ids.course

    def create_course(self, action: CreateCourse) -> Applied:
        s = action.settings
        course = self.gw.create_course(s.account_id, course_fields(s), publish=s.publish)
        return Ref(course.id), None, None

    def update_course(self, action: UpdateCourse) -> Applied:
        fields = course_fields(action.settings)
        self.gw.update_course(self.course_id, fields, action.fields, publish=action.publish)
        return Ref(self.course_id), None, None

    def install_tool(self, action: InstallTool) -> Applied:
        return Ref(self.gw.install_external_tool(self.course_id, action.client_id).id), None, None

    def create_group(self, action: CreateGroup) -> Applied:
        fields = GroupFields(action.group.name, integration_data={MARKER: action.key})
        return Ref(self.gw.create_assignment_group(self.course_id, fields).id), None, None

    def update_group(self, action: UpdateGroup) -> Applied:
        fields = GroupFields(action.group.name)
        self.gw.update_assignment_group(self.course_id, action.group_id, fields, action.fields)
        return Ref(action.group_id), None, None

    def create_page(self, action: CreatePage) -> Applied:
        page = action.page
        made = self.gw.create_page(
            self.course_id, PageFields(page.title, page.body, page.published)
        )
        return Ref(made.page_id, made.url), digest(page.body), digest(made.body)

    def update_page(self, action: UpdatePage) -> Applied:
        page = action.page
        fields = PageFields(page.title, page.body, page.published)
        made = self.gw.update_page(self.course_id, action.ref.url or "", fields, action.fields)
        return Ref(made.page_id, made.url), digest(page.body), digest(made.body)

    def create_assignment(self, action: CreateAssignment) -> Applied:
        want = action.assignment
        fields = assignment_fields(
            want, self.ids[want.group_key].id, mark=action.key, position=action.position
        )
        made = self.gw.create_assignment(self.course_id, fields)
        return Ref(made.id), digest(want.description), digest(made.description)

    def update_assignment(self, action: UpdateAssignment) -> Applied:
        want = action.assignment
        group = self.ids.get(want.group_key)
        fields = assignment_fields(want, group.id if group else None)
        made = self.gw.update_assignment(
            self.course_id, action.assignment_id, fields, action.fields
        )
        return Ref(made.id), digest(want.description), digest(made.description)

    def create_module(self, action: CreateModule) -> Applied:
        fields = ModuleFields(action.module.name, position=action.position)
        return Ref(self.gw.create_module(self.course_id, fields).id), None, None

    def update_module(self, action: UpdateModule) -> Applied:
        fields = ModuleFields(action.module.name)
        self.gw.update_module(self.course_id, action.module_id, fields, action.fields)
        return Ref(action.module_id), None, None

    def move_module(self, action: MoveModule) -> Applied:
        fields = ModuleFields("", position=action.position)
        self.gw.update_module(self.course_id, action.module_id, fields, {"position"})
        return Ref(action.module_id), None, None

    def publish_module(self, action: PublishModule) -> Applied:
        module_id = self.ids[action.module_key].id
        self.gw.update_module(
            self.course_id,
            module_id,
            ModuleFields("", published=True),
            {"published"},
            skip_content_tags=action.skip_content_tags,
        )
        return Ref(module_id), None, None

    def create_item(self, action: CreateItem) -> Applied:
        fields = item_fields(action.item, self.ids, position=action.position)
        module_id = self.ids[action.module_key].id
        return Ref(self.gw.create_module_item(self.course_id, module_id, fields).id), None, None

    def update_item(self, action: UpdateItem) -> Applied:
        module_id = self.ids[action.module_key].id
        # 0: the item is created earlier in this run; its id is known only now.
        item_id = action.item_id or self.ids[action.key].id
        fields = item_fields(action.item, self.ids, published=True)
        self.gw.update_module_item(self.course_id, module_id, item_id, fields, action.fields)
        return Ref(item_id), None, None

    def move_item(self, action: MoveItem) -> Applied:
        module_id = self.ids[action.module_key].id
        fields = ModuleItemFields("", "", position=action.position)
        self.gw.update_module_item(self.course_id, module_id, action.item_id, fields, {"position"})
        return Ref(action.item_id), None, None

    def create_observer(self, action: CreateObserver) -> Applied:
        enrollment = self.gw.enroll_user(
            self.course_id,
            f"sis_user_id:{action.observer.mentor_sis_id}",
            "ObserverEnrollment",
            associated_user_id=action.candidate_user_id,
        )
        return Ref(enrollment.id), None, None

    def delete(self, action: Delete) -> Applied:
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
        group, _ = find_marked(groups, action.key, action.group.name, None, claimed)
        return Ref(group.id) if group else None

    def _look_for_page(self, action: CreatePage, claimed: set[int]) -> Ref | None:
        pages = self.gw.list_pages(self.course_id)
        page, _ = find_page(pages, action.page.title, None, claimed)
        return Ref(page.page_id, page.url) if page else None

    def _look_for_assignment(self, action: CreateAssignment, claimed: set[int]) -> Ref | None:
        assignments = self.gw.list_assignments(self.course_id)
        name = action.assignment.name
        found, _ = find_marked(assignments, action.key, name, None, claimed)
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
