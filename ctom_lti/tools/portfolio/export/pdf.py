"""The PDF portfolio, laid out by WeasyPrint: a cover, the coverage map, then each strand and
principle (its reflection and its artifacts, images inline), page numbers in the footer and
every strand and principle as a PDF bookmark.

WeasyPrint fetches nothing but the artifact images prepared here: its URL fetcher refuses any
other address (no network, no local files), whatever a reflection or a name contains.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from importlib import resources
from typing import Any, BinaryIO

from markupsafe import Markup

from ctom_lti.tools.portfolio.export.document import PortfolioDocument
from ctom_lti.tools.portfolio.export.images import EmbeddedImage, embeddable
from ctom_lti.tools.portfolio.export.templating import environment
from ctom_lti.tools.portfolio.markdown import render_markdown

#: Called with (steps done, steps in all) as an export goes.
Progress = Callable[[int, int], None]

_SCHEME = "portfolio-artifact"
#: Images decoded at once (Pillow decodes outside the GIL); bounded to keep memory flat.
_IMAGE_WORKERS = 2


def _no_progress(done: int, total: int) -> None:
    pass


def write_pdf(
    document: PortfolioDocument, target: BinaryIO, progress: Progress = _no_progress
) -> None:
    """Write the PDF portfolio of ``document`` to ``target``.

    Images are scaled down in worker threads while WeasyPrint parses and styles the document;
    its fetcher waits for each image only when the layout reaches it."""
    from weasyprint import HTML  # imported here: loading Pango costs time the app need not pay

    wanted = [a for a in document.artifacts if a.is_image]
    total = len(wanted) + 2
    done = 0
    lock = threading.Lock()

    def step(_: object = None) -> None:
        nonlocal done
        with lock:
            done += 1
            progress(min(done, total), total)

    with ThreadPoolExecutor(max_workers=_IMAGE_WORKERS) as pool:
        futures = {}
        for artifact in wanted:
            futures[artifact.key] = pool.submit(embeddable, artifact)
            futures[artifact.key].add_done_callback(step)
        urls = {key: f"{_SCHEME}:{n}" for n, key in enumerate(futures)}
        html = (
            environment()
            .get_template("pdf.html")
            .render(
                doc=document,
                css=_stylesheet(),
                reflections={
                    p.key: _reflection_html(p.reflection_markdown) for p in document.principles
                },
                images=urls,
            )
        )
        by_url = {urls[key]: future for key, future in futures.items()}
        rendered = HTML(string=html, url_fetcher=_fetcher(by_url)).render()
    step()
    rendered.write_pdf(target)
    step()


def _stylesheet() -> Markup:
    css = resources.files(__package__).joinpath("templates/pdf.css").read_text("utf-8")
    return Markup(css)  # noqa: S704 (our own stylesheet)


def _reflection_html(markdown: str) -> Markup:
    return render_markdown(markdown, top_level=4) if markdown.strip() else Markup()


def _fetcher(images: dict[str, Future[EmbeddedImage | None]]) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ArtifactsOnly(URLFetcher):  # type: ignore[misc]
        """Serves the prepared images and refuses every other address."""

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            future = images.get(url)
            image = future.result() if future is not None else None
            if image is None:
                raise ValueError(f"the PDF export fetches nothing from {url[:80]!r}")
            return URLFetcherResponse(url, image.data, {"Content-Type": image.media_type})

    return ArtifactsOnly()
