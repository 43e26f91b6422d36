"""OIDC third-party-initiated login (canvas-lti.md §2-§3): check it, sign it, send it on.

Canvas posts ``iss``, ``login_hint``, ``client_id``, ``deployment_id`` (not the spec's
``lti_deployment_id``; both are accepted), ``target_link_uri``, ``lti_message_hint`` and
``lti_storage_target``. The tool answers with the authentication request (a redirect to the
platform's ``auth_login_url``) carrying a signed ``state`` that binds the login to its issuer,
client id and deployment; nothing is stored (see ``state_store``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from ctom_lti.lti.kv import Pending, submit
from ctom_lti.lti.launch_outcome import LaunchRefused
from ctom_lti.lti.runtime import LtiRuntime
from ctom_lti.lti.tool_config import CtomRegistration
from ctom_lti.text import has_control

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

        :raises LaunchRefused: when ``iss`` or ``login_hint`` is missing or a value is absurd
            (too long, or holding control characters, which no identifier, hint or URL has;
            refused here, before anything is looked up with them).
        """

        def get(name: str) -> str | None:
            value = params.get(name)
            if value is None or value == "":
                return None
            if len(value) > _MAX_PARAM:
                raise LaunchRefused(f"The login parameter {name!r} is too long.")
            if has_control(value):
                raise LaunchRefused(
                    f"The login parameter {name!r} contains control characters.",
                    hint="Open CTO Mentor from your Canvas course; if this keeps happening, ask "
                    "your Canvas administrator to check the tool's settings.",
                )
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
            # Current Canvas sends lti_deployment_id, as the spec names it; older Canvas sent
            # deployment_id (canvas-lms#2201). Both are accepted.
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


class PendingLogin:
    """A login whose record is on its way to the shared store.

    :attr:`guess` is the outcome built from the locally cached registration while the store
    answers (None when nothing is cached); :meth:`confirm` reads the store's answer and returns
    the outcome to send, which is the guess itself unless the registration changed meanwhile.
    """

    def __init__(
        self,
        request: LoginRequest,
        runtime: LtiRuntime,
        redirect_uri: str,
        client_id: str,
        *,
        state: str,
        nonce: str,
        secret: str | None,
        pending: Pending,
    ) -> None:
        self._request = request
        self._runtime = runtime
        self._redirect_uri = redirect_uri
        self._client_id = client_id
        self._state = state
        self._nonce = nonce
        self._secret = secret
        self._pending = pending
        self._guessed_from = runtime.registry.peek(request.iss, client_id)
        self.guess: LoginOutcome | None = None
        if self._guessed_from is not None and not _registration_problem(
            self._guessed_from, request.deployment_id
        ):
            self.guess = self._outcome(self._guessed_from)

    def confirm(self) -> LoginOutcome:
        """The outcome to answer with.

        :raises LaunchRefused: unknown registration or deployment.
        """
        (generation,) = self._pending.results()
        registration = self._runtime.registry.find(
            self._request.iss, self._client_id, generation=generation
        )
        if self.guess is not None and registration is self._guessed_from:
            return self.guess
        problem = _registration_problem(registration, self._request.deployment_id)
        if problem is not None:
            raise problem
        assert registration is not None
        return self._outcome(registration)

    def _outcome(self, registration: CtomRegistration) -> LoginOutcome:
        request = self._request
        storage = None
        if request.storage_target and self._secret:
            auth = urlsplit(registration.auth_login_url)
            storage = PlatformStorage(
                target=request.storage_target,
                origin=f"{auth.scheme}://{auth.netloc}",
                items=(
                    (f"state-{self._state}", self._secret),
                    (f"nonce-{self._nonce}", self._nonce),
                ),
            )
        params = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self._client_id,
            "redirect_uri": self._redirect_uri,
            "state": self._state,
            "nonce": self._nonce,
            "login_hint": request.login_hint,
        }
        if request.lti_message_hint:
            params["lti_message_hint"] = request.lti_message_hint
        base = registration.auth_login_url
        auth_url = base + ("&" if "?" in base else "?") + query_string(params)
        return LoginOutcome(auth_url=auth_url, state=self._state, storage=storage)


def begin_login(request: LoginRequest, runtime: LtiRuntime, redirect_uri: str) -> PendingLogin:
    """Prepare the authentication request (the registrations' generation is read meanwhile).

    Call :meth:`PendingLogin.confirm` before answering: it raises :class:`LaunchRefused` for an
    unknown registration or deployment.
    """
    client_id = request.client_id
    if client_id is None:
        clients = runtime.registry.client_ids(request.iss)
        if len(clients) != 1:
            raise LaunchRefused("The login request does not say which Canvas developer key it is.")
        client_id = clients[0]
    # Nothing is stored for a login (anyone can start one): the state is signed and the nonce
    # and the platform-storage secret are derived from it (state_store). The secret proves in
    # platform storage that this browser made the login: only this page and Canvas's storage
    # ever see it. The registrations' generation is read meanwhile, for ``confirm``.
    issued = runtime.states.issue(
        request.iss, client_id, request.deployment_id, storage=bool(request.storage_target)
    )
    state, nonce, secret = issued.state, issued.nonce, issued.storage_secret
    pending = submit([runtime.registry.generation_op()])
    return PendingLogin(
        request,
        runtime,
        redirect_uri,
        client_id,
        state=state,
        nonce=nonce,
        secret=secret,
        pending=pending,
    )


def _registration_problem(
    registration: CtomRegistration | None, deployment_id: str | None
) -> LaunchRefused | None:
    if registration is None:
        return LaunchRefused(
            "This Canvas developer key is not registered with the tool.",
            hint="Ask your Canvas administrator to register it with `ctom-lti platform add` "
            "(see lti_config/README.md).",
        )
    if deployment_id is not None and deployment_id not in registration.deployments:
        return LaunchRefused(
            "This deployment of the tool is not registered.",
            hint="Ask your Canvas administrator to add the deployment id with `ctom-lti platform "
            "add ... --deployment-id ID`.",
        )
    return None


_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")


def query_string(params: Mapping[str, str]) -> str:
    """``urlencode`` for parameters that are mostly URL-safe already (tokens, hints)."""
    # urlencode quotes character by character; state, nonce and Canvas's hints are unreserved
    # characters already, and a login is hot enough for that to show.
    return "&".join(
        f"{name}={value}" if _UNRESERVED.fullmatch(value) else urlencode({name: value})
        for name, value in params.items()
    )
