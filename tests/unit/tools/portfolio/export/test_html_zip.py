"""The HTML portfolio zip: pages for the cover and each principle, every link relative and
inside the zip, hostile names and Markdown neutralised, files copied as they are."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from posixpath import normpath
from typing import BinaryIO
from urllib.parse import urlsplit

import pytest

from ctom_lti.tools.portfolio.export.html_zip import write_html_zip
from tests.unit.tools.portfolio.export.sample import sample_document
from tests.unit.tools.portfolio.export.zip_reading import page_tags, page_urls


class _Pipe(io.BytesIO):
    """A stream that cannot seek or tell, like a response being sent."""

    def seekable(self) -> bool:
        return False

    def seek(self, offset: int, whence: int = 0) -> int:
        raise OSError("not seekable")

    def tell(self) -> int:
        raise OSError("not seekable")


@pytest.fixture(scope="module")
def archive() -> zipfile.ZipFile:
    out = io.BytesIO()
    write_html_zip(sample_document(), out)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def _pages(archive: zipfile.ZipFile) -> list[str]:
    return [n for n in archive.namelist() if n.endswith(".html")]


def test_index_a_page_per_principle_the_stylesheet_and_the_uploaded_files(
    archive: zipfile.ZipFile,
) -> None:
    names = archive.namelist()
    assert "index.html" in names
    assert "style.css" in names
    assert "artifacts.html" in names
    doc = sample_document()
    for p in doc.principles:
        assert f"principle-{p.key}.html" in names
    files = [n for n in names if n.startswith("artifacts/")]
    assert len(files) == 5  # uploaded files only; links and submissions are listed, not copied
    index = archive.read("index.html").decode()
    assert "Coverage map" in index
    assert index.count("Signed off") >= 2  # the status and the count line
    assert "1 of 16 principles" in index


def test_every_link_and_source_is_relative_and_resolves_inside_the_zip(
    archive: zipfile.ZipFile,
) -> None:
    names = set(archive.namelist())
    external = []
    for page in _pages(archive):
        for tag, attribute, url in page_urls(archive, page):
            parts = urlsplit(url)
            if parts.scheme:
                external.append(url)
                assert parts.scheme == "https", (page, url)
                assert tag == "a", (page, tag, url)
                continue
            if not parts.path:
                assert parts.fragment, (page, url)  # a link within the page
                continue
            assert not parts.path.startswith("/"), (page, url)
            target = normpath(parts.path)
            assert not target.startswith(".."), (page, url)
            assert target in names, (page, attribute, url)
    assert "https://example.edu/plan?a=1&b=2" in external
    assert "https://example.edu/plan" in external  # the reflection's link


def test_no_page_has_script_and_each_forbids_it(archive: zipfile.ZipFile) -> None:
    for page in _pages(archive):
        html = archive.read(page).decode()
        assert "<script" not in html.lower(), page
        assert "script-src 'none'" in html, page
        for tag, attrs in page_tags(archive, page):
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            assert not (attrs.get("href") or "").lower().startswith("javascript:"), (page, attrs)
    principle = archive.read("principle-security-fundamentals.html").decode()
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in principle  # shown as text
    assert "&lt;script&gt;alert('reflection')&lt;/script&gt;" in principle
    assert "javascript:alert(5)" in principle  # the sneaky link is shown, not linked
    assert "Cam &lt;b&gt;Candidate&lt;/b&gt;" in principle


def test_hostile_file_names_become_plain_names_and_active_files_are_not_pages(
    archive: zipfile.ZipFile,
) -> None:
    files = sorted(n for n in archive.namelist() if n.startswith("artifacts/"))
    assert files == [
        "artifacts/01-script-passwd.jpg",
        "artifacts/02-diagram.png",
        "artifacts/03-page.html.txt",
        "artifacts/04-logo.svg.txt",
        "artifacts/05-scan.jpg",
    ]
    for name in files:
        assert re.fullmatch(r"artifacts/[A-Za-z0-9._-]+", name)
        assert ".." not in name
    assert archive.read("artifacts/03-page.html.txt") == (
        b"<html><script>alert('file')</script></html>"
    )
    assert archive.read("artifacts/01-script-passwd.jpg")[:2] == b"\xff\xd8"


def test_images_are_shown_inline_but_svg_never_is(archive: zipfile.ZipFile) -> None:
    sources = [
        u for t, a, u in page_urls(archive, "principle-security-fundamentals.html") if a == "src"
    ]
    assert sources == ["artifacts/01-script-passwd.jpg"]
    second = [u for t, a, u in page_urls(archive, "principle-infrastructure.html") if a == "src"]
    assert second == [
        "artifacts/01-script-passwd.jpg",
        "artifacts/02-diagram.png",
        "artifacts/05-scan.jpg",
    ]


def test_a_file_missing_from_the_storage_is_listed_without_failing_the_export() -> None:
    def missing() -> BinaryIO:
        raise FileNotFoundError("gone")

    doc = sample_document()
    gone = dataclasses.replace(doc.artifacts[1], open_file=missing)
    doc = dataclasses.replace(doc, artifacts=(doc.artifacts[0], gone, *doc.artifacts[2:]))
    out = io.BytesIO()
    write_html_zip(doc, out)
    with zipfile.ZipFile(out) as archive:
        files = [n for n in archive.namelist() if n.startswith("artifacts/")]
        assert len(files) == 4
        assert not any("diagram" in n for n in files)
        page = archive.read("principle-infrastructure.html").decode()
        assert "Network diagram" in page  # still listed
        for _, _, url in page_urls(archive, "principle-infrastructure.html"):
            assert (
                url.startswith(
                    ("https:", "index.html", "artifacts.html", "style.css", "principle-", "#")
                )
                or url in files
            )


def test_writes_to_a_stream_that_cannot_seek_and_reports_progress_to_the_end() -> None:
    pipe = _Pipe()
    seen: list[tuple[int, int]] = []
    write_html_zip(sample_document(), pipe, lambda done, total: seen.append((done, total)))
    with zipfile.ZipFile(io.BytesIO(pipe.getvalue())) as archive:
        assert archive.testzip() is None
        assert "index.html" in archive.namelist()
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
