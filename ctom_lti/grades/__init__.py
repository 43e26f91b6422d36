"""The grade outbox: the tool's pass/fail scores in its own Canvas gradebook columns, durably.

A feature records its decision and, in the same transaction, calls :func:`enqueue_pass_fail`;
nothing is lost if the process dies before the score reaches Canvas, and nothing is posted twice.
The score is tried once right after the request answers, then by ``ctom-lti worker``; what needs
a person shows in :func:`failed_posts` (and the ``grades/_failed_posts.html`` partial, with a
Retry button) and on the staff page ``grades.index``.
"""

from ctom_lti.grades.models import GradeColumn, GradePost
from ctom_lti.grades.outbox import PostView, enqueue_pass_fail, failed_posts, open_posts
from ctom_lti.grades.rules import ColumnSpec, PostState

__all__ = [
    "ColumnSpec",
    "GradeColumn",
    "GradePost",
    "PostState",
    "PostView",
    "enqueue_pass_fail",
    "failed_posts",
    "open_posts",
]
