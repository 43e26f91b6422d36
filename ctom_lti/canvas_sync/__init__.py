"""canvas_sync: build and keep each cohort's Canvas course in step with the curriculum.

Sync is reconciliation, not a script: the desired course (curriculum + course spec + cohort file)
is compared with a snapshot of the real course, a pure planner decides what to change, and a
runner applies that with bounded concurrency. Running it again changes nothing; it never deletes
what it did not create, and deletes nothing without ``prune``.

Public API: :func:`plan_course` (what would change) and :func:`sync_course` (change it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ctom_lti.canvas.gateway import CanvasGateway
from ctom_lti.canvas_sync.desired import desired_course
from ctom_lti.canvas_sync.desired_objects import DesiredCourse
from ctom_lti.canvas_sync.mapping import MappingStore
from ctom_lti.canvas_sync.models import SyncRun
from ctom_lti.canvas_sync.outcome import Outcome
from ctom_lti.canvas_sync.planner import Plan, plan_sync
from ctom_lti.canvas_sync.report import SyncReport, build_report
from ctom_lti.canvas_sync.runner import Runner
from ctom_lti.canvas_sync.snapshot import CourseSnapshot, Scope, take_snapshot
from ctom_lti.canvas_sync.spec import CourseSpec, load_spec
from ctom_lti.cohorts import CohortConfig, Pairing, load_cohort
from ctom_lti.cohorts.records import link_canvas_course
from ctom_lti.curriculum.loader import Curriculum, load_curriculum
from ctom_lti.db import utcnow
from ctom_lti.models import Cohort

__all__ = [
    "PAIRING_SOURCE",
    "CohortConfig",
    "Pairing",
    "PlannedSync",
    "Scope",
    "SyncReport",
    "load_cohort",
    "load_spec",
    "plan_course",
    "sync_course",
]

#: Key in ``app.extensions`` of a function ``(session, cohort_id, gateway) -> pairings | None``
#: that a feature keeping mentor pairings registers: ``ctom-lti sync`` then pushes those
#: (None: the cohort has none in the tool, and the cohort file's ``[[pairings]]`` are used).
PAIRING_SOURCE = "ctom.pairing_source"

#: Pairings as data, or a function returning them (e.g. from the tool's pairing table).
PairingSource = Sequence[Pairing] | Callable[[], Sequence[Pairing]]


@dataclass(frozen=True)
class PlannedSync:
    """A snapshot of the course and the plan to bring it in line, with a dry-run report."""

    desired: DesiredCourse
    snapshot: CourseSnapshot
    plan: Plan
    report: SyncReport
    store: MappingStore


def _spec_for(cohort: CohortConfig, spec: CourseSpec | None) -> CourseSpec:
    if spec is not None:
        return spec
    return load_spec(cohort.spec_path)


def plan_course(
    session: Session,
    gateway: CanvasGateway,
    cohort: CohortConfig,
    *,
    tool_base_url: str,
    spec: CourseSpec | None = None,
    curriculum: Curriculum | None = None,
    pairings: PairingSource | None = None,
    prune: bool = False,
    scope: Scope = Scope.FULL,
    cohort_id: int | None = None,
) -> PlannedSync:
    """Read the course and plan the changes; reads Canvas, writes nothing anywhere.

    :param tool_base_url: the tool's public base URL, for the links into it.
    :param pairings: mentor pairings; default: the cohort file's ``[[pairings]]``.
    :param cohort_id: the tool's cohort row for this course (see ``ctom_lti.cohorts.records``).
    :raises InputFileError: the spec (or cohort file) does not expand to a valid course.
    :raises CanvasError: Canvas refused a read (bad token, unknown account…).
    """
    started = utcnow()
    calls_before = gateway.calls
    curriculum = curriculum or load_curriculum()
    resolved = pairings() if callable(pairings) else pairings
    desired = desired_course(
        curriculum,
        _spec_for(cohort, spec),
        cohort,
        tool_base_url=tool_base_url,
        pairings=resolved,
    )
    snapshot = take_snapshot(gateway, desired.settings, scope=scope)
    store = MappingStore(session, gateway.base_url, cohort.sis_course_id, cohort_id)
    mapping = store.load(snapshot.course.id) if snapshot.course else {}
    plan = plan_sync(desired, snapshot, mapping, prune=prune, scope=scope)
    report = build_report(
        plan,
        None,
        canvas_url=gateway.base_url,
        sis_course_id=cohort.sis_course_id,
        course_name=desired.settings.name,
        course_id=plan.course_id,
        prune=prune,
        scope=scope.value,
        started_at=started,
        finished_at=utcnow(),
        api=gateway.calls - calls_before,
    )
    return PlannedSync(desired, snapshot, plan, report, store)


def sync_course(
    session: Session,
    gateway: CanvasGateway,
    cohort: CohortConfig,
    *,
    tool_base_url: str,
    spec: CourseSpec | None = None,
    curriculum: Curriculum | None = None,
    pairings: PairingSource | None = None,
    prune: bool = False,
    scope: Scope = Scope.FULL,
    concurrency: int = 8,
    on_plan: Callable[[Plan], None] | None = None,
    progress: Callable[[Outcome], None] | None = None,
    cohort_id: int | None = None,
) -> SyncReport:
    """Bring the cohort's Canvas course in line with the curriculum, spec and cohort file.

    Records the mapping of desired objects to Canvas ids as it goes (committing each row) and a
    :class:`SyncRun` with the JSON report. Canvas failures of single actions are reported, not
    raised; run again to finish what failed.

    :param concurrency: how many Canvas writes may be in flight at once.
    :param on_plan: called with the plan before anything is applied (e.g. to size a progress bar).
    :param progress: called with each write's outcome as it completes.
    :param cohort_id: the tool's cohort row for this course: its mapping and run rows are linked
        to it, and it learns the Canvas course id.
    :raises InputFileError: the spec does not expand to a valid course (nothing was sent).
    :raises CanvasError: Canvas refused the snapshot reads (bad token, unknown account…).
    """
    started = utcnow()
    calls_before = gateway.calls
    planned = plan_course(
        session,
        gateway,
        cohort,
        tool_base_url=tool_base_url,
        spec=spec,
        curriculum=curriculum,
        pairings=pairings,
        prune=prune,
        scope=scope,
        cohort_id=cohort_id,
    )
    plan = planned.plan
    if on_plan is not None:
        on_plan(plan)
    run = SyncRun(
        cohort_id=cohort_id,
        canvas_url=gateway.base_url,
        sis_course_id=cohort.sis_course_id,
        canvas_course_id=plan.course_id,
        cohort_name=cohort.name,
        scope=scope.value,
        prune=prune,
        status="running",
        started_at=started,
    )
    session.add(run)
    session.commit()
    runner = Runner(
        gateway,
        planned.store,
        tool=planned.desired.tool,
        concurrency=concurrency,
        progress=progress,
    )
    try:
        outcomes = runner.run(plan)
    except BaseException:
        session.rollback()
        run.status = "interrupted"
        run.finished_at = utcnow()
        session.commit()
        raise
    report = build_report(
        plan,
        outcomes,
        canvas_url=gateway.base_url,
        sis_course_id=cohort.sis_course_id,
        course_name=planned.desired.settings.name,
        course_id=planned.store.course_id or plan.course_id,
        prune=prune,
        scope=scope.value,
        started_at=started,
        finished_at=utcnow(),
        api=gateway.calls - calls_before,
    )
    run.canvas_course_id = report.course_id
    run.status = "succeeded" if report.ok else "failed"
    run.finished_at = report.finished_at
    for name, value in report.counts.items():
        setattr(run, name, value)
    run.api_reads = report.api.reads
    run.api_writes = report.api.writes
    run.report = report.to_json()
    if cohort_id is not None and report.course_id is not None:
        _link_course(session, run, planned.store, cohort_id, report.course_id)
    session.commit()
    return report


def _link_course(
    session: Session, run: SyncRun, store: MappingStore, cohort_id: int, course_id: int
) -> None:
    """Tell the cohort its Canvas course; follow it if it merged into a launched twin."""
    cohort_row = session.get(Cohort, cohort_id)
    if cohort_row is None:
        return
    kept = link_canvas_course(session, cohort_row, course_id)
    if kept.id != cohort_id:
        run.cohort_id = kept.id
        store.cohort_id = kept.id
        store.load(course_id)  # links the rows the merge left without a cohort
