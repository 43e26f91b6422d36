"""Pure pairing rules: who may mentor, which pairs are forbidden, and how good a pair is.

No I/O here: callers gather the facts (profiles, loads, ended pairings) into the frozen dataclasses
below and get decisions back, each with the reasons an administrator reads on the page.

The score is transparent on purpose: a few integer parts, each with a sentence, weighted by the
module constants below so an administrator can see why one mentor beat another:

- **expertise**: 10 points per growth area of the candidate that the mentor has expertise in;
- **region**: 15 points when both are in the same half of the state (the monthly classes
  alternate between Northern and Southern California, so they can travel together);
- **preference**: 25 points when the candidate named this mentor as preferred;
- **load** (added by the matching): -4 points for each mentee the mentor already has, counting
  earlier ones of the same proposal, so candidates spread over mentors when the rest is close.

The matching places as many candidates as it can before it looks at the score at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# -- Mentor qualifications (the programme's checklist, in the order it is shown) -------------------

#: The seed's mentor qualifications, by key, in the order the programme lists them.
QUALIFICATIONS: Final[tuple[str, ...]] = (
    "ten_years",
    "current_leader",
    "hands_on",
    "credential",
    "time",
    "work_study",
)
#: What each qualification means, as the programme words it.
QUALIFICATION_LABELS: Final[dict[str, str]] = {
    "ten_years": "At least 10 years leading K-12 technology (preferred)",
    "current_leader": "Currently a K-12 technology leader",
    "hands_on": "Hands-on K-12 technology experience",
    "credential": "Business degree, CTO certification or demonstrated experience",
    "time": "Time to consult and review the candidate's work",
    "work_study": "Able to supervise work-study",
}
#: Every qualification but the ten years, which is preferred, not required.
REQUIRED_QUALIFICATIONS: Final[tuple[str, ...]] = tuple(
    k for k in QUALIFICATIONS if k != "ten_years"
)
PREFERRED_YEARS: Final = 10

# -- Score weights (points; documented on the proposals page) -------------------------------------

#: Per growth area of the candidate that the mentor lists as expertise.
EXPERTISE_POINTS_PER_AREA: Final = 10
#: Both in the same region: the monthly classes alternate north/south, so they can travel together.
SAME_REGION_POINTS: Final = 15
#: The candidate named this mentor among their preferred mentors.
PREFERRED_MENTOR_POINTS: Final = 25
#: Taken off for each mentee the mentor already has (including earlier ones of this proposal), so
#: the matching spreads candidates over mentors when the other parts are close.
LOAD_PENALTY_PER_MENTEE: Final = 4

REGIONS: Final[tuple[str, ...]] = ("north", "south")
REGION_LABELS: Final[dict[str, str]] = {
    "north": "Northern California",
    "south": "Southern California",
}


@dataclass(frozen=True)
class MentorFacts:
    """What the rules need of a mentor (ids are the tool's person ids)."""

    person_id: int
    email: str
    organisation: str | None
    region: str | None  # "north" / "south"
    expertise: frozenset[str]
    capacity: int
    qualifications: frozenset[str]
    years: int | None
    #: People this mentor must not be paired with (a conflict named on the mentor's side).
    conflict_ids: frozenset[int] = field(default=frozenset())


@dataclass(frozen=True)
class CandidateFacts:
    """What the rules need of a candidate."""

    person_id: int
    email: str
    organisation: str | None
    region: str | None
    growth_areas: frozenset[str]
    preferred_mentor_ids: frozenset[int]
    conflict_ids: frozenset[int]


@dataclass(frozen=True)
class Eligibility:
    """Whether a mentor may be paired, with what is missing and notes for the administrator."""

    eligible: bool
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    #: ``missing`` then ``notes``: everything to show beside the mentor.
    reasons: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reasons", self.missing + self.notes)


@dataclass(frozen=True)
class ScorePart:
    name: str  # "expertise", "region", "preference", "load"
    points: int
    reason: str


@dataclass(frozen=True)
class ScoreBreakdown:
    parts: tuple[ScorePart, ...]
    total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum(p.points for p in self.parts))

    def with_part(self, part: ScorePart) -> ScoreBreakdown:
        return ScoreBreakdown((*self.parts, part))


def has_preferred_years(m: MentorFacts) -> bool:
    """The preferred ten years: ticked on the checklist, or evident from the years given."""
    return "ten_years" in m.qualifications or (m.years is not None and m.years >= PREFERRED_YEARS)


