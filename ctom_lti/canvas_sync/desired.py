"""The desired course: curriculum + course spec + cohort file, expanded into plain objects.

:func:`desired_course` is pure. Every object it produces carries a *desired key* that stays the
same from run to run (``page:principle-infrastructure-overview``, ``module:strand-technology``,
``observer:<mentor sis id>:<candidate sis id>``); the sync mapping table ties these keys to Canvas
ids, and the planner compares these objects with a snapshot of the real course.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from ctom_lti.canvas_sync.desired_objects import (
    ASSIGNMENT,
    EXTERNAL_TOOL,
    PAGE,
    SUBHEADER,
    CourseSettings,
    DesiredAssignment,
    DesiredCourse,
    DesiredGroup,
    DesiredItem,
    DesiredModule,
    DesiredObserver,
    DesiredPage,
    DesiredTool,
)
from ctom_lti.canvas_sync.placeholder_values import PlaceholderValues, local_to_utc, session_start
from ctom_lti.canvas_sync.spec import CourseSpec, ItemSpec, ModuleSpec
from ctom_lti.canvas_sync.template import render
from ctom_lti.cohorts import CohortConfig, Pairing, SessionPlan
from ctom_lti.cohorts.tomlsource import InputFileError, Problem
from ctom_lti.curriculum.loader import Curriculum, Principle, Strand
from ctom_lti.links import PageLink, launch_url

_ITEM_TYPES = {"subheader": SUBHEADER, "page": PAGE, "assignment": ASSIGNMENT}


def tool_launch_url(base_url: str, target: str, principle: str | None = None) -> str:
    """The URL a module item opens the tool with: its LTI launch URL plus the page to land on.

    ``target`` is a page name of ``ctom_lti.links`` (``reflection``, ``reports``, ``pairing``,
    ``home``) and ``principle`` a curriculum principle key. Canvas launches an ExternalTool item
    with its URL as the ``target_link_uri`` claim, which the tool's landing reads.
    """
    return launch_url(base_url, PageLink(target, principle))


@dataclass(frozen=True)
class _Scope:
    """Where in the expansion we are: the values, and which curriculum entries they came from."""

    values: dict[str, str]
    strand: Strand | None = None
    principle: Principle | None = None
    session: SessionPlan | None = None


class _Builder:
    def __init__(
        self,
        curriculum: Curriculum,
        spec: CourseSpec,
        cohort: CohortConfig,
        tool_base_url: str,
    ) -> None:
        self.curriculum = curriculum
        self.spec = spec
        self.cohort = cohort
        self.tool_base_url = tool_base_url
        self.ctx = PlaceholderValues(curriculum, cohort)
        self.problems: list[Problem] = []
        self.groups: list[DesiredGroup] = []
        self.pages: list[DesiredPage] = []
        self.assignments: list[DesiredAssignment] = []
        self.modules: list[DesiredModule] = []
        self._seen: dict[str, int | None] = {}
        self._names: dict[tuple[str, str], str] = {}

    def claim(self, key: str, line: int | None) -> bool:
        if key in self._seen:
            first = self._seen[key]
            where = f" (first made at line {first})" if first else ""
            self.problems.append(
                Problem(
                    line, f"key {key.split(':', 1)[1]!r} is made twice{where}; keys must be unique"
                )
            )
            return False
        self._seen[key] = line
        return True

    def unique_name(self, kind: str, name: str, key: str, line: int | None) -> None:
        # Canvas would rename a duplicate page ("Title-2") and sync finds objects by name when
        # adopting, so every page, assignment, module and group name must be unique.
        other = self._names.setdefault((kind, name), key)
        if other != key:
            self.problems.append(
                Problem(line, f"{kind} name {name!r} is used twice; names must be unique")
            )

    def scopes(self, each: str | None, outer: _Scope) -> list[_Scope]:
        if each is None:
            return [outer]
        if each == "strand":
            return [
                _Scope({**outer.values, **self.ctx.strand(s)}, strand=s)
                for s in self.curriculum.strands
            ]
        if each == "principle":
            principles = outer.strand.principles if outer.strand else self.curriculum.principles
            return [
                _Scope({**outer.values, **self.ctx.principle(p)}, outer.strand, principle=p)
                for p in principles
            ]
        return [
            _Scope({**outer.values, **self.ctx.session(s)}, session=s) for s in self.cohort.sessions
        ]

    def build_groups(self) -> None:
        position = 0
        for spec in self.spec.groups:
            for scope in self.scopes(spec.each, _Scope(self.ctx.base)):
                key = "group:" + render(spec.key, scope.values)
                name = render(spec.name, scope.values)
                if self.claim(key, spec.line):
                    position += 1
                    self.unique_name("assignment group", name, key, spec.line)
                    self.groups.append(DesiredGroup(key, name, position))

    def build_modules(self) -> None:
        for spec in self.spec.modules:
            for scope in self.scopes(spec.each, _Scope(self.ctx.base)):
                self.modules.append(self.module(spec, scope))

    def module(self, spec: ModuleSpec, scope: _Scope) -> DesiredModule:
        key = "module:" + render(spec.key, scope.values)
        name = render(spec.name, scope.values)
        self.claim(key, spec.line)
        self.unique_name("module", name, key, spec.line)
        items: list[DesiredItem] = []
        for run in _runs(spec.items):
            for inner in self.scopes(run[0].each, scope):
                for item_spec in run:
                    item = self.item(item_spec, inner)
                    if item is not None:
                        items.append(item)
        return DesiredModule(key, name, tuple(items), spec.published)

    def item(self, spec: ItemSpec, scope: _Scope) -> DesiredItem | None:
        values = scope.values
        base_key = render(spec.key, values)
        key = "item:" + base_key
        title = render(spec.title, values)
        if not self.claim(key, spec.line):
            return None
        if spec.type == "tool_link":
            principle = render(spec.principle, values) if spec.principle else None
            url = tool_launch_url(self.tool_base_url, spec.target or "home", principle)
            return DesiredItem(key, EXTERNAL_TOOL, title, spec.indent, None, url, spec.new_tab)
        content_key = None
        if spec.type == "page":
            content_key = "page:" + base_key
            self.claim(content_key, spec.line)
            self.unique_name("page", title, content_key, spec.line)
            body = render(spec.body or "", values, html_text=True).strip()
            self.pages.append(DesiredPage(content_key, title, body, published=True))
        elif spec.type == "assignment":
            content_key = "assignment:" + base_key
            self.claim(content_key, spec.line)
            self.unique_name("assignment", title, content_key, spec.line)
            group_key = "group:" + render(spec.group or "", values)
            if group_key not in {g.key for g in self.groups}:
                self.problems.append(
                    Problem(spec.line, f"no assignment group has key {group_key[6:]!r}")
                )
            self.assignments.append(
                DesiredAssignment(
                    key=content_key,
                    name=title,
                    group_key=group_key,
                    description=render(spec.description or "", values, html_text=True).strip(),
                    submission_types=spec.submission_types,
                    grading_type=spec.grading_type,
                    points_possible=spec.points_possible,
                    due_at=self.due(spec, scope),
                    published=spec.published,
                )
            )
        return DesiredItem(key, _ITEM_TYPES[spec.type], title, spec.indent, content_key)

    def due(self, spec: ItemSpec, scope: _Scope) -> datetime | None:
        """When an assignment is due, from its spec's ``due`` rule (see course_spec.toml)."""
        rule = spec.due
        zone = self.cohort.time_zone
        session: SessionPlan | None = None
        if rule is None:
            return None
        if rule == "term.start":
            return local_to_utc(self.cohort.term_start, time(0, 0), zone)
        if rule == "term.end":
            return local_to_utc(self.cohort.term_end, time(23, 59), zone)
        if rule == "session.start":
            session = scope.session
        elif rule == "principle.session" and scope.principle is not None:
            number = self.cohort.principle_sessions.get(scope.principle.key)
            session = self.cohort.session(number) if number else None
        elif rule.startswith("session:"):
            number = int(rule.split(":", 1)[1])
            if 1 <= number <= len(self.cohort.sessions):
                session = self.cohort.session(number)
            else:
                count = len(self.cohort.sessions)
                self.problems.append(
                    Problem(spec.line, f"due {rule!r}: there are {count} sessions")
                )
        return session_start(session, zone) if session else None


