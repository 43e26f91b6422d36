"""Test data: the snapshot Canvas would report for a course that matches a desired course."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from importlib import resources

from ctom_lti.canvas.dto import (
    CanvasAssignment,
    CanvasAssignmentGroup,
    CanvasCourse,
    CanvasEnrollment,
    CanvasExternalTool,
    CanvasModule,
    CanvasModuleItem,
    CanvasPage,
)
from ctom_lti.canvas_sync.desired import desired_course
from ctom_lti.canvas_sync.desired_objects import ASSIGNMENT, EXTERNAL_TOOL, PAGE, DesiredCourse
from ctom_lti.canvas_sync.planner.identity import MARKER, TOOL_KEY, MappingEntry, digest
from ctom_lti.canvas_sync.snapshot import CourseSnapshot
from ctom_lti.canvas_sync.spec import load_spec
from ctom_lti.cohorts import parse_cohort
from ctom_lti.cohorts.tomlsource import TomlSource
from ctom_lti.curriculum.loader import load_curriculum

TOOL_URL = "https://tool.example.edu"
COHORT = resources.files("ctom_lti.canvas_sync").joinpath("cohort.example.toml").read_text("utf-8")


def programme_course(cohort_text: str = COHORT) -> DesiredCourse:
    """The packaged spec expanded for the example cohort."""
    cohort = parse_cohort(TomlSource(cohort_text, "cohort.toml"), load_curriculum())
    return desired_course(load_curriculum(), load_spec(), cohort, tool_base_url=TOOL_URL)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


@dataclass
class Built:
    snapshot: CourseSnapshot
    mapping: dict[str, MappingEntry] = field(default_factory=dict)

    def without_mapping(self) -> Built:
        return Built(self.snapshot, {})


def tool(**changes: object) -> CanvasExternalTool:
    base = CanvasExternalTool(
        id=7, name="CTO Mentor", url=f"{TOOL_URL}/lti/launch", course_navigation=True
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def built(desired: DesiredCourse, *, students: dict[str, int] | None = None) -> Built:
    """Canvas after a perfect sync of ``desired`` (ids from 100 up), with its mapping rows."""
    ids = itertools.count(100)
    s = desired.settings
    mapping: dict[str, MappingEntry] = {}

    def remember(key: str, kind: str, canvas_id: int, text: str | None = None) -> None:
        mapping[key] = MappingEntry(key, kind, canvas_id, True, digest(text), digest(text))

    course = CanvasCourse(
        id=1,
        name=s.name,
        course_code=s.course_code,
        workflow_state="unpublished",
        account_id=1,
        sis_course_id=s.sis_course_id,
        start_at=s.start_at,
        end_at=s.end_at,
        restrict_enrollments_to_course_dates=s.restrict_enrollments_to_course_dates,
        default_view=s.default_view,
        time_zone=s.time_zone,
    )
    remember("course", "course", 1)
    remember(TOOL_KEY, "tool", 7)
    groups = []
    group_ids: dict[str, int] = {}
    for position, g in enumerate(desired.groups, 1):
        gid = next(ids)
        group_ids[g.key] = gid
        groups.append(CanvasAssignmentGroup(gid, g.name, position, {MARKER: g.key}))
        remember(g.key, "group", gid)
    pages = []
    page_refs: dict[str, tuple[int, str]] = {}
    for p in desired.pages:
        pid = next(ids)
        page_refs[p.key] = (pid, slug(p.title))
        pages.append(CanvasPage(pid, slug(p.title), p.title, p.published, p.body))
        remember(p.key, "page", pid, p.body)
    assignments = []
    assignment_ids: dict[str, int] = {}
    for a in desired.assignments:
        aid = next(ids)
        assignment_ids[a.key] = aid
        assignments.append(
            CanvasAssignment(
                id=aid,
                name=a.name,
                assignment_group_id=group_ids[a.group_key],
                position=1,
                points_possible=a.points_possible,
                grading_type=a.grading_type,
                submission_types=a.submission_types,
                published=a.published,
                due_at=a.due_at,
                description=a.description,
                integration_data={MARKER: a.key},
            )
        )
        remember(a.key, "assignment", aid, a.description)
    modules = []
    for position, m in enumerate(desired.modules, 1):
        mid = next(ids)
        items = []
        for item_position, i in enumerate(m.items, 1):
            iid = next(ids)
            content_id = None
            page_url = None
            if i.type == ASSIGNMENT and i.content_key:
                content_id = assignment_ids[i.content_key]
            elif i.type == PAGE and i.content_key:
                content_id, page_url = page_refs[i.content_key]
            elif i.type == EXTERNAL_TOOL:
                content_id = 7
            items.append(
                CanvasModuleItem(
                    id=iid,
                    module_id=mid,
                    position=item_position,
                    title=i.title,
                    type=i.type,
                    indent=i.indent,
                    content_id=content_id,
                    page_url=page_url,
                    external_url=i.external_url,
                    new_tab=i.new_tab,
                    published=True,
                )
            )
            remember(i.key, "item", iid)
        modules.append(CanvasModule(mid, m.name, position, True, tuple(items), len(items)))
        remember(m.key, "module", mid)
    enrollments = []
    for sis, user_id in (students or {}).items():
        enrollments.append(
            CanvasEnrollment(next(ids), user_id, "StudentEnrollment", "active", None, sis)
        )
    student_ids = students or {}
    for o in desired.observers:
        if o.candidate_sis_id in student_ids:
            eid = next(ids)
            enrollments.append(
                CanvasEnrollment(
                    eid,
                    5000 + len(enrollments),
                    "ObserverEnrollment",
                    "active",
                    student_ids[o.candidate_sis_id],
                    o.mentor_sis_id,
                )
            )
            remember(o.key, "observer", eid)
    snapshot = CourseSnapshot(
        course=course,
        modules=tuple(modules),
        pages=tuple(pages),
        assignments=tuple(assignments),
        groups=tuple(groups),
        enrollments=tuple(enrollments),
        tools=(tool(),),
    )
    return Built(snapshot, mapping)
