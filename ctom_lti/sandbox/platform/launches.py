"""Starting a launch: gather the facts, prepare the id_token, and build Canvas's login POST.

canvas-lti.md §2: when a page with a tool is rendered, Canvas builds and caches the id_token,
then the page POSTs the third-party-initiated login (every parameter below) into the tool's
iframe. The cached token waits, for 5 minutes and one use, for ``/api/lti/authorize``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt

from ctom_lti.sandbox.platform import claims as c
from ctom_lti.sandbox.platform.developer_keys import DeveloperKey
from ctom_lti.sandbox.platform.launch_spec import LaunchSpec
from ctom_lti.sandbox.platform.launch_variables import (
    active_types_anywhere,
    api_domain,
    variable_values,
)
from ctom_lti.sandbox.platform.roles import RoleFacts, lti_roles
from ctom_lti.sandbox.platform.scopes import AGS_SCOPES, NRPS_SCOPE
from ctom_lti.sandbox.platform.settings import platform_settings
from ctom_lti.sandbox.platform.state import (
    LAUNCH_TTL_SECONDS,
    PendingLaunch,
    new_verifier,
    remember_launch,
)
from ctom_lti.sandbox.platform.tools import developer_key_for
from ctom_lti.sandbox.platform.variables import expand_custom
from ctom_lti.sandbox.store import Store, User

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
            "canvas_domain": api_domain(base_url),
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
            account_types=tuple(active_types_anywhere(store, user)),
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