def eligibility(m: MentorFacts) -> Eligibility:
    """Eligible when every required qualification is met; the ten years are only preferred."""
    missing = tuple(
        f"Not yet shown: {QUALIFICATION_LABELS[key]}"
        for key in REQUIRED_QUALIFICATIONS
        if key not in m.qualifications
    )
    notes: list[str] = []
    if not has_preferred_years(m):
        years = "" if m.years is None else f" ({m.years})"
        notes.append(
            f"Fewer than {PREFERRED_YEARS} years leading K-12 technology{years} (preferred, "
            "not required)"
        )
    if m.capacity <= 0:
        notes.append("Capacity is 0: no candidate can be assigned until it is raised")
    return Eligibility(eligible=not missing, missing=missing, notes=tuple(notes))


def same_organisation(a: str | None, b: str | None) -> bool:
    """Same district or office, ignoring case and spacing; an unknown organisation matches none."""
    na, nb = _normalise(a), _normalise(b)
    return bool(na) and na == nb


def _normalise(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


INELIGIBLE_MENTOR: Final = "the mentor is not yet eligible"


def conflict_reason(c: CandidateFacts, m: MentorFacts) -> str | None:
    """Why this pair is a conflict of interest, or None."""
    if c.person_id == m.person_id:
        return "a person cannot mentor themselves"
    if m.person_id in c.conflict_ids:
        return "conflict of interest: the candidate named this mentor as a conflict"
    if c.person_id in m.conflict_ids:
        return "conflict of interest: the mentor named this candidate as a conflict"
    if same_organisation(c.organisation, m.organisation):
        return f"conflict of interest: both work at {' '.join((m.organisation or '').split())}"
    return None


def hard_constraint_violation(
    c: CandidateFacts,
    m: MentorFacts,
    *,
    ended_pairs: frozenset[tuple[int, int]],
    allow_repeat: bool = False,
) -> str | None:
    """None when the pair is allowed; otherwise the first rule it breaks, in words.

    ``ended_pairs`` holds ``(candidate_id, mentor_id)`` of pairings that have ended. Capacity is
    not checked here: it depends on the other pairs, and the matching enforces it.
    """
    verdict = eligibility(m)
    if not verdict.eligible:
        labels = [
            QUALIFICATION_LABELS[k] for k in REQUIRED_QUALIFICATIONS if k not in m.qualifications
        ]
        shown = "; ".join(label[0].lower() + label[1:] for label in labels)
        return f"{INELIGIBLE_MENTOR} (not yet shown: {shown})"
    conflict = conflict_reason(c, m)
    if conflict is not None:
        return conflict
    if not allow_repeat and (c.person_id, m.person_id) in ended_pairs:
        return "repeat of an ended pairing (an administrator can allow it)"
    return None


def score(c: CandidateFacts, m: MentorFacts) -> ScoreBreakdown:
    """The pair's score before load: expertise over growth areas, region, preference."""
    parts: list[ScorePart] = []
    covered = sorted(c.growth_areas & m.expertise)
    if c.growth_areas:
        reason = f"covers {len(covered)} of {len(c.growth_areas)} growth areas" + (
            f": {', '.join(covered)}" if covered else ""
        )
        parts.append(ScorePart("expertise", EXPERTISE_POINTS_PER_AREA * len(covered), reason))
    if c.region and c.region == m.region:
        label = REGION_LABELS.get(c.region, c.region)
        parts.append(ScorePart("region", SAME_REGION_POINTS, f"both in {label}"))
    if m.person_id in c.preferred_mentor_ids:
        parts.append(
            ScorePart("preference", PREFERRED_MENTOR_POINTS, "the candidate asked for this mentor")
        )
    return ScoreBreakdown(tuple(parts))


def load_points(existing_mentees: int) -> int:
    """Points for giving a mentor one more mentee when they already have ``existing_mentees``."""
    return -LOAD_PENALTY_PER_MENTEE * max(existing_mentees, 0)


def load_part(existing_mentees: int) -> ScorePart:
    """The ``load`` part of a proposed pair: the mentor's n-th mentee costs a little more."""
    n = existing_mentees + 1
    if existing_mentees <= 0:
        return ScorePart("load", 0, "the mentor's first mentee")
    return ScorePart(
        "load", load_points(existing_mentees), f"the mentor's {_ordinal(n)} mentee (balances load)"
    )


def pair_score(c: CandidateFacts, m: MentorFacts, *, existing_mentees: int) -> ScoreBreakdown:
    """The score of giving ``m`` one more mentee, ``c``, when they already have
    ``existing_mentees``: what a proposal shows for each pair, and a hand pair's score."""
    return score(c, m).with_part(load_part(existing_mentees))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
