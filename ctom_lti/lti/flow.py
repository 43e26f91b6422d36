"""The launch from validated token to session: browser binding, recording, landing.

Browser binding (the state must come back in the browser that started the login):

- the login set a partitioned cookie named after the state; if it came back it must match;
- if no state cookie came back but Canvas offers LTI Platform Storage (``lti_storage_target``),
  the launch is parked under a one-time continuation token and a small page reads the login's
  secret back from platform storage, posting it to ``/lti/launch/continue``;
- with neither, the launch is refused with a page that says what to do.

Nothing is stored from a launch that fails: the person, cohort, memberships and session are only
written once every check has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from ctom_lti.curriculum import load_curriculum
from ctom_lti.links import PROGRAMME_PAGES, LinkablePage
from ctom_lti.lti.context import LaunchContext, LaunchContextError, parse_launch
from ctom_lti.lti.deep_linking import Landing, landing_for
from ctom_lti.lti.kv import Op
from ctom_lti.lti.launch import CtomMessageLaunch
from ctom_lti.lti.launch_outcome import LaunchRefused, ValidatedLaunch
from ctom_lti.lti.provisioning import LaunchRecord, record_launch
from ctom_lti.lti.runtime import LtiRuntime
from ctom_lti.lti.state_store import digest
from ctom_lti.lti.tool_config import CtomRegistration

#: Prefix of the per-login state cookie (``<prefix><state>`` = ``<state>``).
STATE_COOKIE_PREFIX = "ctom_st_"

_BLOCKED_HINT = (
    "Your browser did not keep CTO Mentor's cookies inside Canvas and offered no other way to "
    "confirm the launch. Open CTO Mentor in a new window (Canvas shows a 'Load in a new window' "
    "option for the tool), or allow cookies for this site, then open it again from the course."
)


@dataclass(frozen=True)
class Settings:
    """Configuration the flow needs, read from the app once per request."""

    leeway: int
    mentor_labels: frozenset[str]
    session_lifetime: int
    #: Pages a launch may land on (the feature registry's link targets).
    pages: tuple[LinkablePage, ...] = PROGRAMME_PAGES


@dataclass(frozen=True)
class Finished:
    """A completed launch: where to go and what the new session holds."""

    session_data: dict[str, Any]
    landing: Landing
    cohort_id: int
    deep_link: bool
    token_mode: bool
    #: Shared-store writes to send together with the new session (one round trip).
    store_with_session: tuple[Op, ...] = ()


@dataclass(frozen=True)
class NeedsPlatformStorage:
    """The launch is parked until the browser proves it holds the login's secret."""

    token: str
    state: str
    target: str
    origin: str


def validate(params: Mapping[str, str], runtime: LtiRuntime, settings: Settings) -> ValidatedLaunch:
    """Validate the launch POST (raises :class:`LaunchRefused`)."""
    return CtomMessageLaunch(
        params,
        runtime.tool_conf,
        states=runtime.states,
        platform_keys=runtime.platform_keys,
        cache=runtime.cache,
        requests_session=runtime.http,
        service_connector_cls=runtime.connector_cls,
        leeway=settings.leeway,
    ).validated()


def bind_browser(
    validated: ValidatedLaunch,
    params: Mapping[str, str],
    cookies: Mapping[str, str],
    runtime: LtiRuntime,
) -> NeedsPlatformStorage | None:
    """Check the launch came back to the browser that logged in.

    Returns None when a state cookie proves it, or a :class:`NeedsPlatformStorage` when the
    proof must come from platform storage.

    :raises LaunchRefused: the state cookie belongs to another login, or no proof is possible.
    """
    cookie = cookies.get(STATE_COOKIE_PREFIX + validated.state)
    if cookie is not None:
        if not hmac.compare_digest(cookie.encode(), validated.state.encode()):
            raise LaunchRefused("The launch's state does not match this browser's sign-in.")
        return None
    if any(name.startswith(STATE_COOKIE_PREFIX) for name in cookies):
        raise LaunchRefused("The launch's state does not match this browser's sign-in.")
    target = params.get("lti_storage_target")
    if target and validated.login.storage_secret_hash:
        token = secrets.token_urlsafe(32)
        runtime.states.save_continuation(
            token,
            {
                "body": dict(validated.body),
                "iss": validated.registration.issuer,
                "client_id": validated.registration.client_id,
                "secret_hash": validated.login.storage_secret_hash,
            },
        )
        auth = urlsplit(validated.registration.auth_login_url)
        return NeedsPlatformStorage(
            token=token,
            state=validated.state,
            target=target,
            origin=f"{auth.scheme}://{auth.netloc}",
        )
    raise LaunchRefused("This browser blocked the launch.", hint=_BLOCKED_HINT)


