"""Actions on the course's modules and their items: create, update, move and publish.

Items and modules are placed by 1-based position when the action runs (see planner.order_steps);
a module's items refer to it by its desired key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ctom_lti.canvas_sync.actions import Action, FieldUpdates, Op, position_phrase
from ctom_lti.canvas_sync.desired_objects import DesiredItem, DesiredModule


@dataclass(frozen=True)
class CreateModule(Action):
    module: DesiredModule = field(kw_only=True)
    #: 1-based position among the course's modules when this runs; None = at the end
    position: int | None = field(kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)

    def detail(self) -> str:
        return position_phrase(self.position)


@dataclass(frozen=True)
class UpdateModule(FieldUpdates):
    module_id: int = field(kw_only=True)
    module: DesiredModule = field(kw_only=True)


@dataclass(frozen=True)
class MoveModule(Action):
    module_id: int = field(kw_only=True)
    position: int = field(kw_only=True)
    op: Op = field(init=False, default=Op.MOVE)

    def detail(self) -> str:
        return f"to position {self.position}"


@dataclass(frozen=True)
class PublishModule(Action):
    """Publish a module; without ``skip_content_tags`` Canvas publishes its items too."""

    module_key: str = field(kw_only=True)
    skip_content_tags: bool = field(default=False, kw_only=True)
    op: Op = field(init=False, default=Op.PUBLISH)

    @property
    def id(self) -> str:
        return f"publish:{self.module_key}"


@dataclass(frozen=True)
class CreateItem(Action):
    module_key: str = field(kw_only=True)
    item: DesiredItem = field(kw_only=True)
    #: 1-based position in the module when this runs (see planner.order_steps); None = at the end
    position: int | None = field(kw_only=True)
    op: Op = field(init=False, default=Op.CREATE)

    def detail(self) -> str:
        return f"{self.item.type} {position_phrase(self.position)}"


@dataclass(frozen=True)
class UpdateItem(FieldUpdates):
    module_key: str = field(kw_only=True)
    item_id: int = field(kw_only=True)
    item: DesiredItem = field(kw_only=True)


@dataclass(frozen=True)
class MoveItem(Action):
    module_key: str = field(kw_only=True)
    item_id: int = field(kw_only=True)
    position: int = field(kw_only=True)
    op: Op = field(init=False, default=Op.MOVE)

    def detail(self) -> str:
        return f"to position {self.position}"
