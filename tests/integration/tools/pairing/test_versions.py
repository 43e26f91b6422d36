"""Two admins acting on the same pairing: the second, from an older version, is caught."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from ctom_lti.db import session_scope
from ctom_lti.tools.pairing.lifecycle import end
from ctom_lti.tools.pairing.models import Pairing
from ctom_lti.tools.pairing.proposals import accept, reject

from .support import PEOPLE, SIS, record_cohort, run, write_csv


def test_a_change_from_an_older_version_is_refused_and_writes_nothing(
    app: Flask, tmp_path: Path
) -> None:
    record_cohort(app, tmp_path)
    run(app, "import", "--cohort", SIS, str(write_csv(tmp_path, PEOPLE)))
    run(app, "propose", "--cohort", SIS)
    with session_scope(app) as s:
        first = s.scalars(select(Pairing).order_by(Pairing.id)).first()
        assert first is not None
        pairing_id, cohort_id, version = first.id, first.cohort_id, first.version
    with session_scope(app) as s:
        assert accept(s, cohort_id, pairing_id, version, on=date(2026, 9, 1)).done
    with session_scope(app) as s:
        # A second admin still looking at the proposal tries to reject it, then to end it.
        assert (
            reject(s, cohort_id, pairing_id, version).refused
            == "That pairing is active, not proposed."
        )
        stale = end(s, cohort_id, pairing_id, version, on=date(2026, 10, 1), reason="Typo")
        assert stale.stale and not stale.done
    with session_scope(app) as s:
        row = s.get(Pairing, pairing_id)
        assert row is not None
        assert (row.status, row.ended_on, row.version) == ("active", None, version + 1)
