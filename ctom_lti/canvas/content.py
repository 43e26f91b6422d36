"""Gateway calls for what a course holds: modules and their items, pages, assignment groups and
assignments."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from canvasapi.assignment import Assignment, AssignmentGroup
from canvasapi.module import Module, ModuleItem
from canvasapi.page import Page

from ctom_lti.canvas.base import GatewayBase
from ctom_lti.canvas.convert import (
    assignment_from,
    group_from,
    item_from,
    module_from,
    page_from,
)
from ctom_lti.canvas.dto import (
    AssignmentFields,
    CanvasAssignment,
    CanvasAssignmentGroup,
    CanvasModule,
    CanvasModuleItem,
    CanvasPage,
    GroupFields,
    ModuleFields,
    ModuleItemFields,
    PageFields,
)
from ctom_lti.canvas.params import assignment_params, item_params, pick


class CourseContentCalls(GatewayBase):
    """Modules, items, pages, groups and assignments (see :class:`CanvasGateway`)."""

    # modules -----------------------------------------------------------------------------------
    def list_modules(self, course_id: int) -> list[CanvasModule]:
        """All modules with their items inlined where Canvas agrees to (``include[]=items``).

        :calls: ``GET /api/v1/courses/:course_id/modules``
        """
        return self._call(
            "GET courses/:id/modules",
            lambda: [
                module_from(m) for m in self._course(course_id).get_modules(include=["items"])
            ],
        )

    def list_module_items(self, course_id: int, module_id: int) -> list[CanvasModuleItem]:
        """:calls: ``GET /api/v1/courses/:course_id/modules/:module_id/items``"""
        module = Module(self._requester, {"id": module_id, "course_id": course_id})
        return self._call(
            "GET courses/:id/modules/:id/items",
            lambda: [item_from(i) for i in module.get_module_items()],
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
            lambda: module_from(self._course(course_id).create_module(module=params)),
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
        params = pick(values, only)
        if skip_content_tags:
            params["skip_content_tags"] = True
        module = Module(self._requester, {"id": module_id, "course_id": course_id})
        return self._call(
            "PUT courses/:id/modules/:id", lambda: module_from(module.edit(module=params))
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
        params = item_params(fields, None)
        return self._call(
            "POST courses/:id/modules/:id/items",
            lambda: item_from(module.create_module_item(module_item=params)),
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
        params = item_params(fields, only)
        params.pop("type", None)
        return self._call(
            "PUT courses/:id/modules/:id/items/:id",
            lambda: item_from(item.edit(module_item=params)),
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
            lambda: [page_from(p) for p in self._course(course_id).get_pages(include=["body"])],
        )

    def create_page(self, course_id: int, fields: PageFields) -> CanvasPage:
        """:calls: ``POST /api/v1/courses/:course_id/pages``"""
        params = {"title": fields.title, "body": fields.body, "published": fields.published}
        return self._call(
            "POST courses/:id/pages",
            lambda: page_from(self._course(course_id).create_page(wiki_page=params)),
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
            lambda: page_from(page.edit(wiki_page=pick(values, only))),
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
            lambda: [group_from(g) for g in self._course(course_id).get_assignment_groups()],
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
            lambda: group_from(self._course(course_id).create_assignment_group(**params)),
            idempotent=False,
        )

    def update_assignment_group(
        self, course_id: int, group_id: int, fields: GroupFields, only: Collection[str]
    ) -> CanvasAssignmentGroup:
        """:calls: ``PUT /api/v1/courses/:course_id/assignment_groups/:id``"""
        group = AssignmentGroup(self._requester, {"id": group_id, "course_id": course_id})
        params = pick({"name": fields.name, "position": fields.position}, only)
        return self._call(
            "PUT courses/:id/assignment_groups/:id", lambda: group_from(group.edit(**params))
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
            lambda: [
                assignment_from(a) for a in self._json_pages(f"courses/{course_id}/assignments")
            ],
        )

    def create_assignment(self, course_id: int, fields: AssignmentFields) -> CanvasAssignment:
        """:calls: ``POST /api/v1/courses/:course_id/assignments``"""
        params = assignment_params(fields, None)
        return self._call(
            "POST courses/:id/assignments",
            lambda: assignment_from(self._course(course_id).create_assignment(assignment=params)),
            idempotent=False,
        )

    def update_assignment(
        self, course_id: int, assignment_id: int, fields: AssignmentFields, only: Collection[str]
    ) -> CanvasAssignment:
        """:calls: ``PUT /api/v1/courses/:course_id/assignments/:id``"""
        assignment = Assignment(self._requester, {"id": assignment_id, "course_id": course_id})
        params = assignment_params(fields, only)
        return self._call(
            "PUT courses/:id/assignments/:id",
            lambda: assignment_from(assignment.edit(assignment=params)),
        )

    def delete_assignment(self, course_id: int, assignment_id: int) -> None:
        """:calls: ``DELETE /api/v1/courses/:course_id/assignments/:id``"""
        assignment = Assignment(self._requester, {"id": assignment_id, "course_id": course_id})
        self._delete("DELETE courses/:id/assignments/:id", assignment.delete)
