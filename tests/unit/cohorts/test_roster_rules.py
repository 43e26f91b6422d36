"""Roster refresh decisions: who becomes known, who is marked inactive, whose roles stand."""

from __future__ import annotations

from ctom_lti.cohorts.roster_rules import KnownMembership, RosterEntry, plan_roster
from ctom_lti.models import Role

C, M, T, A = Role.CANDIDATE, Role.MENTOR, Role.INSTRUCTOR, Role.ADMIN


def entry(sub: str, *roles: Role, active: bool = True) -> RosterEntry:
    return RosterEntry(sub, frozenset(roles), active)


def known(sub: str, role: Role, status: str = "active", launched: bool = True) -> KnownMembership:
    return KnownMembership(sub, role, status, launched)


def test_people_who_never_launched_become_known_with_their_roster_roles() -> None:
    plan = plan_roster([entry("a", C), entry("t", T)], [])
    assert plan.active == (("a", C), ("t", T))
    assert plan.added == (("a", C), ("t", T))
    assert plan.new_people == ("a", "t")
    assert plan.inactive == ()


def test_people_who_left_are_marked_inactive_and_admins_are_left_alone() -> None:
    plan = plan_roster(
        [entry("stays", C)],
        [known("stays", C), known("left", C), known("left-mentor", M), known("boss", A)],
    )
    assert plan.inactive == (("left", C), ("left-mentor", M))
    assert plan.added == ()
    assert plan.new_people == ()


def test_a_person_listed_as_inactive_is_marked_inactive() -> None:
    plan = plan_roster([entry("a", C, active=False)], [known("a", C)])
    assert plan.active == ()
    assert plan.inactive == (("a", C),)


def test_someone_back_in_the_course_is_active_again() -> None:
    plan = plan_roster([entry("a", C)], [known("a", C, status="inactive")])
    assert plan.active == (("a", C),)
    assert plan.added == (("a", C),)
    assert plan.new_people == ()


def test_launched_roles_stand_over_the_rosters_reading_of_custom_roles() -> None:
    # A custom "Mentor" role on the student type: NRPS says Learner, the launch said mentor.
    plan = plan_roster([entry("m", C)], [known("m", M)])
    assert plan.active == (("m", M),)
    assert plan.added == ()
    assert plan.inactive == ()


def test_roles_the_roster_no_longer_gives_end_for_people_who_never_launched() -> None:
    plan = plan_roster([entry("x", T)], [known("x", C, launched=False)])
    assert plan.active == (("x", T),)
    assert plan.inactive == (("x", C),)