def resume(
    token: str, secret: str, runtime: LtiRuntime
) -> tuple[Mapping[str, Any], CtomRegistration]:
    """Take a parked launch back after the platform-storage check.

    :raises LaunchRefused: unknown or used token, wrong secret, registration gone.
    """
    if not token or not secret or len(token) > 100 or len(secret) > 100:
        raise LaunchRefused("The launch could not be confirmed.", hint=_BLOCKED_HINT)
    parked = runtime.states.take_continuation(token)
    if parked is None:
        raise LaunchRefused("This launch has expired or was already used.")
    if not hmac.compare_digest(digest(secret), str(parked.get("secret_hash"))):
        raise LaunchRefused(
            "The launch could not be confirmed for this browser.", hint=_BLOCKED_HINT
        )
    registration = runtime.registry.find(str(parked["iss"]), str(parked["client_id"]))
    if registration is None:
        raise LaunchRefused("This Canvas developer key is no longer registered with the tool.")
    body: Mapping[str, Any] = parked["body"]
    return body, registration


def finish(
    body: Mapping[str, Any],
    registration: CtomRegistration,
    runtime: LtiRuntime,
    engine: Engine,
    settings: Settings,
    *,
    token_mode: bool,
    prefetched: Mapping[str, str | None] | None = None,
) -> Finished:
    """Record the launch and describe the session it starts."""
    try:
        ctx = parse_launch(body, mentor_labels=settings.mentor_labels)
    except LaunchContextError as exc:
        raise LaunchRefused(str(exc)) from exc
    if ctx.is_deep_link and ctx.deep_link is None:
        raise LaunchRefused("The deep-linking launch carries no usable return address.")
    record = record_launch(
        engine, runtime.cache, registration.platform_id, ctx, date.today(), prefetched=prefetched
    )
    principle_keys = frozenset(p.key for p in load_curriculum().principles)
    return Finished(
        session_data={
            "launch": launch_session_data(ctx, record, registration),
            # Flask-WTF's CSRF secret, made now so later pages never need to rewrite the session.
            "csrf_token": hashlib.sha1(os.urandom(64)).hexdigest(),  # noqa: S324 - as Flask-WTF
        },
        landing=landing_for(ctx.custom, principle_keys, ctx.target_link_uri, pages=settings.pages),
        cohort_id=record.cohort_id,
        deep_link=ctx.is_deep_link,
        token_mode=token_mode,
        store_with_session=record.remember,
    )


def launch_session_data(
    ctx: LaunchContext, record: LaunchRecord, registration: CtomRegistration
) -> dict[str, Any]:
    """What a session remembers of its launch (read back by ``access.current_launch``)."""
    data: dict[str, Any] = {
        "person": record.person_id,
        "cohort": record.cohort_id,
        "platform": registration.platform_id,
        "sub": ctx.sub,
        "deployment": ctx.deployment_id,
        "roles": sorted(r.value for r in ctx.roles.roles),
        "mentees": list(ctx.roles.mentee_subs),
        "name": ctx.display_name,
        "cohort_title": record.cohort_title,
        "message_type": ctx.message_type,
        "placement": ctx.placement,
        "services": {
            "lineitems": ctx.ags_lineitems_url,
            "lineitem": ctx.ags_lineitem_url,
            "ags_scopes": list(ctx.ags_scopes),
            "nrps": ctx.nrps_url,
        },
    }
    if ctx.deep_link is not None:
        dl = ctx.deep_link
        data["dl"] = {
            "return_url": dl.return_url,
            "accept_types": list(dl.accept_types),
            "targets": list(dl.accept_presentation_document_targets),
            "accept_multiple": dl.accept_multiple,
            "data": dl.data,
            "title": dl.title,
        }
    return data
