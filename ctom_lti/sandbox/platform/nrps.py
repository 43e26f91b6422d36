"""Names and Role Provisioning Service (canvas-lti.md §5.2)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, Response, request

from ctom_lti.sandbox.platform import paging, web
from ctom_lti.sandbox.platform.claims import LTI
from ctom_lti.sandbox.platform.resource_links import find_resource_link
from ctom_lti.sandbox.platform.roles import membership_roles
from ctom_lti.sandbox.platform.scopes import NRPS_SCOPE
from ctom_lti.sandbox.platform.tokens import ServiceAuthError, authorize_service
from ctom_lti.sandbox.store import Store, User

bp = Blueprint("lti_nrps", __name__)

MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
DEFAULT_LIMIT = 50
MAX_LIMIT = 50


@bp.route("/api/lti/courses/<int:course_id>/names_and_roles", methods=["GET"])
def names_and_roles(course_id: int) -> Response:
    """canvas-lti.md §5.2: members with membership roles; ``rlid``, ``role``, ``limit``."""
    store = web.store()
    try:
        auth = authorize_service(store, course_id, (NRPS_SCOPE,))
    except ServiceAuthError as exc:
        return web.service_error(exc.message, exc.status)
    course = auth.course
    context_id = store.opaque_id(f"course_{course.id}")
    rlid = request.args.get("rlid")
    message: dict[str, Any] | None = None
    if rlid and rlid != context_id:
        # A course's own context id means "no filter"; an assignment's link adds `message`.
        link = find_resource_link(store, course.id, rlid)
        if link is None:
            return web.service_error("Invalid resource link id", 404)
        message = {
            f"{LTI}/message_type": "LtiResourceLinkRequest",
            "locale": "en",
            f"{LTI}/resource_link": {"id": rlid, "title": link.title},
        }
    members = course_members(store, course.id, auth.key.privacy_level, web.base_url())
    role = request.args.get("role")
    if role:
        # Only a full role URI matches; short names give an empty list (canvas-lti.md §10.14).
        members = [m for m in members if role in m["roles"]]
    if message is not None:
        members = [{**m, "message": [{**message, **_user_message(store, m)}]} for m in members]
    page = paging.read_page(DEFAULT_LIMIT, MAX_LIMIT, len(members))
    body = {
        "id": request.url,
        "context": {"id": context_id, "label": course.course_code, "title": course.name},
        "members": paging.slice_page(members, page),
    }
    response = web.json_response(body, MEDIA_TYPE)
    response.headers["Link"] = paging.link_header(page)
    return response


def course_members(
    store: Store, course_id: int, privacy_level: str, base_url: str
) -> list[dict[str, Any]]:
    """One entry per user with an active enrollment, by Canvas user id (§5.2)."""
    types: dict[int, set[str]] = defaultdict(set)
    with store.lock:
        for e in store.enrollments.values():
            if e.course_id == course_id and e.enrollment_state == "active":
                types[e.user_id].add(e.type)
        users = {uid: store.users[uid] for uid in types if uid in store.users}
    return [
        member_json(store, users[uid], membership_roles(types[uid]), privacy_level, base_url)
        for uid in sorted(users)
    ]


def member_json(
    store: Store, user: User, roles: list[str], privacy_level: str, base_url: str
) -> dict[str, Any]:
    """A member; name, email, picture and SIS id follow the key's privacy level (§4.2)."""
    member: dict[str, Any] = {"status": "Active"}
    if privacy_level in {"public", "name_only"}:
        member["name"] = user.name
    if privacy_level == "public":
        member["picture"] = f"{base_url}/images/messages/avatar-50.png"
    if privacy_level in {"public", "name_only"}:
        member["given_name"] = user.given_name
        member["family_name"] = user.family_name
    if privacy_level in {"public", "email_only"}:
        member["email"] = user.email
    if privacy_level in {"public", "name_only"}:
        member["lis_person_sourcedid"] = user.sis_user_id
    member["user_id"] = user.lti_id
    member["lti11_legacy_user_id"] = store.opaque_id(f"user_{user.id}")
    member["roles"] = roles
    return member


def _user_message(store: Store, member: dict[str, Any]) -> dict[str, Any]:
    user = next((u for u in store.users.values() if u.lti_id == member["user_id"]), None)
    if user is None:
        return {}
    return {
        "https://www.instructure.com/canvas_user_id": user.id,
        "https://www.instructure.com/canvas_user_login_id": user.login_id,
    }
