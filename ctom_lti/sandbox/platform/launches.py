"""Starting a launch: gather the facts, prepare the id_token, and build Canvas's login POST.

canvas-lti.md §2: when a page with a tool is rendered, Canvas builds and caches the id_token,
then the page POSTs the third-party-initiated login (every parameter below) into the tool's
iframe. The cached token waits, for 5 minutes and one use, for ``/api/lti/authorize``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt

from ctom_lti.sandbox.platform import claims as c
from ctom_lti.sandbox.platform.developer_keys import (
    AGS_SCOPES,
    NRPS_SCOPE,
    DeveloperKey,
)
from ctom_lti.sandbox.platform.roles import RoleFacts, lti_roles
from ctom_lti.sandbox.platform.settings import platform_settings
from ctom_lti.sandbox.platform.state import (
    LAUNCH_TTL_SECONDS,
    PendingLaunch,
    new_verifier,
    remember_launch,
)
from ctom_lti.sandbox.platform.tools import developer_key_for
from ctom_lti.sandbox.platform.variables import VariableValue, expand_custom
from ctom_lti.sandbox.store import Assignment, Course, ExternalTool, Store, User, iso

STORAGE_TARGET = "post_message_forwarding"
HINT_ALGORITHM = "HS256"


class LaunchRefused(Exception):
    """The launch cannot start (tool off, placement missing...); shown to the person."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class LoginRequest:
    """The hidden form Canvas's ``_lti_message`` page submits into the tool's iframe."""

    action: str
    params: dict[str, str]
    tool_name: str
    #: the iframe the form targets (canvas-lti.md §2: ``tool_content``)
    target: str = "tool_content"


@dataclass(frozen=True)
class LaunchSpec:
    """What is being launched, before the store is consulted."""

    tool: ExternalTool
    message_type: str
    placement: str | None
    target_link_uri: str
    course: Course | None
    #: {"id", "title", "description"} (resource link launches)
    resource_link: dict[str, Any] | None = None
    assignment: Assignment | None = None
    line_item_id: int | None = None
    deep_linking_settings: dict[str, Any] | None = None
    #: custom fields added by the placement / resource link, over the tool's own
    custom_fields: dict[str, str] = field(default_factory=dict)
    #: custom values stored on a deep-linked resource link (already final, not expanded)
    link_custom: dict[str, str] = field(default_factory=dict)
    selection_height: int | None = None
    selection_width: int | None = None


def prepare_launch(
    store: Store, spec: LaunchSpec, user: User | None, base_url: str
) -> LoginRequest:
    """Cache the id_token for ``spec`` and return the login POST that starts it."""
    key = developer_key_for(store, spec.tool)
    if key is None or not key.usable:
        raise LaunchRefused(
            f"{spec.tool.name} cannot be launched: its developer key is off or deleted.", 403
        )
    settings = platform_settings(store)
    facts = gather_facts(store, spec, user, key, base_url)
    issued = int(time.time()) + settings.clock_offset
    body = c.build_claims(facts, iat=issued, ags_scopes=AGS_SCOPES, nrps_scope=NRPS_SCOPE)
    login_hint = store.opaque_id(f"user_{user.id}") if user else ""
    verifier = new_verifier()
    remember_launch(
        store,
        PendingLaunch(
            verifier=verifier,
            client_id=key.client_id,
            user_id=user.id if user else None,
            login_hint=login_hint,
            claims=body,
            include_storage_target=settings.storage_target,
            expires=time.time() + LAUNCH_TTL_SECONDS,
        ),
    )
    course = spec.course
    hint = jwt.encode(
        {
            "verifier": verifier,
            "canvas_domain": _domain(base_url),
            "context_type": "Course" if course else "Account",
            "context_id": course.id if course else store.root_account_id,
            "canvas_locale": "en",
            "include_storage_target": settings.storage_target,
            "exp": int(time.time()) + LAUNCH_TTL_SECONDS,
        },
        store.secret,
        algorithm=HINT_ALGORITHM,
    )
    params = {
        "iss": store.issuer,
        "login_hint": login_hint,
        "client_id": key.client_id,
        # Current Canvas names it as the LTI spec does, lti_deployment_id (recorded from a live
        # Canvas, June 2025: alt-cs-lab/lti-toolkit docs/content/02-lti/02-lti13-tool/index.md).
        # Older Canvas sent deployment_id (canvas-lms#2201, 2023; doc/api/lti_launch_overview.md
        # still says so); the tool accepts both.
        "lti_deployment_id": facts.deployment_id,
        "target_link_uri": spec.target_link_uri,
        "lti_message_hint": hint,
        "canvas_environment": settings.environment,
        "canvas_region": settings.region,
    }
    if settings.storage_target:
        params["lti_storage_target"] = STORAGE_TARGET
    return LoginRequest(
        action=key.login_url(settings.region), params=params, tool_name=spec.tool.name
    )


