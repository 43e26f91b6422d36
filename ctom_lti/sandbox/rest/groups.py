"""Group categories, groups and memberships (canvas-rest.md §4.14)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.course_records import Group, GroupCategory, GroupMembership
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import (
    find_course,
    find_user,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.group_json import (
    category_json,
    group_json,
    live_groups,
    live_members,
    membership_json,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import opt_int, opt_str, params, str_list, to_bool
from ctom_lti.sandbox.rest.render import user_json

bp = Blueprint("groups", __name__)

JOIN_LEVELS = ("parent_context_auto_join", "parent_context_request", "invitation_only")


def _category(raw: str) -> GroupCategory:
    s = store()
    cat: GroupCategory | None = None
    if raw.startswith("sis_group_category_id:"):
        value = raw.split(":", 1)[1]
        cat = next(
            (c for c in s.group_categories.values() if c.sis_group_category_id == value), None
        )
    elif raw.isdigit():
        cat = s.group_categories.get(int(raw))
    if cat is None or cat.workflow_state == "deleted":
        raise errors.not_found()
    return cat


def _group(raw: str) -> Group:
    s = store()
    group: Group | None = None
    if raw.startswith("sis_group_id:"):
        value = raw.split(":", 1)[1]
        group = next((g for g in s.groups.values() if g.sis_group_id == value), None)
    elif raw.isdigit():
        group = s.groups.get(int(raw))
    if group is None or group.workflow_state == "deleted":
        raise errors.not_found()
    return group


@bp.post("/courses/<course_id>/group_categories")
def create_category(course_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    p = params()
    name = opt_str(p, "name")
    if not name:
        raise errors.model_errors({"name": ["Name can't be blank"]})
    s = store()
    with s.lock:
        sis = opt_str(p, "sis_group_category_id") or None
        if sis and any(c.sis_group_category_id == sis for c in s.group_categories.values()):
            raise errors.model_errors({"sis_source_id": [f'SIS ID "{sis}" is already in use']})
        if any(
            c.course_id == course.id and c.name == name and c.workflow_state != "deleted"
            for c in s.group_categories.values()
        ):
            raise errors.model_errors({"name": [f"{name} is already in use."]})
        cat = GroupCategory(
            id=s.next_id("group_categories"),
            course_id=course.id,
            name=name,
            self_signup=opt_str(p, "self_signup") or None,
            auto_leader=opt_str(p, "auto_leader") or None,
            group_limit=opt_int(p, "group_limit"),
            sis_group_category_id=sis,
        )
        s.group_categories[cat.id] = cat
        for n in range(1, (opt_int(p, "create_group_count") or 0) + 1):
            _add_group(cat, f"{name} {n}")
    return jsonify(category_json(cat))


@bp.get("/courses/<course_id>/group_categories")
def list_categories(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    cats = sorted(
        (
            c
            for c in store().group_categories.values()
            if c.course_id == course.id and c.workflow_state != "deleted"
        ),
        key=lambda c: c.id,
    )
    return paginate(cats, category_json)


@bp.get("/group_categories/<category_id>")
def get_category(category_id: str) -> Response:
    cat = _category(category_id)
    require_read(store().courses[cat.course_id])
    return jsonify(category_json(cat))


@bp.delete("/group_categories/<category_id>")
def delete_category(category_id: str) -> Response:
    cat = _category(category_id)
    require_manage(store().courses[cat.course_id])
    data = category_json(cat)
    cat.workflow_state = "deleted"
    for g in live_groups(cat.id):
        g.workflow_state = "deleted"
    return jsonify(data)


def _add_group(cat: GroupCategory, name: str, **fields: Any) -> Group:
    s = store()
    group = Group(s.next_id("groups"), cat.id, cat.course_id, name, **fields)
    s.groups[group.id] = group
    return group


@bp.post("/group_categories/<category_id>/groups")
def create_group(category_id: str) -> Response:
    cat = _category(category_id)
    require_manage(store().courses[cat.course_id])
    p = params()
    join_level = opt_str(p, "join_level") or "invitation_only"
    if join_level not in JOIN_LEVELS:
        raise errors.model_errors({"join_level": ["is not included in the list"]})
    s = store()
    with s.lock:
        sis = opt_str(p, "sis_group_id") or None
        if sis and any(g.sis_group_id == sis for g in s.groups.values()):
            raise errors.model_errors({"sis_source_id": [f'SIS ID "{sis}" is already in use']})
        group = _add_group(
            cat,
            opt_str(p, "name") or "Unnamed Group",
            description=opt_str(p, "description"),
            is_public=to_bool(p.get("is_public", False)),
            join_level=join_level,
            sis_group_id=sis,
            max_membership=opt_int(p, "max_membership"),
        )
    return jsonify(group_json(group, with_users=True))


@bp.get("/group_categories/<category_id>/groups")
def list_category_groups(category_id: str) -> Response:
    cat = _category(category_id)
    require_read(store().courses[cat.course_id])
    return paginate(live_groups(cat.id), group_json)


@bp.get("/courses/<course_id>/groups")
def list_course_groups(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    groups = sorted(
        (
            g
            for g in store().groups.values()
            if g.course_id == course.id and g.workflow_state != "deleted"
        ),
        key=lambda g: g.id,
    )
    with_users = "users" in str_list(params().get("include"))
    return paginate(groups, lambda g: group_json(g, with_users=with_users))


@bp.get("/groups/<group_id>")
def get_group(group_id: str) -> Response:
    group = _group(group_id)
    require_read(store().courses[group.course_id])
    return jsonify(group_json(group, with_users="users" in str_list(params().get("include"))))


@bp.put("/groups/<group_id>")
def update_group(group_id: str) -> Response:
    group = _group(group_id)
    require_manage(store().courses[group.course_id])
    p = params()
    if opt_str(p, "name"):
        group.name = str(p["name"])
    if "description" in p:
        group.description = opt_str(p, "description")
    if "is_public" in p:
        group.is_public = to_bool(p["is_public"])
    return jsonify(group_json(group))


@bp.delete("/groups/<group_id>")
def delete_group(group_id: str) -> Response:
    group = _group(group_id)
    require_manage(store().courses[group.course_id])
    data = group_json(group)
    group.workflow_state = "deleted"
    return jsonify(data)


# canvas-rest.md §4.14: an existing membership is returned rather than duplicated
@bp.post("/groups/<group_id>/memberships")
def create_membership(group_id: str) -> Response:
    group = _group(group_id)
    require_manage(store().courses[group.course_id])
    raw = opt_str(params(), "user_id")
    if not raw:
        raise errors.model_errors({"user_id": ["can't be blank"]})
    user = find_user(raw)
    s = store()
    with s.lock:
        existing = next((m for m in live_members(group.id) if m.user_id == user.id), None)
        if existing is not None:
            return jsonify(membership_json(existing))
        membership = GroupMembership(s.next_id("group_memberships"), group.id, user.id)
        s.group_memberships[membership.id] = membership
    return jsonify(membership_json(membership, just_created=True))


@bp.get("/groups/<group_id>/memberships")
def list_memberships(group_id: str) -> Response:
    group = _group(group_id)
    require_read(store().courses[group.course_id])
    members = live_members(group.id)
    states = set(str_list(params().get("filter_states")))
    if states:
        members = [m for m in members if m.workflow_state in states]
    return paginate(members, membership_json)


@bp.get("/groups/<group_id>/users")
def list_group_users(group_id: str) -> Response:
    group = _group(group_id)
    require_read(store().courses[group.course_id])
    s = store()
    return paginate([s.users[m.user_id] for m in live_members(group.id)], user_json)


@bp.delete("/groups/<group_id>/users/<user_id>")
@bp.delete("/groups/<group_id>/memberships/<int:membership_id>")
def delete_membership(
    group_id: str, user_id: str | None = None, membership_id: int | None = None
) -> Response:
    group = _group(group_id)
    require_manage(store().courses[group.course_id])
    uid = find_user(user_id).id if user_id is not None else None
    found = next(
        (m for m in live_members(group.id) if m.user_id == uid or m.id == membership_id), None
    )
    if found is None:
        raise errors.not_found()
    found.workflow_state = "deleted"
    return jsonify({"ok": True})
