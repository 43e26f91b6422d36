"""The HTML portfolio: one zip that opens offline in any browser.

``index.html`` (cover facts and the coverage map), a page per principle (its reflection and
artifacts, images shown inline), ``artifacts.html`` (every artifact), ``style.css`` and the
uploaded files under ``artifacts/`` with safe names. Every link is relative and stays inside the
zip, except ``http(s)`` links the candidate gave; no page has script (its Content-Security-Policy
forbids any). The zip is written as it goes, one file at a time, so a large portfolio never sits
in memory.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from collections.abc import Callable
from typing import BinaryIO

from ctom_lti.tools.portfolio.export.document import ArtifactEntry, PortfolioDocument
from ctom_lti.tools.portfolio.export.names import archive_paths
from ctom_lti.tools.portfolio.export.templating import environment
from ctom_lti.tools.portfolio.markdown import render_markdown

log = logging.getLogger(__name__)

#: Called with (steps done, steps in all) as an export goes.
Progress = Callable[[int, int], None]

#: Types already compressed: stored as they are rather than deflated again.
_COMPRESSED = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/zip",
               "application/pdf", "video/", "audio/")  # fmt: skip
_CHUNK = 1024 * 1024


def _no_progress(done: int, total: int) -> None:
    pass


def _readable(artifact: ArtifactEntry) -> bool:
    """Whether the artifact's file can be read: one missing from the storage is listed without
    a file rather than failing the whole export."""
    if artifact.open_file is None:
        return True
    try:
        with artifact.open_file():
            return True
    except OSError:
        log.warning("portfolio export: the file of artifact %s cannot be read", artifact.key)
        return False


def write_html_zip(
    document: PortfolioDocument, target: BinaryIO, progress: Progress = _no_progress
) -> None:
    """Write the HTML portfolio of ``document`` as a zip to ``target`` (need not be seekable)."""
    env = environment()
    readable = tuple(a for a in document.artifacts if _readable(a))
    paths = archive_paths(readable)
    principles = document.principles
    principle_names = {p.key: p.name for p in principles}
    total = len(principles) + len(paths) + 3
    done = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def page(name: str, template: str, **context: object) -> None:
            nonlocal done
            html = env.get_template(template).render(doc=document, paths=paths, **context)
            archive.writestr(name, html)
            done += 1
            progress(done, total)

        archive.writestr("style.css", env.get_template("zip_style.css").render())
        page("index.html", "zip_index.html")
        page("artifacts.html", "zip_artifacts.html", principle_names=principle_names)
        for strand in document.strands:
            for p in strand.principles:
                i = principles.index(p)
                page(
                    f"principle-{p.key}.html",
                    "zip_principle.html",
                    strand=strand,
                    p=p,
                    reflection_html=render_markdown(p.reflection_markdown, top_level=3),
                    previous=principles[i - 1] if i > 0 else None,
                    next=principles[i + 1] if i + 1 < len(principles) else None,
                )
        for artifact in document.artifacts:
            if artifact.key not in paths or artifact.open_file is None:
                continue
            media = artifact.media_type or ""
            info = zipfile.ZipInfo(paths[artifact.key], document.generated_at.timetuple()[:6])
            info.compress_type = (
                zipfile.ZIP_STORED if media.startswith(_COMPRESSED) else zipfile.ZIP_DEFLATED
            )
            with artifact.open_file() as source, archive.open(info, "w", force_zip64=True) as out:
                shutil.copyfileobj(source, out, _CHUNK)
            done += 1
            progress(done, total)
    progress(total, total)
