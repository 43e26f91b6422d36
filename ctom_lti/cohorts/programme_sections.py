"""The cohort file's programme sections: when each principle is due, and who mentors whom."""

from __future__ import annotations

from typing import Any

from ctom_lti.cohorts.config import Pairing
from ctom_lti.cohorts.file_checks import Checker
from ctom_lti.cohorts.tomlsource import PathPart
from ctom_lti.curriculum.loader import Curriculum


def parse_principle_sessions(
    check: Checker, raw: Any, curriculum: Curriculum, sessions: int
) -> dict[str, int]:
    if not isinstance(raw, dict):
        check.add(
            ("principle_sessions",),
            "[principle_sessions] must be a table of principle = session number",
        )
        return {}
    known = {p.key for p in curriculum.principles}
    result: dict[str, int] = {}
    for key, value in raw.items():
        here: tuple[PathPart, ...] = ("principle_sessions", key)
        if key not in known:
            check.add(
                here, f"unknown principle {key!r}; principles are: {', '.join(sorted(known))}"
            )
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= sessions:
            check.add(here, f"{key} must be a session number from 1 to {sessions}, not {value!r}")
            continue
        result[key] = value
    return result


def parse_pairings(check: Checker, raw: Any) -> list[Pairing]:
    if not isinstance(raw, list):
        check.add(("pairings",), "pairings must be [[pairings]] tables")
        return []
    pairings: list[Pairing] = []
    mentor_of: dict[str, str] = {}
    for index, entry in enumerate(raw):
        here: tuple[PathPart, ...] = ("pairings", index)
        if not isinstance(entry, dict):
            check.add(here, "each [[pairings]] needs mentor_sis_id and candidate_sis_ids")
            continue
        check.unknown_keys(entry, {"mentor_sis_id", "candidate_sis_ids"}, here, "key")
        mentor = check.get(entry, "mentor_sis_id", str, here)
        candidates = check.get(
            entry, "candidate_sis_ids", list, here, describe="a list of SIS user ids"
        )
        if mentor is None or candidates is None:
            continue
        if not candidates or not all(isinstance(c, str) and c.strip() for c in candidates):
            check.add(
                (*here, "candidate_sis_ids"),
                "candidate_sis_ids must list at least one SIS user id in quotes",
            )
            continue
        for cand in candidates:
            if cand == mentor:
                check.add((*here, "candidate_sis_ids"), f"{mentor!r} cannot mentor themselves")
            elif cand in mentor_of and mentor_of[cand] != mentor:
                check.add(
                    (*here, "candidate_sis_ids"),
                    f"candidate {cand!r} is already paired with mentor {mentor_of[cand]!r}; "
                    "a candidate has one mentor",
                )
            mentor_of[cand] = mentor
        pairings.append(
            Pairing(mentor.strip(), tuple(dict.fromkeys(c.strip() for c in candidates)))
        )
    return pairings