def _runs(items: Sequence[ItemSpec]) -> list[list[ItemSpec]]:
    """Consecutive items repeated over the same scope form one run (see course_spec.toml)."""
    runs: list[list[ItemSpec]] = []
    for item in items:
        if runs and item.each is not None and runs[-1][0].each == item.each:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def observers_for(pairings: Iterable[Pairing]) -> tuple[DesiredObserver, ...]:
    """One observer link per (mentor, candidate), in the order given, without repeats."""
    seen: dict[str, DesiredObserver] = {}
    for pairing in pairings:
        for candidate in pairing.candidate_sis_ids:
            key = f"observer:{pairing.mentor_sis_id}:{candidate}"
            seen.setdefault(key, DesiredObserver(key, pairing.mentor_sis_id, candidate))
    return tuple(seen.values())


def desired_course(
    curriculum: Curriculum,
    spec: CourseSpec,
    cohort: CohortConfig,
    *,
    tool_base_url: str,
    pairings: Sequence[Pairing] | None = None,
) -> DesiredCourse:
    """Expand the spec for this cohort. Pure: same inputs, same result, no I/O.

    :param pairings: mentor pairings to push as observer links; defaults to the cohort file's.
    :raises InputFileError: the spec expands to duplicate keys or names, or names a missing group.
    """
    builder = _Builder(curriculum, spec, cohort, tool_base_url)
    builder.build_groups()
    builder.build_modules()
    if builder.problems:
        raise InputFileError(spec.filename, builder.problems)
    zone = cohort.time_zone
    restrict = cohort.options.restrict_enrollments_to_course_dates
    settings = CourseSettings(
        name=render(spec.name, builder.ctx.base),
        course_code=cohort.course_code,
        sis_course_id=cohort.sis_course_id,
        account_id=cohort.account_id,
        start_at=local_to_utc(cohort.term_start, time(0, 0), zone) if restrict else None,
        end_at=local_to_utc(cohort.term_end, time(23, 59), zone) if restrict else None,
        restrict_enrollments_to_course_dates=restrict,
        default_view=spec.default_view,
        time_zone=zone,
        publish=cohort.options.publish_course,
    )
    return DesiredCourse(
        settings=settings,
        groups=tuple(builder.groups),
        pages=tuple(builder.pages),
        assignments=tuple(builder.assignments),
        modules=tuple(builder.modules),
        observers=observers_for(cohort.pairings if pairings is None else pairings),
        tool=DesiredTool(tool_base_url.rstrip("/"), cohort.tool_client_id),
    )
