"""The demo (``ctom-lti demo``): the tool plus the local Canvas sandbox, seeded and ready to use.

What it does, in the order an administrator would: start the sandbox Canvas (seeded people and an
empty cohort course), start the tool, create the tool's developer key in the sandbox from the
tool's own ``/lti/config.json`` and install it for the account, register that key in the tool,
then build the course's content with the real course sync. The sandbox keeps its state in memory,
so the tool gets a fresh demo database on every start; its signing keys are kept.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask

from ctom_lti.demo_course import build_demo_course
from ctom_lti.errors import CtomError

if TYPE_CHECKING:
    from ctom_lti.canvas_sync import SyncReport
    from ctom_lti.grades.worker import WorkerThread
    from ctom_lti.sandbox.course_records import ExternalTool
    from ctom_lti.sandbox.server import SandboxServer
    from ctom_lti.serving import ServerThread

DEMO_ADMIN_TOKEN = "demo-admin-token"  # noqa: S105 - a fixed token for the loopback-only sandbox


@dataclass
class DemoStack:
    """The running demo: both servers and what was registered."""

    sandbox: SandboxServer
    tool: ServerThread
    app: Flask
    client_id: str
    deployment_id: str
    course_id: int
    tool_install_id: int
    sync_report: SyncReport | None
    #: posts the grade outbox to the sandbox, as ``ctom-lti worker`` would
    grade_worker: WorkerThread | None = None

    @property
    def course_url(self) -> str:
        return f"{self.sandbox.base_url}/courses/{self.course_id}"

    @property
    def launch_url(self) -> str:
        from ctom_lti.sandbox.platform import tool_launch_url

        return tool_launch_url(self.sandbox.base_url, self.course_id, self.tool_install_id)

    def stop(self) -> None:
        if self.grade_worker is not None:
            self.grade_worker.stop()
        self.tool.stop()
        self.sandbox.stop()


class PortInUse(CtomError):
    """A port the demo needs is taken (werkzeug would exit the process instead of raising)."""

    status = 503
    title = "A port the demo needs is in use"


def _check_port_free(host: str, port: int, option: str) -> None:
    if port == 0:
        return
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUse(
                f"Port {port} on {host} is already in use ({exc.strerror}). Is another demo "
                f"running? Stop it, or choose another port with {option}."
            ) from exc


Say = Callable[[str], None]


def _fresh_tool_app(instance_path: str | None, say: Say) -> Flask:
    """The tool app on a fresh demo database (the sandbox forgets everything on exit anyway)."""
    from ctom_lti import create_app, migrate
    from ctom_lti.lti.keys import ensure_current_key

    probe = create_app({"INSTANCE_PATH": instance_path} if instance_path else None)
    database = Path(probe.instance_path) / "demo.sqlite3"
    for leftover in database.parent.glob(database.name + "*"):
        leftover.unlink()
    app = create_app(
        {
            "INSTANCE_PATH": probe.instance_path,
            "DATABASE_URL": f"sqlite:///{database}",
            "INSECURE_TRANSPORT": True,
        }
    )
    migrate.upgrade(app)
    kid, created = ensure_current_key(app)
    say(f"Tool database: {database}; signing key {kid}{' (new)' if created else ''}")
    return app


@dataclass(frozen=True)
class SandboxInstall:
    """The tool as a sandbox Canvas admin installed it, and as the tool knows that Canvas."""

    client_id: str
    deployment_id: str
    #: the sandbox's ContextExternalTool record (``.id`` opens its course navigation tab)
    tool: ExternalTool


def connect_tool_and_sandbox(
    app: Flask,
    sandbox: SandboxServer,
    tool_base_url: str,
    *,
    course_id: int | None = None,
    canvas_token: str | None = None,
    name: str | None = None,
) -> SandboxInstall:
    """Do what both admins do: the Canvas admin creates the developer key from the tool's
    ``/lti/config.json`` and installs it (in ``course_id``, else for the whole account); the
    tool's admin runs the equivalent of ``ctom-lti platform add``.

    :param canvas_token: a REST API token to store with the registration (for sync).
    """
    from ctom_lti.lti.config_json import redirect_uris
    from ctom_lti.lti.registrations import RegistrationInput, register_platform
    from ctom_lti.sandbox.platform import create_developer_key_from_url, deploy

    store = sandbox.store
    key = create_developer_key_from_url(
        store, f"{tool_base_url}/lti/config.json", redirect_uris(tool_base_url)
    )
    if course_id is None:
        tool = deploy(store, key, account_id=store.root_account_id)
    else:
        tool = deploy(store, key, course_id=course_id)
    deployment_id = store.deployment_id(tool)
    register_platform(
        app,
        RegistrationInput(
            issuer=store.issuer,
            client_id=key.client_id,
            auth_login_url=f"{sandbox.base_url}/api/lti/authorize_redirect",
            auth_token_url=f"{sandbox.base_url}/login/oauth2/token",
            key_set_url=f"{sandbox.base_url}/api/lti/security/jwks",
            deployment_ids=(deployment_id,),
            canvas_url=sandbox.base_url if canvas_token else None,
            canvas_token=canvas_token,
            name=name,
        ),
    )
    return SandboxInstall(key.client_id, deployment_id, tool)


def _seed_features(app: Flask, sandbox: SandboxServer, *, populate: bool, say: Say) -> None:
    """Let each feature seed what it shows in the demo, in the registry's order."""
    from ctom_lti.features import DemoSeedContext, registry_of

    context = DemoSeedContext(
        app=app,
        sandbox=sandbox,
        cohort_file=Path(app.instance_path) / "demo-cohort.toml",
        admin_token=DEMO_ADMIN_TOKEN,
        populate=populate,
        say=say,
    )
    for feature in registry_of(app).features:
        if feature.demo_seed is not None:
            feature.demo_seed(context)


