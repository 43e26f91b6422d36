"""Benchmark: the pairing's optimal matching on seeded random cohorts, against a greedy baseline.

For each size (candidates x mentors) the same seeded cohort is solved ``--repeat`` times; printed:
the median solve time (wall clock and CPU, as the machine may be shared), the candidates placed
and the total score of the optimal matching and of the greedy baseline (the optimum must never be
lower: first in candidates placed, then in score), and the hard-constraint violations of the
matching (every proposed pair checked by ``rules.hard_constraint_violation``, plus any mentor over
capacity or candidate placed twice; must be 0), and the process's peak memory so far (sizes run
smallest first, so each figure is that size's peak).

Targets (issue 9): well under 1 s for 1,000 candidates x 300 mentors, a few seconds for
5,000 x 1,500.

    .venv/bin/python benchmarks/pairing.py [--repeat 3] [--seed 9]
        [--sizes 40x15,1000x300,5000x1500]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from ctom_lti.tools.pairing.baseline import greedy
from ctom_lti.tools.pairing.matching import Proposal, propose
from ctom_lti.tools.pairing.rules import (
    QUALIFICATIONS,
    REQUIRED_QUALIFICATIONS,
    CandidateFacts,
    MentorFacts,
    hard_constraint_violation,
)

PRINCIPLES = [f"principle-{k}" for k in range(16)]


@dataclass(frozen=True)
class Cohort:
    candidates: list[CandidateFacts]
    mentors: list[MentorFacts]
    current_load: dict[int, int]
    ended_pairs: frozenset[tuple[int, int]]


def random_cohort(n: int, m: int, seed: int) -> Cohort:
    """A cohort shaped like the programme's: about one mentor per three candidates, capacities of
    1-5, some mentors not yet eligible, organisations shared by a few people, a few named
    conflicts, preferences and ended pairings."""
    rng = random.Random(seed)
    organisations = [f"District {k}" for k in range(max(1, (n + m) // 6))]
    mentors = []
    for j in range(m):
        quals = set(REQUIRED_QUALIFICATIONS)
        if rng.random() < 0.1:
            quals.discard(rng.choice(REQUIRED_QUALIFICATIONS))
        if rng.random() < 0.6:
            quals.add(QUALIFICATIONS[0])
        mentors.append(
            MentorFacts(
                person_id=100_000 + j,
                email=f"mentor{j}@example.edu",
                organisation=rng.choice(organisations),
                region=rng.choice(("north", "south")),
                expertise=frozenset(rng.sample(PRINCIPLES, rng.randint(2, 8))),
                capacity=rng.randint(1, 5),
                qualifications=frozenset(quals),
                years=rng.randint(3, 30),
            )
        )
    mentor_ids = [x.person_id for x in mentors]
    candidates = [
        CandidateFacts(
            person_id=i,
            email=f"candidate{i}@example.edu",
            organisation=rng.choice(organisations),
            region=rng.choice(("north", "south")),
            growth_areas=frozenset(rng.sample(PRINCIPLES, rng.randint(1, 5))),
            preferred_mentor_ids=frozenset(rng.sample(mentor_ids, rng.randint(0, 2))),
            conflict_ids=frozenset(rng.sample(mentor_ids, 1))
            if rng.random() < 0.1
            else frozenset(),
        )
        for i in range(n)
    ]
    current_load = {mid: rng.randint(0, 1) for mid in rng.sample(mentor_ids, m // 10)}
    ended = frozenset((rng.randrange(n), rng.choice(mentor_ids)) for _ in range(n // 20))
    return Cohort(candidates, mentors, current_load, ended)


def violations(cohort: Cohort, proposal: Proposal) -> int:
    mentors = {x.person_id: x for x in cohort.mentors}
    candidates = {c.person_id: c for c in cohort.candidates}
    broken = sum(
        hard_constraint_violation(
            candidates[p.candidate_id], mentors[p.mentor_id], ended_pairs=cohort.ended_pairs
        )
        is not None
        for p in proposal.pairs
    )
    per_mentor = Counter(p.mentor_id for p in proposal.pairs)
    over = sum(
        max(0, k + cohort.current_load.get(mid, 0) - mentors[mid].capacity)
        for mid, k in per_mentor.items()
    )
    placed = Counter(p.candidate_id for p in proposal.pairs)
    twice = sum(k - 1 for k in placed.values())
    return broken + over + twice


def timed(cohort: Cohort, repeat: int) -> tuple[float, float, Proposal]:
    """Median wall time and median CPU time of ``propose`` (the machine may be shared)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        proposal = propose(
            cohort.candidates,
            cohort.mentors,
            current_load=cohort.current_load,
            ended_pairs=cohort.ended_pairs,
        )
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), proposal


def peak_mb() -> int:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--sizes", default="40x15,1000x300,5000x1500")
    args = parser.parse_args()
    header = (
        f"{'size':>11}  {'solve (median)':>14}  {'CPU (median)':>12}  {'placed':>11}  "
        f"{'greedy placed':>13}  "
        f"{'score':>8}  {'greedy score':>12}  {'not below greedy':>16}  {'violations':>10}  "
        f"{'peak memory':>11}"
    )
    print(header)
    for size in args.sizes.split(","):
        n, m = (int(x) for x in size.split("x"))
        cohort = random_cohort(n, m, args.seed)
        seconds, cpu, best = timed(cohort, args.repeat)
        base = greedy(
            cohort.candidates,
            cohort.mentors,
            current_load=cohort.current_load,
            ended_pairs=cohort.ended_pairs,
        )
        ours = (len(best.pairs), best.total)
        theirs = (len(base.pairs), base.total)
        print(
            f"{size:>11}  {seconds * 1000:>11.1f} ms  {cpu * 1000:>9.1f} ms  "
            f"{len(best.pairs):>5} / {n:<5}"
            f"{len(base.pairs):>13}  {best.total:>8}  {base.total:>12}  "
            f"{'yes' if ours >= theirs else 'NO':>16}  "
            f"{violations(cohort, best):>10}  {peak_mb():>8} MB"
        )


if __name__ == "__main__":
    main()
