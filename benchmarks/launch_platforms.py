"""The LTI platforms ``launch.py`` drives: the sandbox Canvas, or a light in-process signer.

Each gives ``launch(tool_base, person, browser)``: one login + launch as that person, returning
the address of a landing page still to be fetched ("" when the launch answered with the page
itself, as it does for every page served by GET alone), or raising :class:`LaunchFailed`. The
platform's own CPU is never counted: the sandbox runs in its own process, the signer in the
client's.
"""

from __future__ import annotations

import multiprocessing
import re
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from flask import Flask

from ctom_lti.db import get_engine
from ctom_lti.lti import registrations
from ctom_lti.lti.config_json import redirect_uris
from ctom_lti.lti.registrations import RegistrationInput
from tests.lti_support import (
    TestPlatform,
    html_forms,
    launch_claims,
    parse_login_response,
    parse_page_config,
)

#: People's roles, in turn: mostly candidates, as in a cohort.
ROLES = (
    "candidate",
    "candidate",
    "candidate",
    "mentor",
    "custom_mentor",
    "instructor",
    "ta",
    "admin",
)


class LaunchFailed(Exception):
    """A launch step did not answer as it should; the message says which and how."""


@dataclass(frozen=True)
class Registration:
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_id: str


class Platform(Protocol):
    label: str
    people: int

    def register(self, tool_base: str) -> Registration: ...

    def launch(self, tool_base: str, person: int, browser: requests.Session) -> str:
        """Login + launch for ``person``; returns the address of a landing page still to be
        fetched ("" when the launch answered with it)."""
        ...

    def stop(self) -> None: ...


def _error(response: requests.Response) -> str:
    detail = re.search(r'class="error-message">([^<]*)<', response.text)
    return f"{response.status_code} {detail.group(1) if detail else response.text[:80]!r}"


def _landing(launch: requests.Response) -> str:
    if launch.status_code == 302:
        return launch.headers["Location"]
    if launch.status_code != 200 or "data-page-address=" not in launch.text:
        raise LaunchFailed("launch " + _error(launch))
    return ""


def register_platform(app: Flask, registration: Registration) -> None:
    """What `ctom-lti platform add` stores."""
    registrations.register_platform(
        app,
        RegistrationInput(
            issuer=registration.issuer,
            client_id=registration.client_id,
            auth_login_url=registration.auth_login_url,
            auth_token_url=registration.auth_token_url,
            key_set_url=registration.key_set_url,
            deployment_ids=(registration.deployment_id,),
        ),
    )
    get_engine(app).dispose()


class SignerPlatform:
    """A light platform: builds Canvas-shaped claims and signs them; no Canvas pages."""

    label = "light signer in the client process (CPU not counted)"
    client_id = "170000000000417"
    deployment_id = "5123:9c1e4b7a2d0f6e8a3b5c7d9e1f2a4b6c8d0e2f4a"

    def __init__(self, people: int) -> None:
        self.platform = TestPlatform().start()
        self.people = people
        self.roster = [(ROLES[i % len(ROLES)], f"bench-user-{i:05d}") for i in range(people)]
        self.mentees = tuple(sub for role, sub in self.roster if role == "candidate")[:3]

    def register(self, tool_base: str) -> Registration:
        return Registration(
            self.platform.issuer,
            self.client_id,
            self.platform.auth_login_url,
            self.platform.token_url,
            self.platform.jwks_url,
            self.deployment_id,
        )

    def launch(self, tool_base: str, person: int, browser: requests.Session) -> str:
        role, sub = self.roster[person % self.people]
        login = browser.post(
            tool_base + "/lti/login",
            data={
                "iss": self.platform.issuer,
                "login_hint": f"hint-{person}",
                "client_id": self.client_id,
                "lti_deployment_id": self.deployment_id,
                "target_link_uri": tool_base + "/lti/launch",
                "lti_message_hint": "x" * 300,
                "canvas_environment": "prod",
                "canvas_region": "us-east-1",
                "lti_storage_target": "post_message_forwarding",
            },
            allow_redirects=False,
            timeout=30,
        )
        if login.status_code not in (200, 302):
            raise LaunchFailed("login " + _error(login))
        auth = parse_login_response(login.status_code, login.headers.get("Location"), login.text)
        body = launch_claims(
            role,
            issuer=self.platform.issuer,
            client_id=self.client_id,
            deployment_id=self.deployment_id,
            nonce=auth.nonce,
            sub=sub,
            mentees=self.mentees if role == "mentor" else (),
        )
        launch = browser.post(
            tool_base + "/lti/launch",
            data={
                "id_token": self.platform.sign(body),
                "state": auth.state,
                "lti_storage_target": "post_message_forwarding",
                "authenticity_token": secrets.token_hex(16),
            },
            allow_redirects=False,
            timeout=30,
        )
        return _landing(launch)

    def stop(self) -> None:
        self.platform.stop()


