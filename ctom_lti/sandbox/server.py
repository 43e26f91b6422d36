"""Run a sandbox Canvas on a local port: for tests, benchmarks, the demo and ``sandbox serve``."""

from __future__ import annotations

import secrets
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ctom_lti.sandbox.app import create_sandbox_app
from ctom_lti.sandbox.core import Sandbox
from ctom_lti.sandbox.gates import Gates
from ctom_lti.sandbox.knobs import Knobs, KnobSettings
from ctom_lti.sandbox.requestlog import RequestLog
from ctom_lti.sandbox.store import Store
from ctom_lti.serving import ServerThread

if TYPE_CHECKING:
    from ctom_lti.sandbox.seed import DemoSeed

SEEDS = ("demo",)


class SandboxServer:
    """A sandbox with an account-admin API token, served on ``host:port`` (0 = a free port).

    ``seed="demo"`` adds the demo people (and, unless ``seed_course=False``, the empty demo
    cohort course). Use as a context manager or call :meth:`start` / :meth:`stop`.
    :meth:`reset` gives the running server a fresh store (same admin token), so one server can
    serve many tests.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        admin_token: str | None = None,
        seed: str | None = None,
        seed_course: bool = True,
        knobs: KnobSettings | None = None,
        fault_seed: int | None = None,
        store_secret: str | None = None,
        **knob_changes: Any,
    ) -> None:
        if seed is not None and seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r}; choose one of: {', '.join(SEEDS)}")
        #: account-admin API token (random unless given)
        self.admin_token = admin_token or f"1~{secrets.token_urlsafe(48)}"
        self._seed = seed
        self._seed_course = seed_course
        self._store_secret = store_secret
        self.admin_user_id = 0
        self.demo: DemoSeed | None = None
        store = self._new_store()
        self.sandbox = Sandbox(store, Knobs(knobs, seed=fault_seed, **knob_changes))
        self.app = create_sandbox_app(self.sandbox)
        self._fill(store, seed, seed_course)
        self._thread = ServerThread(self.app, host, port)

    # --- what tests use -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self._thread.base_url

    @property
    def host(self) -> str:
        return self._thread.host

    @property
    def port(self) -> int:
        return self._thread.port

    @property
    def store(self) -> Store:
        return self.sandbox.store

    @property
    def knobs(self) -> Knobs:
        return self.sandbox.knobs

    @property
    def gates(self) -> Gates:
        return self.sandbox.gates

    @property
    def log(self) -> RequestLog:
        return self.sandbox.log

    def token_for(self, user_id: int) -> str:
        """A new API token for ``user_id`` (a teacher or student acting through the API)."""
        return self.store.issue_token(user_id)

    def reset(self, *, seed: str | None = None, seed_course: bool | None = None) -> None:
        """Fresh state: a new store (seeded as at start-up unless told otherwise, for this reset
        only: the next plain reset seeds as at start-up again), default knobs, no gates, empty
        request log. The admin token stays valid."""
        if seed is not None and seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r}")
        store = self._new_store()
        self.sandbox.replace_store(store)
        self._fill(
            store,
            seed if seed is not None else self._seed,
            seed_course if seed_course is not None else self._seed_course,
        )
        self.sandbox.knobs.reset()
        self.sandbox.gates.open_all()
        self.sandbox.log.clear()

    # --- life cycle -----------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- internals ------------------------------------------------------------------------------
    def _new_store(self) -> Store:
        return Store(secret=self._store_secret)

    def _fill(self, store: Store, seed: str | None, seed_course: bool) -> None:
        self.demo = None
        if seed == "demo":
            from ctom_lti.sandbox.seed import seed_demo

            self.demo = seed_demo(store, with_course=seed_course)
            admin_id = self.demo.admin.id
        else:
            admin = store.add_user(
                "Sandbox Admin",
                "admin@sandbox.example.org",
                email="admin@sandbox.example.org",
                admin_of={store.root_account_id},
            )
            admin_id = admin.id
        store.issue_token(admin_id, self.admin_token)
        self.admin_user_id = admin_id
