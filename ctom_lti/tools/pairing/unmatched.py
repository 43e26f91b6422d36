"""Why a candidate was left out of a proposal, in words an administrator can act on."""

from __future__ import annotations

import numpy as np

from ctom_lti.tools.pairing.pair_table import IntArray, PairTable


def _mentors(n: int) -> str:
    return f"{n} mentor" if n == 1 else f"{n} mentors"


def _places(n: int) -> str:
    return f"{n} free place" if n == 1 else f"{n} free places"


def why_unmatched(row: int, table: PairTable, free: IntArray, mentor_of: IntArray) -> str:
    """The most specific reason candidate ``row`` has no mentor in this proposal."""
    total = table.eligible.size
    if total == 0:
        return "There are no mentors in this cohort yet: add mentor profiles."
    if not table.eligible.any():
        return (
            f"No mentor is eligible yet: none of the {_mentors(total)} has every required "
            "qualification shown."
        )
    if not table.allowed[row].any():
        return _every_eligible_mentor_ruled_out(row, table)
    return _no_place_left(row, table, free, mentor_of)


def _every_eligible_mentor_ruled_out(row: int, table: PairTable) -> str:
    eligible = int(table.eligible.sum())
    conflicted = int((table.eligible & table.conflict[row]).sum())
    repeated = int((table.eligible & ~table.conflict[row] & table.repeat[row]).sum())
    if conflicted == eligible:
        return (
            f"Every eligible mentor ({eligible}) has a conflict of interest with this "
            "candidate (named as a conflict, or the same organisation)."
        )
    if repeated == eligible:
        return (
            f"This candidate's earlier pairing with every eligible mentor ({eligible}) has "
            "ended; allow repeats to pair them again."
        )
    return (
        f"Every eligible mentor ({eligible}) is ruled out: {conflicted} by a conflict of "
        f"interest, {repeated} by an ended pairing with this candidate."
    )


def _no_place_left(row: int, table: PairTable, free: IntArray, mentor_of: IntArray) -> str:
    allowed = table.allowed[row]
    with_room = allowed & (free > 0)
    if not with_room.any():
        compatible = int(allowed.sum())
        if compatible == 1:
            return (
                "The only mentor this candidate may be paired with is full (no free place left "
                "in their capacity): raise their capacity or add a mentor."
            )
        return (
            f"All {_mentors(compatible)} this candidate may be paired with are full (no free "
            "place left in their capacity): raise a capacity or add a mentor."
        )
    places = int(free[with_room].sum())
    taken = int(np.isin(mentor_of, np.flatnonzero(with_room)).sum())
    return (
        f"The {_places(places)} of the {_mentors(int(with_room.sum()))} this candidate may be "
        f"paired with all went to other candidates ({taken} placed there), and no arrangement "
        "places everyone: raise a capacity or add a mentor."
    )
