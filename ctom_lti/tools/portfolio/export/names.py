"""Safe names and links for what a candidate typed: file names inside an export, link targets.

A file name the candidate uploaded may hold anything (``../``, quotes, markup, control
characters, a name that claims ``.jpg`` for an HTML file). In an export it becomes a plain ASCII
name under ``artifacts/``, numbered so two uploads with the same name stay apart, with an
extension that matches the checked content. Files a browser would run when opened (HTML, SVG,
XML, JavaScript) get ``.txt`` added, so opening them from the export shows their text.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

from ctom_lti.tools.portfolio.export.document import ArtifactEntry

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")
#: Content a browser runs or renders as a page when the file is opened on its own.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
    }
)
_ACTIVE_EXTENSIONS = frozenset(
    {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".js", ".mjs", ".mht"}
)
_MAX_STEM = 60
#: The only link schemes an export turns into a link; anything else is shown as text.
_LINK_SCHEMES = frozenset({"http", "https"})


def safe_file_name(name: str | None, media_type: str | None, number: int) -> str:
    """A file name safe on every system and in a URL path: ``NN-stem.ext``."""
    raw = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    ascii_name = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    cleaned = _DOTS.sub(".", _UNSAFE.sub("-", ascii_name)).strip(".-_")
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        stem, ext = cleaned, ""
    stem = stem.strip(".-_")[:_MAX_STEM].strip(".-_") or "file"
    extension = f".{ext.lower()}" if ext else ""
    media = (media_type or "").split(";", 1)[0].strip().lower()
    if media in ACTIVE_TYPES or extension in _ACTIVE_EXTENSIONS:
        extension = f"{extension or '.html'}.txt"
    elif media and extension not in mimetypes.guess_all_extensions(media, strict=False):
        extension = mimetypes.guess_extension(media, strict=False) or extension or ".bin"
    return f"{number:02d}-{stem}{extension}"


def archive_paths(artifacts: tuple[ArtifactEntry, ...]) -> dict[str, str]:
    """Where each uploaded file goes in an export, by artifact key: ``artifacts/NN-name``."""
    paths: dict[str, str] = {}
    for number, artifact in enumerate((a for a in artifacts if a.open_file is not None), 1):
        name = safe_file_name(artifact.file_name, artifact.media_type, number)
        paths[artifact.key] = f"artifacts/{name}"
    return paths


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute ``http(s)`` link with a host, else None (shown as text)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.hostname:
        return None
    return parts.geturl()


def download_name(candidate_name: str, day: date, extension: str) -> str:
    """What an export is called when downloaded: ``portfolio-<name>-<day>.<extension>``."""
    stem = safe_file_name(candidate_name, None, 0).removeprefix("00-")
    return f"portfolio-{stem.lower()}-{day.isoformat()}.{extension}"
