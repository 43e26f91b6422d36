"""A synthetic portfolio for the exporters' tests: every status, hostile names and Markdown."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from PIL import Image

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.portfolio.export.document import (
    ArtifactEntry,
    ArtifactKind,
    PortfolioDocument,
    ReflectionFacts,
    ReflectionStatus,
    build_document,
    bytes_opener,
)

HOSTILE_MARKDOWN = (
    "## My <script>alert('reflection')</script> heading\n\n"
    "A [bad link](javascript:alert(1)) and a [good one](https://example.edu/plan).\n\n"
    '<img src="x" onerror="alert(2)"> <a href="#" onclick="alert(3)">raw</a>\n\n'
    "![remote](http://127.0.0.1:9/tracker.png)\n"
)
HOSTILE_TITLE = "<script>alert('title')</script> \"quoted\" & more"
HOSTILE_FILE_NAME = '../../etc/<script>alert(1)</script>"passwd".jpg'


def jpeg(width: int = 1600, height: int = 1200, colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", quality=85)
    return out.getvalue()


def sample_document() -> PortfolioDocument:
    """Reflections in every status for the first principles (one hostile), and artifacts: a
    hostile-named image, a PNG, an HTML file, an SVG with script, a link and a ``javascript:``
    link, a Canvas submission, a "JPEG" that is not one."""
    curriculum = load_curriculum()
    keys = [p.key for p in curriculum.principles]
    when = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    reflections = [
        ReflectionFacts(keys[0], ReflectionStatus.SIGNED_OFF, HOSTILE_MARKDOWN, "Mo Mentor", when),
        ReflectionFacts(keys[1], ReflectionStatus.SHARED, "Shared **reflection** text."),
        ReflectionFacts(keys[2], ReflectionStatus.DRAFT, "A draft.\n\n# Own heading\n"),
        ReflectionFacts("no-such-principle", ReflectionStatus.DRAFT, "Ignored."),
    ]
    png = io.BytesIO()
    Image.new("RGBA", (40, 30), (200, 0, 0, 128)).save(png, "PNG")
    artifacts = [
        ArtifactEntry(
            key="1",
            title=HOSTILE_TITLE,
            kind=ArtifactKind.FILE,
            principle_keys=(keys[0], keys[1]),
            media_type="image/jpeg",
            file_name=HOSTILE_FILE_NAME,
            open_file=bytes_opener(jpeg()),
        ),
        ArtifactEntry(
            key="2",
            title="Network diagram",
            kind=ArtifactKind.FILE,
            principle_keys=(keys[1],),
            media_type="image/png",
            file_name="diagram.png",
            open_file=bytes_opener(png.getvalue()),
        ),
        ArtifactEntry(
            key="3",
            title="Saved web page",
            kind=ArtifactKind.FILE,
            principle_keys=(keys[0],),
            media_type="text/html",
            file_name="page.html",
            open_file=bytes_opener(b"<html><script>alert('file')</script></html>"),
        ),
        ArtifactEntry(
            key="4",
            title="Logo",
            kind=ArtifactKind.FILE,
            principle_keys=(keys[0],),
            media_type="image/svg+xml",
            file_name="logo.svg",
            open_file=bytes_opener(
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(4)</script></svg>'
            ),
        ),
        ArtifactEntry(
            key="5",
            title="District plan",
            kind=ArtifactKind.LINK,
            principle_keys=(keys[0],),
            url="https://example.edu/plan?a=1&b=2",
        ),
        ArtifactEntry(
            key="6",
            title="Sneaky link",
            kind=ArtifactKind.LINK,
            principle_keys=(keys[0],),
            url="javascript:alert(5)",
        ),
        ArtifactEntry(
            key="7",
            title="Budget assignment",
            kind=ArtifactKind.SUBMISSION,
            principle_keys=(keys[3],),
            url="https://canvas.example.edu/courses/1/assignments/2/submissions/3",
            session_title="Session 2",
        ),
        ArtifactEntry(
            key="8",
            title="Scan that is not really a JPEG",
            kind=ArtifactKind.FILE,
            principle_keys=(keys[1],),
            media_type="image/jpeg",
            file_name="scan.jpg",
            open_file=bytes_opener(b"\xff\xd8 not a jpeg at all"),
        ),
    ]
    return build_document(
        curriculum,
        candidate_name="Cam <b>Candidate</b>",
        candidate_email="cam@example.edu",
        cohort_name="Cohort 2026 & friends",
        programme_start=date(2026, 1, 9),
        programme_end=date(2026, 11, 21),
        mentor_name="Mo Mentor",
        generated_at=when,
        reflections=reflections,
        artifacts=artifacts,
    )
