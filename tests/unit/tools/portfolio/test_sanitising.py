"""Hostile text and files: Markdown never carries script or markup into a page, and uploads are
judged by their content, never their name."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from ctom_lti.tools.portfolio.artifacts import safe_name
from ctom_lti.tools.portfolio.filetypes import DOCX, GIF, JPEG, PDF, PNG, TEXT, WEBP, sniff
from ctom_lti.tools.portfolio.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=https://evil.example></iframe>",
    "![x](https://evil.example/track.png)",
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_as_harmless_text(text: str) -> None:
    html = str(render_markdown(text))
    tags = re.findall(r"<\s*([a-zA-Z]+)([^>]*)>", html)
    assert {name for name, _ in tags} <= {"p", "a", "em", "strong", "code"}
    for _name, attributes in tags:
        assert not re.search(r"\son\w+\s*=", attributes)
        assert not re.search(r"(javascript|data|vbscript):", attributes, re.IGNORECASE)


def test_ordinary_markdown_keeps_its_shape() -> None:
    html = str(render_markdown("# Plan\n\n- **one**\n- [site](https://example.org)"))
    assert "<h1>Plan</h1>" in html and "<strong>one</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n...", PDF),
        (b"\x89PNG\r\n\x1a\n....", PNG),
        (b"\xff\xd8\xff\xe0....", JPEG),
        (b"GIF89a....", GIF),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", WEBP),
        (_zip("[Content_Types].xml", "word/document.xml"), DOCX),
        ("Notes from session 3 — café\n".encode(), TEXT),
    ],
)
def test_accepted_types_are_found_in_the_content(content: bytes, expected: object) -> None:
    assert sniff(content) is expected


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg onload="alert(1)"/>',
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  <html><body>hi</body></html>",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"PK\x03\x04 not really a zip",
        _zip("payload.exe"),
        b"\x00\x01\x02binary",
        b"",
    ],
)
def test_refused_content(content: bytes) -> None:
    assert sniff(content) is None


def test_file_names_lose_paths_and_markup_and_get_the_real_extension() -> None:
    assert safe_name("../../etc/passwd", PDF) == "passwd.pdf"
    assert safe_name('<img src=x onerror="a">.png', PNG).count("<") == 0
    assert safe_name("report.html", PDF) == "report.pdf"
    assert safe_name("C:\\Users\\me\\plan.docx", DOCX) == "plan.docx"
