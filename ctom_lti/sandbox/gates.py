"""Gates: hold the sandbox's matching requests until a test lets them through.

Latency alone cannot show a client's in-between states reliably: a tool that sends its writes
concurrently sees them all answered within a millisecond of each other, however slow each one
is. A gate holds every matching request at the door; the test lets them through one at a time
(or all at once) and looks at the client between steps. A held request is let through anyway
after ``timeout`` seconds, so a test that forgets a gate slows down instead of hanging.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Gate:
    #: the HTTP methods held (all when empty)
    methods: tuple[str, ...] = ()
    path_prefix: str | None = None
    timeout: float = 30.0
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _passes: int = 0
    _open: bool = False
    #: requests held at the gate now
    waiting: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (not self.methods or method in self.methods) and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )

    def pass_through(self) -> None:
        """Wait here until let through, opened, or ``timeout`` passes."""
        with self._cond:
            self.waiting += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._open or self._passes > 0, self.timeout)
            if not self._open and self._passes > 0:
                self._passes -= 1
            self.waiting -= 1
            self._cond.notify_all()

    def let_through(self, count: int = 1) -> None:
        with self._cond:
            self._passes += count
            self._cond.notify_all()

    def open(self) -> None:
        """Let every request through, now and from now on."""
        with self._cond:
            self._open = True
            self._cond.notify_all()

    def wait_until_holding(self, count: int, timeout: float = 10.0) -> bool:
        """True once ``count`` requests are held at the gate (False after ``timeout``)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.waiting >= count, timeout)


class Gates:
    """The sandbox's gates; a request stops at every gate it matches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gates: list[Gate] = []

    def hold(
        self,
        *,
        methods: tuple[str, ...] = (),
        path_prefix: str | None = None,
        timeout: float = 30.0,
    ) -> Gate:
        """A new gate for requests matching ``methods`` and ``path_prefix`` (closed at first)."""
        gate = Gate(methods, path_prefix, timeout)
        with self._lock:
            self._gates.append(gate)
        return gate

    def pass_through(self, method: str, path: str) -> None:
        if not self._gates:  # every request comes here; most runs hold none
            return
        with self._lock:
            matching = [g for g in self._gates if g.matches(method, path)]
        for gate in matching:
            gate.pass_through()

    def open_all(self) -> None:
        """Open and forget every gate (a reset: nothing stays held)."""
        with self._lock:
            gates, self._gates = self._gates, []
        for gate in gates:
            gate.open()