def _sandbox_process(people: int, tool_base: str, conn: Any) -> None:
    """Child process: run the sandbox Canvas, set up the cohort course, then serve until told."""
    from ctom_lti.sandbox.platform import create_developer_key_from_url, deploy
    from ctom_lti.sandbox.platform.session import session_value
    from ctom_lti.sandbox.server import SandboxServer

    server = SandboxServer().start()
    store = server.store
    base = server.base_url
    course = store.add_course(
        "CTO Mentor Program - Cohort 12", course_code="CTOM-12", workflow_state="available"
    )
    mentor_role = store.add_course_role("Mentor", "StudentEnrollment")
    users = []
    candidates: list[int] = []
    for i in range(people):
        kind = ROLES[i % len(ROLES)]
        admin_of = {store.root_account_id} if kind == "admin" else None
        user = store.add_user(
            f"Person {i:05d}", f"p{i:05d}@district.example.org", admin_of=admin_of
        )
        users.append(user.id)
        if kind == "candidate":
            store.enroll(user.id, course.id, "StudentEnrollment")
            candidates.append(user.id)
        elif kind == "mentor":
            observed = candidates[-1] if candidates else None
            store.enroll(user.id, course.id, "ObserverEnrollment", associated_user_id=observed)
        elif kind == "custom_mentor":
            store.enroll(user.id, course.id, "StudentEnrollment", role_id=mentor_role.id)
        elif kind == "instructor":
            store.enroll(user.id, course.id, "TeacherEnrollment")
        elif kind == "ta":
            store.enroll(user.id, course.id, "TaEnrollment")
        # admins are account admins, not enrolled (canvas-lti.md §4.4)
    key = create_developer_key_from_url(
        store, f"{tool_base}/lti/config.json", redirect_uris(tool_base)
    )
    tool = deploy(store, key, course_id=course.id)
    with server.app.app_context():
        sessions = [session_value(uid) for uid in users]
    conn.send(
        {
            "registration": Registration(
                store.issuer,
                key.client_id,
                f"{base}/api/lti/authorize_redirect",
                f"{base}/login/oauth2/token",
                f"{base}/api/lti/security/jwks",
                store.deployment_id(tool),
            ),
            "sessions": sessions,
            "nav": f"{base}/courses/{course.id}/external_tools/{tool.id}",
            "host": server.host,
        }
    )
    conn.recv()  # "stop"
    server.stop()


class SandboxPlatform:
    """The sandbox Canvas in its own process: a cohort course with every kind of member."""

    label = "sandbox Canvas in its own process (CPU not counted)"

    def __init__(self, people: int) -> None:
        self.people = people
        self._conn: Any = None
        self._process: Any = None

    def register(self, tool_base: str) -> Registration:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_sandbox_process, args=(self.people, tool_base, child), daemon=True
        )
        self._process.start()
        setup = self._conn.recv()
        self.sessions: list[str] = setup["sessions"]
        self.nav: str = setup["nav"]
        self.host: str = setup["host"]
        registration: Registration = setup["registration"]
        return registration

    def launch(self, tool_base: str, person: int, browser: requests.Session) -> str:
        n = person % self.people
        # Signed in to Canvas as this person (the browser may be fresh).
        browser.cookies.set("canvas_session", self.sessions[n], domain=self.host, path="/")
        page = browser.get(self.nav, timeout=30)
        forms = [f for f in html_forms(page.text) if f.action.endswith("/lti/login")]
        if page.status_code != 200 or not forms:
            raise LaunchFailed(f"course page {page.status_code}")
        login = browser.post(forms[0].action, data=forms[0].fields, allow_redirects=False)
        if login.status_code != 200:
            raise LaunchFailed("login " + _error(login))
        authorized = browser.get(parse_page_config(login.text)["auth"], timeout=30)
        posted = [f for f in html_forms(authorized.text) if "id_token" in f.fields]
        if not posted:
            raise LaunchFailed(f"authorize {authorized.status_code}")
        launch = browser.post(
            posted[0].action, data=posted[0].fields, allow_redirects=False, timeout=30
        )
        return _landing(launch)

    def stop(self) -> None:
        if self._process is not None:
            self._conn.send("stop")
            self._process.join(timeout=10)