def start_demo(
    *,
    instance_path: str | None = None,
    sandbox_port: int = 8900,
    tool_port: int = 5000,
    sync: bool = True,
    progress: bool = True,
    pair: bool = True,
) -> DemoStack:
    """Start and wire everything; returns once the demo is ready to click through."""
    from ctom_lti.sandbox.server import SandboxServer
    from ctom_lti.serving import ServerThread

    def say(message: str) -> None:
        if progress:
            click.echo(message)

    _check_port_free("127.0.0.1", sandbox_port, "--sandbox-port")
    _check_port_free("localhost", tool_port, "--tool-port")
    app = _fresh_tool_app(instance_path, say)
    sandbox = SandboxServer("127.0.0.1", sandbox_port, seed="demo", admin_token=DEMO_ADMIN_TOKEN)
    sandbox.start()
    try:
        tool = ServerThread(app, host="localhost", port=tool_port)
    except BaseException:
        sandbox.stop()
        raise
    # Known only once the port is bound (port 0 picks a free one).
    app.config["BASE_URL"] = tool.base_url
    tool.start()
    try:
        assert sandbox.demo is not None and sandbox.demo.course is not None
        say(f"Canvas sandbox: {sandbox.base_url}   tool: {tool.base_url}")
        install = connect_tool_and_sandbox(
            app, sandbox, tool.base_url, canvas_token=DEMO_ADMIN_TOKEN, name="Canvas sandbox"
        )
        say(
            f"Developer key {install.client_id} made from /lti/config.json and deployed as "
            f"{install.deployment_id}; the sandbox is registered in the tool"
        )
        report = (
            build_demo_course(app, sandbox, tool.base_url, admin_token=DEMO_ADMIN_TOKEN, say=say)
            if sync
            else None
        )
        if sync:
            _seed_features(app, sandbox, populate=pair, say=say)
        from ctom_lti.grades.worker import WorkerThread

        # Grades the seeding put in the outbox, and any a page could not post at once.
        grade_worker = WorkerThread(app, poll=2.0).start()
    except BaseException:
        tool.stop()
        sandbox.stop()
        raise
    return DemoStack(
        sandbox=sandbox,
        tool=tool,
        app=app,
        client_id=install.client_id,
        deployment_id=install.deployment_id,
        course_id=sandbox.demo.course.id,
        tool_install_id=install.tool.id,
        sync_report=report,
        grade_worker=grade_worker,
    )
