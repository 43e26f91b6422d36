"""OIDC third-party-initiated login (canvas-lti.md §2-§3): check it, remember it, send it on.

Canvas posts ``iss``, ``login_hint``, ``client_id``, ``deployment_id`` (not the spec's
``lti_deployment_id``; both are accepted), ``target_link_uri``, ``lti_message_hint`` and
``lti_storage_target``. The tool answers with the authentication request (a redirect to the
platform's ``auth_login_url``), after storing ``{nonce, iss, client_id, deployment_id, created}``
under a fresh ``state`` in the shared store.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from ctom_lti.lti.launch import LaunchRefused
from ctom_lti.lti.runtime import LtiRuntime
from ctom_lti.lti.state_store import LoginState, digest

_FRAME_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_PARAM = 4096


@dataclass(frozen=True)
class LoginRequest:
    """The parameters of a login initiation that the tool uses."""

    iss: str
    login_hint: str
    client_id: str | None
    deployment_id: str | None
    target_link_uri: str | None
    lti_message_hint: str | None
    storage_target: str | None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> LoginRequest:
        """Read a login from request parameters.

        :raises LaunchRefused: when ``iss`` or ``login_hint`` is missing or a value is absurd.
        """

        def get(name: str) -> str | None:
            value = params.get(name)
            if value is None or value == "":
                return None
            if len(value) > _MAX_PARAM:
                raise LaunchRefused(f"The login parameter {name!r} is too long.")
            return value

        iss = get("iss")
        login_hint = get("login_hint")
        if not iss or not login_hint:
            missing = " and ".join(
                n for n, v in (("iss", iss), ("login_hint", login_hint)) if not v
            )
            raise LaunchRefused(
                f"The login request is missing {missing}.",
                hint="Open CTO Mentor from your Canvas course; this address is not meant to be "
                "opened directly.",
            )
        target = get("lti_storage_target")
        return cls(
            iss=iss,
            login_hint=login_hint,
            client_id=get("client_id"),
            # Canvas sends deployment_id; the spec's name is lti_deployment_id (canvas-lms#2201).
            deployment_id=get("deployment_id") or get("lti_deployment_id"),
            target_link_uri=get("target_link_uri"),
            lti_message_hint=get("lti_message_hint"),
            storage_target=target if target and _FRAME_NAME.match(target) else None,
        )


@dataclass(frozen=True)
class PlatformStorage:
    """What the login page puts into LTI Platform Storage before going on."""

    target: str
    #: Origin of the platform's auth endpoint: Canvas's storage frame lives there.
    origin: str
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LoginOutcome:
    auth_url: str
    state: str
    storage: PlatformStorage | None


def begin_login(request: LoginRequest, runtime: LtiRuntime, redirect_uri: str) -> LoginOutcome:
    """Check the registration, store the login, and build the authentication request.

    :raises LaunchRefused: unknown registration or deployment.
    """
    client_id = request.client_id
    if client_id is None:
        clients = runtime.registry.client_ids(request.iss)
        if len(clients) != 1:
            raise LaunchRefused("The login request does not say which Canvas developer key it is.")
        client_id = clients[0]
    registration = runtime.registry.find(request.iss, client_id)
    if registration is None:
        raise LaunchRefused(
            "This Canvas developer key is not registered with the tool.",
            hint="Ask your Canvas administrator to register it with `ctom-lti platform add` "
            "(see lti_config/README.md).",
        )
    if request.deployment_id is not None and request.deployment_id not in registration.deployments:
        raise LaunchRefused(
            "This deployment of the tool is not registered.",
            hint="Ask your Canvas administrator to add the deployment id with `ctom-lti platform "
            "add ... --deployment-id ID`.",
        )
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    storage = None
    secret_hash = None
    if request.storage_target:
        # The state check in platform storage must prove this browser made the login, so the
        # stored value is a secret that only this page and Canvas's storage ever see.
        secret = secrets.token_urlsafe(24)
        secret_hash = digest(secret)
        auth = urlsplit(registration.auth_login_url)
        storage = PlatformStorage(
            target=request.storage_target,
            origin=f"{auth.scheme}://{auth.netloc}",
            items=((f"state-{state}", secret), (f"nonce-{nonce}", nonce)),
        )
    runtime.states.save_login(
        state,
        LoginState(
            nonce=nonce,
            issuer=request.iss,
            client_id=client_id,
            deployment_id=request.deployment_id,
            created=time.time(),
            storage_secret_hash=secret_hash,
        ),
    )
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "nonce": nonce,
        "login_hint": request.login_hint,
    }
    if request.lti_message_hint:
        params["lti_message_hint"] = request.lti_message_hint
    base = registration.auth_login_url
    auth_url = base + ("&" if "?" in base else "?") + urlencode(params)
    return LoginOutcome(auth_url=auth_url, state=state, storage=storage)
