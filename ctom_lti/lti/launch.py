"""Launch validation: pylti1p3's ``MessageLaunch`` with the steps it gets wrong replaced.

Order (each step refuses with a :class:`LaunchRefused` that says what happened):

1. ``state`` present and signed by the tool (``state_store``: logins store nothing), not older
   than the state's lifetime;
2. the id_token is a well-formed JWT;
3. the registration is found by ``(iss, aud/azp)`` and matches the login's;
4. the signature checks against the platform key named by ``kid`` + ``alg`` (cached key objects,
   one refetch on an unknown ``kid``);
5. ``iss``, ``aud``/``azp``, ``exp`` and ``iat`` (a minute of leeway for clock skew);
6. ``nonce`` equals the nonce derived from the state;
7. the deployment is registered;
8. the message type is one we handle, with its claims of the right type and size;
9. the state is spent (a marker added only if absent): a replayed ``id_token`` fails, on any
   worker.

Nothing is written anywhere by validation except that marker, and only for a token the platform
signed.

Launches are hot, so step 1 also reads the registrations' generation stamp and the person's
launch fingerprint in one round trip, and the signature is checked against the locally cached
registration and key before it is sent; when that check passes, the state is spent in the same
round trip (step 9 early, so a replay fails at step 1). While the store answers, step 8's checks
(pure functions of the token) are worked out; their verdict is only given at step 8. Those
results are used only once their own step has confirmed the registration; the order of refusals
stays as listed.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from typing import Any

import requests
from pylti1p3.exception import LtiException
from pylti1p3.message_launch import MessageLaunch

from ctom_lti.lti import claims
from ctom_lti.lti.claim_shapes import ID_MAX
from ctom_lti.lti.context import audience_client_id
from ctom_lti.lti.jws import CompactJws, MalformedToken, check_claims, signature_valid
from ctom_lti.lti.kv import KeyValueStore, Op, Pending, batch, submit
from ctom_lti.lti.launch_messages import message_problem
from ctom_lti.lti.launch_outcome import (
    CLAIM_PROBLEMS,
    LaunchRefused,
    ValidatedLaunch,
    expired_or_used,
)
from ctom_lti.lti.launch_read_ahead import (
    MAX_ID_TOKEN_LENGTH,
    fingerprint_keys,
    parse_unverified,
    signature_ahead,
)
from ctom_lti.lti.launch_request import NoCookies, NoSession, ParamsRequest
from ctom_lti.lti.platform_keys import PlatformKeyError, PlatformKeys
from ctom_lti.lti.state_store import LaunchStateStore, LoginState
from ctom_lti.lti.tool_config import CtomRegistration, DbToolConf
from ctom_lti.text import has_control


class CtomMessageLaunch(MessageLaunch):  # type: ignore[misc]
    """``MessageLaunch`` validating in our order, against our store and key cache."""

    def __init__(
        self,
        params: Mapping[str, str],
        tool_config: DbToolConf,
        *,
        states: LaunchStateStore,
        platform_keys: PlatformKeys,
        cache: KeyValueStore,
        requests_session: requests.Session,
        service_connector_cls: type,
        leeway: int = 60,
    ) -> None:
        super().__init__(
            ParamsRequest(params),
            tool_config,
            session_service=NoSession(),
            cookie_service=NoCookies(),
            requests_session=requests_session,
            service_connector_cls=service_connector_cls,
        )
        self._params = params
        self._states = states
        self._platform_keys = platform_keys
        self._cache = cache
        self._leeway = leeway
        self._login: LoginState | None = None
        self._parsed: CompactJws | MalformedToken | None = None
        self._generation: object = None
        self._prefetched: dict[str, str | None] = {}
        self._signature_checked: tuple[Any, Any, Any, bool] | None = None
        self._spent = False
        self._reads: Pending | None = None
        self._fingerprints: tuple[str, ...] = ()
        #: Step 8's verdict, worked out early (while the store answers); given at step 8.
        self._message_verdict: tuple[LaunchRefused | None] | None = None

    def _get_request_param(self, key: str) -> str:
        return self._params.get(key) or ""

    # -- the steps -------------------------------------------------------------------------
    def validate(self) -> CtomMessageLaunch:
        self._validated = True  # the base class's guard against re-entrant validation
        try:
            self.validate_state()
            try:
                self.validate_jwt_format()
                self._message_verdict = (message_problem(self._jwt["body"]),)
            finally:
                # The state's own refusal (already used) comes first, as step 1's.
                self._await_state()
            self.validate_registration()
            self.validate_jwt_signature()
            self.validate_nonce()
            self.validate_deployment()
            self.validate_message()
            self._spend()
        except LaunchRefused:
            self._validated = False
            raise
        except LtiException as exc:
            self._validated = False
            raise LaunchRefused(str(exc)) from exc
        return self

    def validate_state(self) -> CtomMessageLaunch:
        state = self._get_request_param("state")
        if not state or len(state) > 200:
            raise LaunchRefused(
                "The launch did not carry the sign-in state the tool gave Canvas.",
            )
        login = self._states.verify(state)
        # One round trip for everything the launch will read: the registrations' generation,
        # the launch fingerprints of the person and the course and, when the token's signature
        # already checks out against the locally cached registration, the state's one use. The
        # token is parsed (not trusted) here only for that; its errors are reported at their
        # own step below.
        self._parsed = parse_unverified(self._get_request_param("id_token"))
        fingerprints = fingerprint_keys(self._parsed)
        ops = [self._tool_config.registry.generation_op()]
        ops += [Op(self._cache, "get", key) for key in fingerprints]
        if login is not None:
            self._signature_checked = signature_ahead(
                self._parsed, self._tool_config.registry, self._platform_keys
            )
            # Only a token the platform signed spends a state: what anyone can send stores
            # nothing. Otherwise the state is spent once every check has passed (``_spend``).
            if self._signature_checked is not None and self._signature_checked[3]:
                ops.append(self._states.use_op(state))
                self._spent = True
        # The answer is read by ``_await_state``, once the token's format has been checked.
        self._reads = submit(ops)
        self._fingerprints = fingerprints
        if login is None:
            self._await_state()
            raise expired_or_used()
        self._login = login
        return self

    def _await_state(self) -> None:
        """Read step 1's answers; refuse a state that was already used."""
        reads, self._reads = self._reads, None
        if reads is None:
            return
        results = reads.results()
        self._generation = results[0]
        found = results[1 : 1 + len(self._fingerprints)]
        self._prefetched.update(zip(self._fingerprints, found, strict=True))
        if self._spent and results[-1] is None:
            raise expired_or_used()

    def _spend(self) -> None:
        """Use up the state after a launch passed every check, unless that was done already."""
        if self._spent:
            return
        self._spent = True
        if batch([self._states.use_op(self._get_request_param("state"))])[0] is None:
            raise expired_or_used()

    def validate_jwt_format(self) -> CtomMessageLaunch:
        token = self._get_request_param("id_token")
        if not token:
            raise LaunchRefused("The launch carried no id_token.")
        if len(token) > MAX_ID_TOKEN_LENGTH:
            raise LaunchRefused("The launch's id_token is too large.")
        if token.count(".") != 2:
            raise LaunchRefused("The launch's id_token is not a signed JWT.")
        parsed = self._parsed
        if not isinstance(parsed, CompactJws):
            raise LaunchRefused("The launch's id_token cannot be decoded.")
        self._jws = parsed
        self._jwt = {"header": parsed.header, "body": parsed.payload}
        return self

    def validate_registration(self) -> CtomMessageLaunch:
        body = self._jwt["body"]
        iss = body.get("iss")
        client_id = audience_client_id(body)
        if not isinstance(iss, str) or not iss or not client_id:
            raise LaunchRefused("The launch does not say which platform and client it is for.")
        # Not yet verified: nothing that no registration could match is looked up.
        if any(len(v) > ID_MAX or has_control(v) for v in (iss, client_id)):
            raise LaunchRefused(
                "The launch names its platform or client with characters no registration has."
            )
        registration = self._tool_config.registry.find(iss, client_id, generation=self._generation)
        if registration is None:
            raise LaunchRefused(
                "This Canvas developer key is not registered with the tool.",
                hint="Ask your Canvas administrator to register it with `ctom-lti platform "
                "add` (see lti_config/README.md).",
            )
        login = self._login
        assert login is not None
        if not login.is_for(iss, client_id):
            raise LaunchRefused("The launch is for a different platform than its sign-in.")
        self._registration = registration
        return self

    def validate_jwt_signature(self) -> CtomMessageLaunch:
        registration: CtomRegistration = self._registration
        header = self._jwt["header"]
        kid, alg = header.get("kid"), header.get("alg")
        if not isinstance(kid, str) or not kid or not isinstance(alg, str):
            raise LaunchRefused("The launch's id_token does not name its signing key.")
        checked = self._signature_checked
        if checked is not None and checked[:3] == (registration, kid, alg):
            valid = checked[3]
        else:
            try:
                key = self._platform_keys.key_for(registration.key_set_url, kid, alg)
            except PlatformKeyError as exc:
                raise LaunchRefused(str(exc)) from exc
            valid = signature_valid(self._jws, key, alg)
        if not valid:
            raise LaunchRefused("The launch's signature is not valid.")
        problem = check_claims(
            self._jws.payload,
            issuer=registration.issuer,
            audience=registration.client_id,
            now=time.time(),
            leeway=self._leeway,
        )
        if problem is not None:
            raise LaunchRefused(CLAIM_PROBLEMS[problem])
        return self

    def validate_nonce(self) -> CtomMessageLaunch:
        nonce = self._jwt["body"].get("nonce")
        login = self._login
        assert login is not None
        # Bytes: compare_digest refuses non-ASCII text, and a platform may send any string.
        if not isinstance(nonce, str) or not hmac.compare_digest(
            nonce.encode(), login.nonce.encode()
        ):
            raise LaunchRefused("The launch's nonce does not match its sign-in.")
        return self

    def validate_deployment(self) -> CtomMessageLaunch:
        registration: CtomRegistration = self._registration
        deployment_id = self._jwt["body"].get(claims.DEPLOYMENT_ID)
        if not isinstance(deployment_id, str) or deployment_id not in registration.deployments:
            raise LaunchRefused(
                "This deployment of the tool is not registered.",
                hint="Ask your Canvas administrator to add the deployment id with `ctom-lti "
                "platform add ... --deployment-id ID`.",
            )
        login = self._login
        assert login is not None
        if login.deployment_differs(deployment_id):
            raise LaunchRefused("The launch is for a different deployment than its sign-in.")
        return self

    def validate_message(self) -> CtomMessageLaunch:
        verdict = self._message_verdict
        problem = verdict[0] if verdict is not None else message_problem(self._jwt["body"])
        if problem is not None:
            raise problem
        return self

    # -- results ---------------------------------------------------------------------------
    def validated(self) -> ValidatedLaunch:
        """Validate and return the outcome (raises :class:`LaunchRefused`)."""
        self.validate()
        assert self._login is not None
        return ValidatedLaunch(
            body=self._jwt["body"],
            registration=self._registration,
            login=self._login,
            state=self._get_request_param("state"),
            prefetched=self._prefetched,
        )
