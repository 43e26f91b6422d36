"""Course sections (canvas-rest.md §4.3)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ctom_lti.sandbox.course_records import Section
from ctom_lti.sandbox.rest import errors
from ctom_lti.sandbox.rest.auth import (
    find_course,
    find_section,
    require_manage,
    require_read,
    store,
)
from ctom_lti.sandbox.rest.pagination import paginate
from ctom_lti.sandbox.rest.params import opt_str, params, parse_time, section, str_list
from ctom_lti.sandbox.timestamps import iso

bp = Blueprint("sections", __name__)


def section_json(sec: Section, includes: set[str] | None = None) -> dict[str, Any]:
    s = store()
    course = s.courses[sec.course_id]
    data: dict[str, Any] = {
        "id": sec.id,
        "course_id": sec.course_id,
        "name": sec.name,
        "start_at": iso(sec.start_at),
        "end_at": iso(sec.end_at),
        "created_at": iso(course.created_at),
        "restrict_enrollments_to_section_dates": False,
        "nonxlist_course_id": None,
        "sis_section_id": sec.sis_section_id,
        "sis_course_id": course.sis_course_id,
        "integration_id": sec.integration_id,
        "sis_import_id": None,
    }
    includes = includes or set()
    if "total_students" in includes or "students" in includes:
        students = [
            e.user_id
            for e in s.enrollments_in(sec.course_id)
            if e.course_section_id == sec.id and e.type == "StudentEnrollment"
        ]
        if "total_students" in includes:
            data["total_students"] = len(students)
        if "students" in includes:
            from ctom_lti.sandbox.rest.render import user_json

            data["students"] = [user_json(s.users[uid]) for uid in sorted(set(students))] or None
    return data


def _course_sections(course_id: int) -> list[Section]:
    return sorted(
        (x for x in store().sections.values() if x.course_id == course_id), key=lambda x: x.id
    )


@bp.get("/courses/<course_id>/sections")
def list_sections(course_id: str) -> Response:
    course = find_course(course_id)
    require_read(course)
    includes = set(str_list(params().get("include")))
    return paginate(_course_sections(course.id), lambda x: section_json(x, includes))


# canvas-rest.md §4.3 (create; duplicate SIS id → 400)
@bp.post("/courses/<course_id>/sections")
def create_section(course_id: str) -> Response:
    course = find_course(course_id)
    require_manage(course)
    fields = section(params(), "course_section")
    s = store()
    with s.lock:
        sis = opt_str(fields, "sis_section_id") or None
        if sis and any(x.sis_section_id == sis for x in s.sections.values()):
            raise errors.model_errors({"sis_source_id": [f'SIS ID "{sis}" is already in use']})
        sec = Section(
            id=s.next_id("sections"),
            course_id=course.id,
            name=opt_str(fields, "name") or "Section",
            sis_section_id=sis,
            integration_id=opt_str(fields, "integration_id") or None,
            start_at=parse_time(fields.get("start_at"), "start_at"),
            end_at=parse_time(fields.get("end_at"), "end_at"),
        )
        s.sections[sec.id] = sec
    return jsonify(section_json(sec))


@bp.get("/sections/<section_id>")
@bp.get("/courses/<course_id>/sections/<section_id>")
def get_section(section_id: str, course_id: str | None = None) -> Response:
    course = find_course(course_id) if course_id else None
    sec = find_section(section_id, course)
    require_read(store().courses[sec.course_id])
    return jsonify(section_json(sec, set(str_list(params().get("include")))))


@bp.put("/sections/<section_id>")
def update_section(section_id: str) -> Response:
    sec = find_section(section_id)
    require_manage(store().courses[sec.course_id])
    fields = section(params(), "course_section")
    if opt_str(fields, "name"):
        sec.name = str(fields["name"])
    if "start_at" in fields:
        sec.start_at = parse_time(fields["start_at"], "start_at")
    if "end_at" in fields:
        sec.end_at = parse_time(fields["end_at"], "end_at")
    return jsonify(section_json(sec))
