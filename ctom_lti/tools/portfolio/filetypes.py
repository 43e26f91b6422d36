"""What an uploaded file is, judged from its content (never from its name or the browser's word).

Accepted: PDF, PNG, JPEG, GIF, WebP, Word/Excel/PowerPoint (the zip-based Office formats) and
plain UTF-8 text. Anything else — SVG, HTML, scripts, executables, old binary Office files — is
refused. Text that looks like markup (an HTML or SVG document saved as ``.txt``) is refused too:
browsers that ignore ``nosniff`` could still render it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str
    #: The extension the download is offered with.
    extension: str
    #: A raster image a browser may show inline (never SVG).
    raster_image: bool = False


PDF: Final = FileType("application/pdf", "PDF", ".pdf")
PNG: Final = FileType("image/png", "PNG image", ".png", raster_image=True)
JPEG: Final = FileType("image/jpeg", "JPEG image", ".jpg", raster_image=True)
GIF: Final = FileType("image/gif", "GIF image", ".gif", raster_image=True)
WEBP: Final = FileType("image/webp", "WebP image", ".webp", raster_image=True)
DOCX: Final = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
    ".docx",
)
XLSX: Final = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook", ".xlsx"
)
PPTX: Final = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint presentation",
    ".pptx",
)
TEXT: Final = FileType("text/plain", "Text", ".txt")
ALL: Final = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, TEXT)
BY_MEDIA_TYPE: Final = {t.media_type: t for t in ALL}
ACCEPTED_LABEL: Final = "PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint or plain text"

_MAGIC: Final = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_OFFICE_PARTS: Final = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_MARKUP_STARTS: Final = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<head", b"<body")


def sniff(content: bytes) -> FileType | None:
    """The accepted type ``content`` is, or None when it is none of them (or is malformed)."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(b"PK\x03\x04"):
        return _office(content)
    return _text(content)


def _office(content: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OFFICE_PARTS:
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def _text(content: bytes) -> FileType | None:
    if not content or b"\x00" in content:
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = text.lstrip("\ufeff \t\r\n")[:512].lower().encode()
    if head.startswith(_MARKUP_STARTS) or b"<script" in head or b"<svg" in head:
        return None
    if any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text[:4096]):
        return None
    return TEXT
