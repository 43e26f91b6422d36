"""Assignment JSON as Canvas renders it (canvas-rest.md §4.9): the field set of the edulinq-real
capture, with the external tool tag when the assignment launches a tool."""

from __future__ import annotations

import uuid
from typing import Any

from ctom_lti.sandbox.coursework_records import Assignment
from ctom_lti.sandbox.rest.auth import store
from ctom_lti.sandbox.rest.render import api_url, host
from ctom_lti.sandbox.timestamps import iso


def _lti_context_id(a: Assignment) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, store().opaque_id(f"assignment_{a.id}")))


def assignment_json(a: Assignment) -> dict[str, Any]:
    """Assignment JSON, the modern field set of the edulinq-real capture (§4.9)."""
    s = store()
    subs = [x for x in s.submissions.values() if x.assignment_id == a.id]
    data: dict[str, Any] = {
        "id": a.id,
        "description": a.description,
        "due_at": iso(a.due_at),
        "unlock_at": iso(a.unlock_at),
        "lock_at": iso(a.lock_at),
        "points_possible": a.points_possible,
        "grading_type": a.grading_type,
        "assignment_group_id": a.assignment_group_id,
        "grading_standard_id": None,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "peer_reviews": False,
        "automatic_peer_reviews": False,
        "position": a.position,
        "grade_group_students_individually": False,
        "anonymous_peer_reviews": False,
        "group_category_id": None,
        "post_to_sis": False,
        "moderated_grading": False,
        "omit_from_final_grade": a.omit_from_final_grade,
        "intra_group_peer_reviews": False,
        "anonymous_instructor_annotations": False,
        "anonymous_grading": False,
        "graders_anonymous_to_graders": False,
        "grader_count": 0,
        "grader_comments_visible_to_graders": True,
        "final_grader_id": None,
        "grader_names_visible_to_final_grader": True,
        "allowed_attempts": -1,
        "annotatable_attachment_id": None,
        "hide_in_gradebook": False,
        "secure_params": s.opaque_id(f"secure_assignment_{a.id}"),
        "lti_context_id": _lti_context_id(a),
        "course_id": a.course_id,
        "name": a.name,
        "submission_types": list(a.submission_types),
        "has_submitted_submissions": any(x.submitted_at for x in subs),
        "due_date_required": False,
        "max_name_length": 255,
        "in_closed_grading_period": False,
        "graded_submissions_exist": any(x.workflow_state == "graded" for x in subs),
        "is_quiz_assignment": False,
        "can_duplicate": True,
        "original_course_id": None,
        "original_assignment_id": None,
        "original_lti_resource_link_id": None,
        "original_assignment_name": None,
        "original_quiz_id": None,
        "workflow_state": "published" if a.published else "unpublished",
        "important_dates": False,
        "muted": a.post_manually,
        "html_url": f"{host()}/courses/{a.course_id}/assignments/{a.id}",
        "sis_assignment_id": a.sis_assignment_id,
        "integration_id": a.integration_id,
        "integration_data": dict(a.integration_data),
        "published": a.published,
        # app/models/assignment.rb can_unpublish?: only what students handed in blocks it
        # (has_student_submissions? = submissions.having_submission); grades a teacher
        # entered on unsubmitted work do not.
        "unpublishable": not any(x.submitted_at for x in subs),
        "only_visible_to_overrides": False,
        "visible_to_everyone": True,
        "locked_for_user": False,
        "submissions_download_url": (
            f"{host()}/courses/{a.course_id}/assignments/{a.id}/submissions?zip=1"
        ),
        "post_manually": a.post_manually,
        "anonymize_students": False,
        "require_lockdown_browser": False,
        "restrict_quantitative_data": False,
        "needs_grading_count": sum(1 for x in subs if x.workflow_state == "submitted"),
        "has_overrides": False,
    }
    if "external_tool" in a.submission_types:
        tag: dict[str, Any] = {
            "url": a.external_tool_url,
            "new_tab": a.external_tool_new_tab,
            "resource_link_id": a.resource_link_id,
            "external_data": "",
            "content_type": "ContextExternalTool",
            "custom_params": a.external_tool_custom_params,
        }
        if a.external_tool_id:
            tag["content_id"] = a.external_tool_id
        data["external_tool_tag_attributes"] = tag
        data["url"] = api_url(
            f"courses/{a.course_id}/external_tools/sessionless_launch"
            f"?assignment_id={a.id}&launch_type=assessment"
        )
    return data
