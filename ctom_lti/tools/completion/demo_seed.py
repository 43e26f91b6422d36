"""Completion in ``ctom-lti demo``: the sandbox gradebook graded as an instructor would, with a
known mix so the cohort table shows every kind of reason.

Every candidate has the work due so far graded complete and the sessions held so far attended;
then, in sortable-name order, the first has everything graded complete (ahead of time), the
second was absent from session 2, the third's absence from session 3 is excused, the fourth
handed in the class oral presentation and waits for its grade. Grades go through the sandbox's
REST API (the bulk grading endpoint an instructor's gradebook uses); the one hand-in is written
into the sandbox's store, as the student's upload would be. Returned mentor reports come from the
reports feature's own demo seed.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import requests

from ctom_lti.cohorts import load_cohort
from ctom_lti.cohorts.calendar import calendar_of
from ctom_lti.cohorts.records import find_cohort
from ctom_lti.curriculum import load_curriculum
from ctom_lti.db import session_scope
from ctom_lti.features import DemoSeedContext
from ctom_lti.tools.completion.gradebook import spec_keys

COMPLETE, ABSENT, EXCUSED, HANDED_IN = range(4)


def _plan(
    keys: dict[int, str], due: dict[int, date | None], held: set[str], today: date, n: int
) -> dict[int, dict[str, str]]:
    """What the instructor records for candidate number ``n``: {assignment id: grade data}."""
    grades: dict[int, dict[str, str]] = {}
    for aid, key in keys.items():
        attendance = key.endswith("-attendance")
        done = (
            key.removesuffix("-attendance") in held if attendance else (due[aid] or today) < today
        )
        if n == COMPLETE or done:
            grades[aid] = {"posted_grade": "complete"}
    by_key = {key: aid for aid, key in keys.items()}
    if n == ABSENT:
        grades[by_key["session-2-attendance"]] = {"posted_grade": "incomplete"}
    if n == EXCUSED:
        grades[by_key["session-3-attendance"]] = {"excuse": "true"}
    if n == HANDED_IN:
        grades.pop(by_key["class-oral-presentation"], None)
    return grades


def _grade(base_url: str, token: str, course_id: int, data: dict[str, str]) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    api = f"{base_url}/api/v1"
    reply = http.post(f"{api}/courses/{course_id}/submissions/update_grades", data=data, timeout=30)
    reply.raise_for_status()
    progress = reply.json()
    for _ in range(200):
        if progress.get("workflow_state") in {"completed", "failed"}:
            break
        time.sleep(0.05)
        progress = http.get(f"{api}/progress/{progress['id']}", timeout=30).json()
    if progress.get("workflow_state") != "completed":
        raise RuntimeError(f"grading the demo gradebook did not finish: {progress}")


def seed_demo(context: DemoSeedContext) -> None:
    """The completion feature's part of ``ctom-lti demo``."""
    if not context.populate:
        return
    config = load_cohort(context.cohort_file, load_curriculum())
    today = date.today()
    with session_scope(context.app) as session:
        cohort = find_cohort(session, config.sis_course_id)
        assignment_keys, _ = spec_keys(session, cohort)
        calendar = calendar_of(cohort)
        course_id = int(cohort.canvas_course_id or 0)
    held = {s.key for s in (calendar.sessions if calendar else ()) if s.last_day < today}
    store: Any = context.sandbox.store
    due = {
        aid: (a.due_at.date() if a.due_at else None)
        for aid, a in store.assignments.items()
        if aid in assignment_keys
    }
    keys = {aid: key for aid, key in assignment_keys.items() if aid in due}
    students = sorted(store.students_of(course_id), key=lambda uid: store.users[uid].sortable_name)
    data: dict[str, str] = {}
    for n, uid in enumerate(students):
        for aid, fields in _plan(keys, due, held, today, n).items():
            for name, value in fields.items():
                data[f"grade_data[{aid}][{uid}][{name}]"] = value
    if data:
        _grade(context.sandbox.base_url, context.admin_token, course_id, data)
    if len(students) > HANDED_IN:
        talk = next(aid for aid, key in keys.items() if key == "class-oral-presentation")
        with store.lock:
            sub = store.submission_for(talk, students[HANDED_IN])
            sub.workflow_state, sub.submission_type = "submitted", "online_upload"
            sub.submitted_at = sub.updated_at
            sub.attempt = 1
    names = [store.users[uid].name for uid in students[: HANDED_IN + 1]]
    if len(names) > HANDED_IN:
        context.say(
            f"Completion: {names[COMPLETE]} has every Canvas duty graded complete, "
            f"{names[ABSENT]} missed session 2, {names[EXCUSED]} was excused from session 3, "
            f"{names[HANDED_IN]}'s class presentation waits for its grade."
        )
