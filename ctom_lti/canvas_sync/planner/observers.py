"""Planning mentor observer links: a mentor observes each candidate they are paired with."""

from __future__ import annotations

from ctom_lti.canvas_sync.actions import Blocked, CreateObserver, Kind, Ref
from ctom_lti.canvas_sync.planner.identity import find_observer
from ctom_lti.canvas_sync.planner.state import PlanState
from ctom_lti.canvas_sync.snapshot import OBSERVER, STUDENT


def plan_observers(state: PlanState) -> None:
    enrollments = state.snap.enrollments
    students = {
        e.sis_user_id: e.user_id for e in enrollments if e.type == STUDENT and e.sis_user_id
    }
    live = [e for e in enrollments if e.type == OBSERVER and e.enrollment_state != "deleted"]
    claimed: set[int] = set()
    for want in state.desired.observers:
        title = f"{want.mentor_sis_id} observes {want.candidate_sis_id}"
        candidate = students.get(want.candidate_sis_id)
        entry = state.mapping.get(want.key)
        found, how = find_observer(live, want.mentor_sis_id, candidate, entry, claimed)
        if found is not None and candidate is not None and found.associated_user_id != candidate:
            found = None
        if found is not None:
            claimed.add(found.id)
            state.adopt(Kind.OBSERVER, want.key, title, Ref(found.id), how)
            state.unchanged.append(want.key)
        elif candidate is None:
            state.add(
                Blocked(
                    Kind.OBSERVER,
                    want.key,
                    title,
                    fails=False,
                    reason=(
                        f"candidate {want.candidate_sis_id} is not a student of the course "
                        "yet; the mentor link is made by a later sync once they are enrolled"
                    ),
                )
            )
        else:
            state.add(
                CreateObserver(
                    Kind.OBSERVER,
                    want.key,
                    title,
                    observer=want,
                    candidate_user_id=candidate,
                    deps=state.course_deps,
                )
            )