def decode_message_hint(store: Store, hint: str) -> dict[str, Any]:
    """Verify Canvas's own lti_message_hint; raises :class:`jwt.InvalidTokenError`."""
    payload: dict[str, Any] = jwt.decode(hint, store.secret, algorithms=[HINT_ALGORITHM])
    return payload


def gather_facts(
    store: Store, spec: LaunchSpec, user: User | None, key: DeveloperKey, base_url: str
) -> c.LaunchFacts:
    """Read everything the claims depend on from the store (the I/O half of claim building)."""
    settings = platform_settings(store)
    tool = spec.tool
    course = spec.course
    root = store.accounts[store.root_account_id]
    with store.lock:
        if course is not None:
            context = c.ContextFacts(
                id=store.opaque_id(f"course_{course.id}"),
                type="Course",
                title=course.name,
                label=course.course_code,
                sis_id=course.sis_course_id,
            )
            current = [
                e
                for e in store.enrollments_in(course.id)
                if user is not None and e.user_id == user.id
            ]
        else:
            context = c.ContextFacts(
                id=store.opaque_id(f"account_{root.id}"),
                type="Account",
                title=root.name,
                label=None,
            )
            current = []
        facts = RoleFacts(
            has_user=user is not None,
            course_types=tuple(e.type for e in current),
            account_types=tuple(_active_types_anywhere(store, user)),
            account_admin=bool(user and user.admin_of),
            site_admin=bool(user and user.site_admin),
        )
        mentees = tuple(
            store.users[e.associated_user_id].lti_id
            for e in current
            if e.type == "ObserverEnrollment"
            and e.associated_user_id is not None
            and e.associated_user_id in store.users
        )
        values = variable_values(
            store, spec, user, key=key, base_url=base_url, context=context, current=current
        )
    fields = {**tool.custom_fields, **spec.custom_fields}
    custom = expand_custom(fields, values, numbers_as_strings=settings.numbers_as_strings)
    custom.update(spec.link_custom)
    user_facts = None
    if user is not None:
        user_facts = c.UserFacts(
            sub=user.lti_id,
            legacy_id=store.opaque_id(f"user_{user.id}"),
            name=user.name,
            given_name=user.given_name,
            family_name=user.family_name,
            email=user.email,
            sis_user_id=user.sis_user_id,
            picture=f"{base_url}/images/messages/avatar-50.png",
        )
    return c.LaunchFacts(
        issuer=store.issuer,
        client_id=key.client_id,
        deployment_id=store.deployment_id(tool),
        message_type=spec.message_type,
        placement=spec.placement,
        target_link_uri=spec.target_link_uri,
        base_url=base_url,
        course_id=course.id if course else None,
        context=context,
        user=user_facts,
        roles=tuple(lti_roles(facts)),
        privacy_level=key.privacy_level,
        platform_guid=root.lti_guid,
        platform_name=root.name,
        custom=custom,
        mentee_subs=tuple(sorted(set(mentees))),
        resource_link=spec.resource_link,
        scopes=tuple(key.scopes),
        line_item_id=spec.line_item_id,
        deep_linking_settings=spec.deep_linking_settings,
        selection_height=spec.selection_height,
        selection_width=spec.selection_width,
    )


def _active_types_anywhere(store: Store, user: User | None) -> list[str]:
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
        "$Canvas.api.domain": _domain(base_url),
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
            account_types=tuple(_active_types_anywhere(store, user)),
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


def _domain(base_url: str) -> str:
    return base_url.split("://", 1)[-1].rstrip("/")
