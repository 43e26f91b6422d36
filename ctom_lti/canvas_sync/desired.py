"""The desired course: curriculum + course spec + cohort file, expanded into plain objects.

:func:`desired_course` is pure. Every object it produces carries a *desired key* that stays the
same from run to run (``page:principle-infrastructure-overview``, ``module:strand-technology``,
``observer:<mentor sis id>:<candidate sis id>``); the sync mapping table ties these keys to Canvas
ids, and the planner compares these objects with a snapshot of the real course.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ctom_lti.canvas_sync.spec import CourseSpec, ItemSpec, ModuleSpec
from ctom_lti.canvas_sync.template import render
from ctom_lti.cohorts import REGIONS, CohortConfig, Pairing, SessionPlan
from ctom_lti.cohorts.tomlsource import InputFileError, Problem
from ctom_lti.curriculum.loader import Curriculum, Principle, Strand
from ctom_lti.links import PageLink, launch_url

#: Canvas module item types sync uses.
SUBHEADER, PAGE, ASSIGNMENT, EXTERNAL_TOOL = "SubHeader", "Page", "Assignment", "ExternalTool"
_ITEM_TYPES = {"subheader": SUBHEADER, "page": PAGE, "assignment": ASSIGNMENT}


def tool_launch_url(base_url: str, target: str, principle: str | None = None) -> str:
    """The URL a module item opens the tool with: its LTI launch URL plus the page to land on.

    ``target`` is a page name of ``ctom_lti.links`` (``reflection``, ``reports``, ``pairing``,
    ``home``) and ``principle`` a curriculum principle key. Canvas launches an ExternalTool item
    with its URL as the ``target_link_uri`` claim, which the tool's landing reads.
    """
    return launch_url(base_url, PageLink(target, principle))


@dataclass(frozen=True)
class CourseSettings:
    name: str
    course_code: str
    #: Canvas ``sis_course_id``: how the course is found again
    sis_course_id: str
    #: Canvas account id or ``sis_account_id:X`` to create the course in
    account_id: int | str
    start_at: datetime | None
    end_at: datetime | None
    restrict_enrollments_to_course_dates: bool
    default_view: str
    time_zone: str
    publish: bool


@dataclass(frozen=True)
class DesiredGroup:
    key: str
    name: str
    position: int


@dataclass(frozen=True)
class DesiredPage:
    key: str
    title: str
    body: str
    published: bool = True


@dataclass(frozen=True)
class DesiredAssignment:
    key: str
    name: str
    group_key: str
    description: str
    submission_types: tuple[str, ...]
    grading_type: str
    points_possible: float
    due_at: datetime | None
    published: bool = True


@dataclass(frozen=True)
class DesiredItem:
    key: str
    #: Canvas module item type: SubHeader | Page | Assignment | ExternalTool
    type: str
    title: str
    indent: int = 0
    #: desired key of the page or assignment the item shows
    content_key: str | None = None
    #: launch URL of an ExternalTool item
    external_url: str | None = None
    new_tab: bool = False


@dataclass(frozen=True)
class DesiredModule:
    key: str
    name: str
    items: tuple[DesiredItem, ...]
    published: bool = True


@dataclass(frozen=True)
class DesiredObserver:
    """A mentor observing a candidate in Canvas (ObserverEnrollment with associated user)."""

    key: str
    #: SIS user id of the mentor (the observer)
    mentor_sis_id: str
    #: SIS user id of the candidate (a student of the course)
    candidate_sis_id: str


@dataclass(frozen=True)
class DesiredTool:
    """The tool must be usable in the course: installed in it or in one of its accounts."""

    base_url: str
    #: LTI developer key id to install from when it is not installed yet (None: cannot install)
    client_id: str | None


@dataclass(frozen=True)
class DesiredCourse:
    settings: CourseSettings
    groups: tuple[DesiredGroup, ...]
    pages: tuple[DesiredPage, ...]
    assignments: tuple[DesiredAssignment, ...]
    modules: tuple[DesiredModule, ...]
    observers: tuple[DesiredObserver, ...]
    tool: DesiredTool

    @property
    def uses_tool(self) -> bool:
        return any(i.type == EXTERNAL_TOOL for m in self.modules for i in m.items)


# --- formatting helpers -----------------------------------------------------------------------


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(at: time) -> str:
    return f"{at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"


def _html_list(entries: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(e, quote=False)}</li>" for e in entries) + "</ul>"


def _local(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def session_start(session: SessionPlan, zone: str) -> datetime:
    """When a session starts, in UTC."""
    return _local(session.date, session.start, zone)


def _session_line(s: SessionPlan) -> str:
    return (
        f"Session {s.number}: {s.title}, {long_date(s.date)} at {clock(s.start)}, "
        f"{s.location} ({REGIONS[s.region]})"
    )


# --- contexts ---------------------------------------------------------------------------------


class _Contexts:
    """Placeholder values per scope (the names are declared in ``spec.py``)."""

    def __init__(self, curriculum: Curriculum, cohort: CohortConfig) -> None:
        self.curriculum = curriculum
        self.cohort = cohort
        self.base = {
            "cohort.name": cohort.name,
            "cohort.number": str(cohort.number),
            "cohort.course_code": cohort.course_code,
            "programme.name": curriculum.name,
            "term.start": long_date(cohort.term_start),
            "term.end": long_date(cohort.term_end),
            "duties.candidate_html": _html_list(curriculum.candidate_duties),
            "duties.mentor_html": _html_list(curriculum.mentor_duties),
            "qualifications.mentor_html": _html_list(curriculum.mentor_qualifications),
            "sessions.schedule_html": _html_list(_session_line(s) for s in cohort.sessions),
        }
        self.principle_number = {p.key: i for i, p in enumerate(curriculum.principles, 1)}

    def strand(self, strand: Strand) -> dict[str, str]:
        number = [s.key for s in self.curriculum.strands].index(strand.key) + 1
        return {
            "strand.key": strand.key,
            "strand.name": strand.name,
            "strand.number": str(number),
            "strand.principles_html": _html_list(p.name for p in strand.principles),
        }

    def principle(self, principle: Principle) -> dict[str, str]:
        session_no = self.cohort.principle_sessions.get(principle.key)
        due = (
            long_date(self.cohort.session(session_no).date)
            if session_no
            else "when the instructor announces it"
        )
        return {
            "principle.key": principle.key,
            "principle.name": principle.name,
            "principle.number": str(self.principle_number[principle.key]),
            "principle.strand_name": self.curriculum.strand(principle.strand_key).name,
            "principle.topics_html": _html_list(principle.topics),
            "principle.due": due,
        }

    def session(self, session: SessionPlan) -> dict[str, str]:
        kickoff = session.format.startswith("kickoff")
        return {
            "session.key": session.key,
            "session.number": str(session.number),
            "session.title": session.title,
            "session.date": long_date(session.date),
            "session.location": session.location,
            "session.region": session.region,
            "session.region_name": REGIONS[session.region],
            "session.start": clock(session.start),
            "session.format_text": "a full day on Friday"
            if kickoff
            else "Friday evening and Saturday",
        }


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
        self.ctx = _Contexts(curriculum, cohort)
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
            return _local(self.cohort.term_start, time(0, 0), zone)
        if rule == "term.end":
            return _local(self.cohort.term_end, time(23, 59), zone)
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
        start_at=_local(cohort.term_start, time(0, 0), zone) if restrict else None,
        end_at=_local(cohort.term_end, time(23, 59), zone) if restrict else None,
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
