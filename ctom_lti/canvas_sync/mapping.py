"""Reading and writing the sync mapping (desired key -> Canvas id) for one course.

Rows are committed one by one, the moment Canvas confirms a create: if the run dies right after,
the next run still knows the object is sync's and does not make it again. This is the one place
sync commits on its own rather than leaving it to the caller.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ctom_lti.canvas_sync.models import SyncMapping
from ctom_lti.canvas_sync.planner.identity import MappingEntry


class MappingStore:
    """The mapping rows of the course with ``sis_course_id`` on the Canvas at ``canvas_url``."""

    def __init__(
        self, session: Session, canvas_url: str, sis_course_id: str, cohort_id: int | None = None
    ) -> None:
        self.session = session
        self.canvas_url = canvas_url
        self.sis_course_id = sis_course_id
        #: the tool's cohort the course belongs to, when its registration is known
        self.cohort_id = cohort_id
        #: Canvas course id; set once the course is found or created
        self.course_id: int | None = None

    def load(self, course_id: int) -> dict[str, MappingEntry]:
        """Every mapping row of this course, by desired key."""
        self.course_id = course_id
        if self.cohort_id is not None:
            # Rows from before the cohort was recorded now belong to it.
            self.session.execute(
                update(SyncMapping)
                .where(
                    SyncMapping.canvas_url == self.canvas_url,
                    SyncMapping.canvas_course_id == course_id,
                    SyncMapping.cohort_id.is_(None),
                )
                .values(cohort_id=self.cohort_id)
            )
        rows = self.session.scalars(
            select(SyncMapping).where(
                SyncMapping.canvas_url == self.canvas_url,
                SyncMapping.canvas_course_id == course_id,
            )
        )
        return {
            row.desired_key: MappingEntry(
                key=row.desired_key,
                kind=row.kind,
                canvas_id=row.canvas_id,
                created_by_sync=row.created_by_sync,
                sent_digest=row.sent_digest,
                seen_digest=row.seen_digest,
            )
            for row in rows
        }

    def _row(self, key: str) -> SyncMapping | None:
        return self.session.scalar(
            select(SyncMapping).where(
                SyncMapping.canvas_url == self.canvas_url,
                SyncMapping.canvas_course_id == self.course_id,
                SyncMapping.desired_key == key,
            )
        )

    def record(
        self,
        key: str,
        kind: str,
        canvas_id: int,
        *,
        created_by_sync: bool | None = None,
        sent_digest: str | None = None,
        seen_digest: str | None = None,
    ) -> None:
        """Insert or update the row for ``key`` and commit.

        :param created_by_sync: None keeps what the row says (True for a new row).
        """
        if self.course_id is None:
            raise RuntimeError("the course id must be known before recording mappings")
        row = self._row(key)
        if row is None:
            row = SyncMapping(
                canvas_url=self.canvas_url,
                canvas_course_id=self.course_id,
                sis_course_id=self.sis_course_id,
                desired_key=key,
                kind=kind,
                canvas_id=canvas_id,
                created_by_sync=True if created_by_sync is None else created_by_sync,
                cohort_id=self.cohort_id,
            )
            self.session.add(row)
        else:
            if row.canvas_id != canvas_id:
                # A different object now: whether sync made it is decided afresh.
                row.created_by_sync = True if created_by_sync is None else created_by_sync
            elif created_by_sync is not None:
                row.created_by_sync = created_by_sync
            row.canvas_id = canvas_id
            row.kind = kind
            row.cohort_id = row.cohort_id or self.cohort_id
        if sent_digest is not None or seen_digest is not None:
            row.sent_digest = sent_digest
            row.seen_digest = seen_digest
        self.session.commit()

    def forget(self, key: str) -> None:
        """Drop the row for ``key`` (its object was deleted) and commit."""
        self.session.execute(
            delete(SyncMapping).where(
                SyncMapping.canvas_url == self.canvas_url,
                SyncMapping.canvas_course_id == self.course_id,
                SyncMapping.desired_key == key,
            )
        )
        self.session.commit()
