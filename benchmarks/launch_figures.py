"""What ``launch.py`` reads and prints: per-step server and CPU times from the worker's logs,
and the comparison with the reference example measured in the same run."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Server time per full launch (login + launch + landing page), in ms (issue 8 §7), set where
#: the pylti1p3 reference example took :data:`REFERENCE_MS`.
TARGETS = {"first": 3.5, "returning": 2.5}
REFERENCE_MS = 4.9
#: The launch answers with its landing page; a landing reached by a redirect is its own step.
TOOL_STEPS = ("login", "launch + page", "landing")

StepOf = Callable[[str, str], "str | None"]

_ACCESS = re.compile(r'"(GET|POST) (\S+) HTTP/[0-9.]+" (\d+) \S+ (\d+)us')


def tool_step(method: str, path: str) -> str | None:
    if method == "POST" and path == "/lti/login":
        return "login"
    if method == "POST" and path == "/lti/launch":
        return "launch + page"
    if method == "GET" and re.fullmatch(r"/c/\d+/.*", path):
        return "landing"
    return None


@dataclass
class Phase:
    """What one phase cost the server, per step, in ms."""

    name: str
    launches: int
    failures: list[str]
    server: dict[str, list[float]]
    cpu: dict[str, list[float]]
    worker_cpu_ms: float
    wall: float

    @property
    def server_total(self) -> float:
        """Server time per full launch: the sum of the medians of the steps it took."""
        return sum(median(values) for values in self.server.values() if values)

    @property
    def cpu_total(self) -> float:
        return sum(median(values) for values in self.cpu.values() if values)


def merge(parts: Sequence[Phase]) -> Phase:
    """One phase from the blocks it was measured in."""
    launches = sum(p.launches for p in parts)
    steps = parts[0].server
    return Phase(
        parts[0].name,
        launches,
        [problem for p in parts for problem in p.failures],
        {step: [v for p in parts for v in p.server[step]] for step in steps},
        {step: [v for p in parts for v in p.cpu[step]] for step in steps},
        sum(p.worker_cpu_ms * p.launches for p in parts) / max(launches, 1),
        sum(p.wall for p in parts),
    )


class Logs:
    """A server's access log and CPU log, read from where the last phase ended."""

    def __init__(self, access: Path, cpu: Path, steps: Sequence[str], step_of: StepOf) -> None:
        self.access = access
        self.cpu = cpu
        self.steps = tuple(steps)
        self.step_of = step_of
        self._seen = (0, 0)
        cpu.touch()

    def _lines(self) -> tuple[list[str], list[str]]:
        return self.access.read_text().splitlines(), self.cpu.read_text().splitlines()

    def mark(self) -> None:
        access, cpu = self._lines()
        self._seen = (len(access), len(cpu))

    def since_mark(self) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        time.sleep(0.3)  # let the workers flush their lines
        access, cpu = self._lines()
        server: dict[str, list[float]] = {step: [] for step in self.steps}
        for line in access[self._seen[0] :]:
            match = _ACCESS.search(line)
            step = match and self.step_of(match.group(1), match.group(2))
            if match and step:
                server[step].append(int(match.group(4)) / 1000)
        spent: dict[str, list[float]] = {step: [] for step in self.steps}
        for line in cpu[self._seen[1] :]:
            method, path, micros = line.split(" ")
            step = self.step_of(method, path)
            if step:
                spent[step].append(int(micros) / 1000)
        self._seen = (len(access), len(cpu))
        return server, spent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(phase: Phase, target: float | None) -> None:
    print(
        f"  {phase.name} launches: {phase.launches} ({len(phase.failures)} failed), "
        f"{phase.launches / phase.wall:.0f} launches/s with the platform"
    )
    print("    step            server ms: median    p95   CPU ms: median    p95")
    for step in phase.server:
        server, cpu = phase.server[step], phase.cpu[step]
        if not server:
            continue  # e.g. no landing page reached by a redirect
        print(
            f"    {step:14}             {median(server):6.2f} {pct(server, 0.95):6.2f}"
            f"           {median(cpu):6.2f} {pct(cpu, 0.95):6.2f}   ({len(server)} requests)"
        )
    print(
        f"    full launch                {phase.server_total:6.2f}"
        f"                  {phase.cpu_total:6.2f}          (sums of step medians)"
    )
    line = f"worker CPU from /proc: {phase.worker_cpu_ms:.2f} ms per launch"
    if target is not None:
        verdict = "met" if phase.server_total <= target else "NOT met"
        line = f"target: server time per full launch <= {target} ms: {verdict}; " + line
    print("    " + line)


def compare(pairs: Sequence[tuple[Phase, Phase]]) -> None:
    """Each of the tool's phases against the reference's launches made between its blocks.

    The targets were set as absolute times on a machine where the reference took
    :data:`REFERENCE_MS`; here they are scaled by what the reference took in this run.
    """
    print(f"  beside the reference example (issue 8 measured it at {REFERENCE_MS} ms server):")
    for phase, reference in pairs:
        ref_server, ref_cpu = reference.server_total, reference.cpu_total
        goal = TARGETS[phase.name]
        scaled = ref_server * goal / REFERENCE_MS
        verdict = "met" if phase.server_total <= scaled else "NOT met"
        print(
            f"    {phase.name:9}: {phase.server_total:.2f} ms vs the reference's {ref_server:.2f}"
            f" ms: {ref_server / phase.server_total:4.2f}x its speed by server time "
            f"({ref_cpu / phase.cpu_total:4.2f}x by CPU); target "
            f"{REFERENCE_MS / goal:.2f}x (<= {scaled:.2f} ms here): {verdict}"
        )
