"""The values of Canvas's substitution variables for one launch (canvas-lti.md §4.5), guarded as
Canvas guards them: personal data only when the privacy level shares it, course variables only in
a course launch."""

from __future__ import annotations

import uuid
from typing import Any

from ctom_lti.sandbox.platform import claims as c
from ctom_lti.sandbox.platform.developer_keys import DeveloperKey
from ctom_lti.sandbox.platform.launch_spec import LaunchSpec
from ctom_lti.sandbox.platform.roles import RoleFacts, lti_roles
from ctom_lti.sandbox.platform.variables import VariableValue
from ctom_lti.sandbox.store import Store, User
from ctom_lti.sandbox.timestamps import iso


def active_types_anywhere(store: Store, user: User | None) -> list[str]:
    if user is None:
        return []
    return [
        e.type
        for e in store.enrollments.values()
        if e.user_id == user.id and e.enrollment_state == "active"
    ]


def membership_role_names(
    store: Store, user: User, enrollments: list[Any], *, with_account_roles: bool = True
) -> list[str]:
    """``$Canvas.membership.roles``: built-in type names, or a custom role's label."""
    names: list[str] = []
    for e in enrollments:
        role = store.roles.get(e.role_id) if e.role_id is not None else None
        names.append(role.label if role else e.type)
    if with_account_roles and user.admin_of:
        # Account roles join the list for admins [inferred from Canvas's current_canvas_roles].
        names.append("AccountAdmin")
    return list(dict.fromkeys(names))


def variable_values(
    store: Store,
    spec: LaunchSpec,
    user: User | None,
    *,
    key: DeveloperKey,
    base_url: str,
    context: c.ContextFacts,
    current: list[Any],
) -> dict[str, VariableValue]:
    """Values of the variables in canvas-lti.md §4.5 for this launch (None = unavailable).

    Guards follow Canvas: personal data only when the privacy level shares it; course
    variables only in a course launch.
    """
    privacy = key.privacy_level
    shares_name = privacy in {"public", "name_only"}
    shares_email = privacy in {"public", "email_only"}
    course = spec.course
    values: dict[str, VariableValue] = {
        "$Canvas.api.domain": api_domain(base_url),
        "$Canvas.api.baseUrl": base_url,
        "$Canvas.root_account.id": store.root_account_id,
        "$Canvas.environment.test": False,
        "$Context.id": context.id,
        "$Context.title": context.title,
        "$com.instructure.PostMessageToken": str(uuid.uuid4()),
        "$Canvas.tool.id": spec.tool.id,
    }
    if spec.resource_link is not None:
        values["$ResourceLink.id"] = spec.resource_link.get("id")
        values["$ResourceLink.title"] = spec.resource_link.get("title")
    if course is not None:
        values.update(
            {
                "$Canvas.course.id": course.id,
                "$Canvas.course.name": course.name,
                "$Canvas.course.sisSourceId": course.sis_course_id,
                "$Canvas.course.workflowState": _internal_course_state(course.workflow_state),
                "$Canvas.account.id": course.account_id,
                "$Context.sourcedId": course.sis_course_id,
                "$Context.label": course.course_code,
            }
        )
    assignment = spec.assignment
    if assignment is not None:
        values.update(
            {
                "$Canvas.assignment.id": assignment.id,
                "$Canvas.assignment.title": assignment.name,
                "$Canvas.assignment.pointsPossible": assignment.points_possible,
                "$Canvas.assignment.dueAt.iso8601": iso(assignment.due_at),
            }
        )
    if user is None:
        return values
    roles = lti_roles(
        RoleFacts(
            has_user=True,
            course_types=tuple(e.type for e in current),
            account_types=tuple(active_types_anywhere(store, user)),
            account_admin=bool(user.admin_of),
            site_admin=user.site_admin,
        )
    )
    values.update(
        {
            "$Canvas.user.id": user.id,
            "$User.id": user.id,
            "$Canvas.user.globalId": 10_000_000_000_000 + user.id,
            "$vnd.instructure.User.uuid": store.opaque_id(f"user_uuid_{user.id}"),
            "$Canvas.user.isRootAccountAdmin": store.root_account_id in user.admin_of,
            "$com.instructure.User.allRoles": ",".join(roles),
            "$Canvas.xuser.allRoles": ",".join(roles),
        }
    )
    if shares_name:
        values.update(
            {
                "$Person.name.full": user.name,
                "$Person.name.given": user.given_name,
                "$Person.name.family": user.family_name,
                "$Person.sourcedId": user.sis_user_id,
                "$Canvas.user.sisSourceId": user.sis_user_id,
                "$Canvas.user.loginId": user.login_id,
                "$User.username": user.login_id,
            }
        )
    if shares_email:
        values["$Person.email.primary"] = user.email
    if course is not None:
        with store.lock:
            all_in_course = [
                e
                for e in store.enrollments.values()
                if e.user_id == user.id and e.course_id == course.id
            ]
        concluded = [e for e in all_in_course if e.enrollment_state == "completed"]
        values.update(
            {
                "$Canvas.membership.roles": ",".join(membership_role_names(store, user, current)),
                "$Canvas.membership.concludedRoles": ",".join(
                    membership_role_names(store, user, concluded, with_account_roles=False)
                )
                if concluded
                else "",
                "$Canvas.enrollment.enrollmentState": "active"
                if any(e.enrollment_state == "active" for e in all_in_course)
                else "inactive",
                "$Canvas.course.sectionIds": ",".join(
                    str(s) for s in sorted({e.course_section_id for e in current})
                ),
            }
        )
    return values


def _internal_course_state(api_state: str) -> str:
    # The variable reports Canvas's internal state names (unpublished = "claimed").
    return {"unpublished": "claimed"}.get(api_state, api_state)


def api_domain(base_url: str) -> str:
    """The host part of the base URL: ``$Canvas.api.domain`` and the hint's ``canvas_domain``."""
    return base_url.split("://", 1)[-1].rstrip("/")
