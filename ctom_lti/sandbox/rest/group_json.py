"""Group category, group and membership JSON as Canvas renders it (canvas-rest.md §4.14), and the
live (not deleted) groups and memberships those counts are made of."""

from __future__ import annotations

from typing import Any

from ctom_lti.sandbox.course_records import Group, GroupCategory, GroupMembership
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.render import user_json


def live_groups(category_id: int) -> list[Group]:
    return sorted(
        (
            g
            for g in store().groups.values()
            if g.group_category_id == category_id and g.workflow_state != "deleted"
        ),
        key=lambda g: g.id,
    )


def live_members(group_id: int) -> list[GroupMembership]:
    return sorted(
        (
            m
            for m in store().group_memberships.values()
            if m.group_id == group_id and m.workflow_state != "deleted"
        ),
        key=lambda m: m.id,
    )


def category_json(cat: GroupCategory) -> dict[str, Any]:
    s = store()
    groups = live_groups(cat.id)
    grouped = {m.user_id for g in groups for m in live_members(g.id)}
    return {
        "id": cat.id,
        "name": cat.name,
        "role": None,
        "self_signup": cat.self_signup,
        "self_signup_end_at": None,
        "auto_leader": cat.auto_leader,
        "group_limit": cat.group_limit,
        "context_type": "Course",
        "course_id": cat.course_id,
        "allows_multiple_memberships": False,
        "protected": False,
        "is_member": False,
        "groups_count": len(groups),
        "unassigned_users_count": len(set(s.students_of(cat.course_id)) - grouped),
        "sis_group_category_id": cat.sis_group_category_id,
        "sis_import_id": None,
    }


def group_json(group: Group, *, with_users: bool = False) -> dict[str, Any]:
    s = store()
    course = s.courses[group.course_id]
    members = live_members(group.id)
    data: dict[str, Any] = {
        "id": group.id,
        "name": group.name,
        "created_at": None,
        "max_membership": group.max_membership,
        "is_public": group.is_public,
        "join_level": group.join_level,
        "group_category_id": group.group_category_id,
        "description": group.description,
        "members_count": len(members),
        "storage_quota_mb": 50,
        "permissions": {
            "create_discussion_topic": True,
            "join": False,
            "create_announcement": True,
        },
        "concluded": False,
        "context_type": "Course",
        "course_id": group.course_id,
        "context_name": course.name,
        "avatar_url": None,
        "role": None,
        "leader": None,
        "followed_by_user": False,
        "has_submission": False,
        "non_collaborative": False,
        "sis_group_id": group.sis_group_id,
        "sis_import_id": None,
        "group_category": category_json(s.group_categories[group.group_category_id]),
    }
    if with_users:
        data["users"] = [user_json(s.users[m.user_id]) for m in members]
    return data


def membership_json(m: GroupMembership, *, just_created: bool = False) -> dict[str, Any]:
    return {
        "id": m.id,
        "group_id": m.group_id,
        "user_id": m.user_id,
        "workflow_state": m.workflow_state,
        "moderator": m.moderator,
        "just_created": just_created,
        "sis_import_id": None,
    }
