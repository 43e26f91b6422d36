"""Artifact images made small enough to embed in a PDF.

A phone photo of several megapixels decodes to tens of megabytes; a printed page shows it at
about 1,200 pixels across. Each image is decoded at reduced size where the format allows
(JPEG's draft mode scales while decoding), shrunk to fit, and re-encoded (JPEG, or PNG when it
has transparency). What Pillow cannot read, or a decompression bomb, is left out: the export
lists that artifact without showing it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from ctom_lti.tools.portfolio.export.document import ArtifactEntry

#: Longest side, in pixels, of an image embedded in the PDF (about 150 dpi across a page).
MAX_SIDE = 1000
#: JPEGs are decoded at the smallest scale (1/2, 1/4, 1/8) keeping at least this longest side:
#: decoding an 8-megapixel photo at a quarter of its size is several times faster.
MIN_DECODED_SIDE = 800
_JPEG_QUALITY = 82


@dataclass(frozen=True)
class EmbeddedImage:
    media_type: str
    data: bytes


def embeddable(artifact: ArtifactEntry, max_side: int = MAX_SIDE) -> EmbeddedImage | None:
    """The artifact's image scaled to fit ``max_side``, or None if it cannot be shown."""
    min_side = min(MIN_DECODED_SIDE, max_side)
    if not artifact.is_image or artifact.open_file is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with artifact.open_file() as source, Image.open(source) as image:
                width, height = image.size
                scale = min(1.0, min_side / max(width, height, 1))
                image.draft("RGB", (int(width * scale), int(height * scale)))
                image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                return _encode(image)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, SyntaxError):  # fmt: skip
        return None


def _encode(image: Image.Image) -> EmbeddedImage:
    out = io.BytesIO()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        image.convert("RGBA").save(out, "PNG", optimize=False)
        return EmbeddedImage("image/png", out.getvalue())
    image.convert("RGB").save(out, "JPEG", quality=_JPEG_QUALITY, optimize=False)
    return EmbeddedImage("image/jpeg", out.getvalue())
