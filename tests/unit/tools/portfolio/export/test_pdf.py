"""The PDF portfolio, read back with pypdf: a cover, the coverage map, a bookmark per strand and
principle, page numbers, hostile text shown as text, only https links, images scaled down."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.portfolio.export.document import ArtifactEntry, ArtifactKind, bytes_opener
from ctom_lti.tools.portfolio.export.images import MAX_SIDE, embeddable
from ctom_lti.tools.portfolio.export.pdf import write_pdf
from tests.unit.tools.portfolio.export.sample import jpeg, sample_document

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def progress() -> list[tuple[int, int]]:
    return []


@pytest.fixture(scope="module")
def reader(progress: list[tuple[int, int]]) -> PdfReader:
    out = io.BytesIO()
    write_pdf(sample_document(), out, lambda done, total: progress.append((done, total)))
    return PdfReader(io.BytesIO(out.getvalue()))


def _outline(reader: PdfReader) -> list[tuple[str, list[str]]]:
    """Top-level bookmarks with the titles of their children."""
    tree: list[tuple[str, list[str]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            tree[-1][1].extend(str(child.title) for child in item if not isinstance(child, list))
        else:
            tree.append((str(item.title), []))
    return tree


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_bookmarks_for_the_cover_the_map_each_strand_and_each_principle(reader: PdfReader) -> None:
    curriculum = load_curriculum()
    assert _outline(reader) == [
        ("Professional portfolio", []),
        ("Coverage map", []),
        *[(s.name, [p.name for p in s.principles]) for s in curriculum.strands],
    ]


def test_a_cover_a_map_and_a_page_at_least_per_principle_numbered(reader: PdfReader) -> None:
    pages = len(reader.pages)
    assert pages >= 18
    cover = reader.pages[0].extract_text()
    assert "Professional portfolio" in cover
    assert "Cam <b>Candidate</b>" in cover  # escaped markup is shown as typed
    assert "Page 1 of" not in cover
    coverage = reader.pages[1].extract_text()
    assert "Coverage map" in coverage
    assert f"Page 2 of {pages}" in coverage
    for name in ("Security Fundamentals", "Project Management", "Signed off", "Not started"):
        assert name in coverage
    assert reader.metadata is not None
    assert reader.metadata.title == "Professional portfolio of Cam <b>Candidate</b>"


def test_hostile_text_is_shown_as_typed_and_only_https_links_are_links(reader: PdfReader) -> None:
    text = _text(reader)
    assert "<script>alert('title')</script>" in text
    assert "<script>alert('reflection')</script>" in text
    assert "javascript:alert(5)" in text
    uris: list[str] = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action: Any = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert "https://example.edu/plan" in uris
    assert uris  # the links are live
    assert all(u.startswith("https://") for u in uris), uris


def test_images_are_inline_and_scaled_down_a_broken_one_is_only_listed(reader: PdfReader) -> None:
    sizes = [
        (image.image.width, image.image.height)
        for page in reader.pages
        for image in page.images
        if image.image is not None
    ]
    assert (800, 600) in sizes  # the 1600 x 1200 photo, decoded at half its size
    assert (40, 30) in sizes  # the small PNG as it is
    assert all(max(w, h) <= MAX_SIDE for w, h in sizes)
    assert "Scan that is not really a JPEG" in _text(reader)


def test_progress_counts_each_image_then_layout_and_writing(
    reader: PdfReader, progress: list[tuple[int, int]]
) -> None:
    assert progress[-1] == (5, 5)  # three images, the layout, the file
    assert sorted(d for d, _ in progress) == [d for d, _ in progress]


def test_a_large_photo_is_decoded_small_and_kept_in_proportion() -> None:
    artifact = ArtifactEntry(
        key="1",
        title="Big",
        kind=ArtifactKind.FILE,
        principle_keys=(),
        media_type="image/jpeg",
        open_file=bytes_opener(jpeg(4000, 3000)),
    )
    image = embeddable(artifact)
    assert image is not None
    assert image.media_type == "image/jpeg"
    from PIL import Image

    with Image.open(io.BytesIO(image.data)) as shown:
        assert shown.size == (1000, 750)
