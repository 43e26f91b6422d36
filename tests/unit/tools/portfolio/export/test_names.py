"""Names and links from what a candidate typed: safe in a zip, a URL and on every system."""

from __future__ import annotations

import pytest

from ctom_lti.tools.portfolio.export.names import safe_file_name, safe_href


@pytest.mark.parametrize(
    ("name", "media_type", "expected"),
    [
        ("photo.JPG", "image/jpeg", "01-photo.jpg"),
        ("../../etc/passwd", None, "01-passwd"),
        ("..\\..\\windows\\win.ini", None, "01-win.ini"),
        ('a "quoted" <b>name</b>.png', "image/png", "01-b.png"),
        ('what "quoted" <name>.png', "image/png", "01-what-quoted-name.png"),
        ("résumé final.pdf", "application/pdf", "01-resume-final.pdf"),
        ("evil.jpg", "text/html", "01-evil.jpg.txt"),
        ("page.html", None, "01-page.html.txt"),
        ("drawing.svg", "image/svg+xml", "01-drawing.svg.txt"),
        ("noext", "text/html", "01-noext.html.txt"),
        ("holiday.png", "image/jpeg", "01-holiday.jpg"),
        ("", None, "01-file"),
        (None, "application/pdf", "01-file.pdf"),
        ("...", None, "01-file"),
        (".bashrc", None, "01-bashrc"),
        ("x" * 300 + ".txt", "text/plain", "01-" + "x" * 60 + ".txt"),
        ("con.txt\x00\n", "text/plain", "01-con.txt"),
    ],
)
def test_safe_file_name(name: str | None, media_type: str | None, expected: str) -> None:
    assert safe_file_name(name, media_type, 1) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.edu/a?b=1", "https://example.edu/a?b=1"),
        ("http://example.edu", "http://example.edu"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("file:///etc/passwd", None),
        ("//example.edu/x", None),
        ("https://", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected
