"""Benchmark: exporting a full portfolio to PDF and to the HTML zip.

A full portfolio as issue 11 describes it: 16 reflections of about 800 words (Markdown with
paragraphs, lists and emphasis), 60 artifacts of which 20 are photo-like JPEGs of about 2 MB
(8 megapixels), 20 other files (PDF-like, 150 KB) and 20 links or Canvas submissions, each
tagged with one or two principles. The files are generated once into a temporary folder and read
from disk through the document's openers, as the portfolio's file storage serves them.

Each export runs in a fresh subprocess (so its peak memory is its own): printed are the import
time of the exporter (paid once per process), the median export time over ``--repeat`` runs
(wall clock and CPU, as the machine may be shared), the process's peak resident memory (RSS
high-water mark) and that peak before the first export (interpreter, imports and the document),
and the output size.

Target (issue 11): the PDF under 5 s and under 300 MB.

    .venv/bin/python -m benchmarks.portfolio [--repeat 3] [--seed 11] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from ctom_lti.curriculum import load_curriculum
from ctom_lti.tools.portfolio.export.document import (
    ArtifactEntry,
    ArtifactKind,
    FileOpener,
    PortfolioDocument,
    ReflectionFacts,
    ReflectionStatus,
    build_document,
)

_VOCABULARY = (
    "network security budget staff students district infrastructure plan vision leadership "
    "assessment accountability technology services training procurement policy privacy data "
    "cloud devices bandwidth equity access community board communication project timeline "
    "risk continuity backup recovery vendor contract refresh cycle classroom teachers learning "
    "professional development survey stakeholders goals measures evidence outcomes review"
)
_WORDS = _VOCABULARY.split()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(8, 20))
    return " ".join(words).capitalize() + "."


def reflection_markdown(rng: random.Random, words: int = 800) -> str:
    """About ``words`` words of Markdown: headed paragraphs, a list, emphasis, a link."""
    parts: list[str] = ["## What I did\n"]
    count = 0
    while count < words:
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.3:
            paragraph += " See **the district plan** and [the survey](https://example.edu/s)."
        parts.append(paragraph + "\n")
        count += len(paragraph.split())
        if rng.random() < 0.2:
            items = ["- " + _sentence(rng) for _ in range(3)]
            parts.append("\n".join(items) + "\n")
            count += sum(len(i.split()) for i in items)
    return "\n".join(parts)


def photo_like_jpeg(rng: random.Random, path: Path, target_bytes: int = 2_000_000) -> None:
    """An 8-megapixel JPEG of about ``target_bytes``: smooth colour gradients with grain, which
    compresses like a photo."""
    from PIL import Image, ImageFilter

    size = (3264, 2448)
    base = Image.radial_gradient("L").resize(size)
    channels = [
        Image.blend(base.rotate(rng.randint(0, 359)), Image.linear_gradient("L").resize(size), 0.5)
        for _ in range(3)
    ]
    image = Image.merge("RGB", channels)
    grain = Image.effect_noise(size, rng.uniform(28, 36)).filter(ImageFilter.GaussianBlur(0.6))
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.25)
    quality = 95
    while True:
        image.save(path, "JPEG", quality=quality)
        if path.stat().st_size <= target_bytes * 1.08 or quality <= 50:
            return
        quality -= 2


def generate_files(folder: Path, seed: int, quick: bool) -> None:
    """The portfolio's files, once per run: 20 photos and 20 other files."""
    rng = random.Random(seed)
    photos = 4 if quick else 20
    first = folder / "photo-00.jpg"
    photo_like_jpeg(rng, first)
    for i in range(1, photos):
        # Distinct files of the same size, faster than drawing each one anew.
        data = bytearray(first.read_bytes())
        data[-3] = rng.randrange(256)
        (folder / f"photo-{i:02d}.jpg").write_bytes(bytes(data))
    for i in range(20):
        (folder / f"notes-{i:02d}.pdf").write_bytes(b"%PDF-1.4\n" + rng.randbytes(150_000))


def _opener(path: Path) -> FileOpener:
    def open_file() -> BinaryIO:
        return path.open("rb")

    return open_file


def full_document(folder: Path, seed: int) -> PortfolioDocument:
    rng = random.Random(seed)
    curriculum = load_curriculum()
    keys = [p.key for p in curriculum.principles]
    statuses = list(ReflectionStatus)[1:]
    reflections = [
        ReflectionFacts(
            key,
            rng.choice(statuses),
            reflection_markdown(rng),
            signed_off_by="Morgan Mentor",
            signed_off_at=datetime(2026, 11, 1, 12, tzinfo=UTC),
        )
        for key in keys
    ]
    artifacts: list[ArtifactEntry] = []
    files = sorted(folder.iterdir())
    for n, path in enumerate(files):
        is_photo = path.suffix == ".jpg"
        artifacts.append(
            ArtifactEntry(
                key=str(n),
                title=("Photo of " if is_photo else "Notes on ") + " ".join(rng.sample(_WORDS, 3)),
                kind=ArtifactKind.FILE,
                principle_keys=tuple(rng.sample(keys, rng.randint(1, 2))),
                media_type="image/jpeg" if is_photo else "application/pdf",
                file_name=path.name,
                size=path.stat().st_size,
                open_file=_opener(path),
            )
        )
    for n in range(len(files), len(files) + 20):
        artifacts.append(
            ArtifactEntry(
                key=str(n),
                title="Link to " + " ".join(rng.sample(_WORDS, 3)),
                kind=rng.choice((ArtifactKind.LINK, ArtifactKind.SUBMISSION)),
                principle_keys=tuple(rng.sample(keys, rng.randint(1, 2))),
                url=f"https://example.edu/evidence/{n}",
            )
        )
    return build_document(
        curriculum,
        candidate_name="Casey Candidate",
        candidate_email="casey@example.edu",
        cohort_name="CTO Mentor Program 2026",
        programme_start=date(2026, 1, 9),
        programme_end=date(2026, 11, 21),
        mentor_name="Morgan Mentor",
        generated_at=datetime(2026, 11, 30, 9, tzinfo=UTC),
        reflections=reflections,
        artifacts=artifacts,
    )


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's ``VmHWM`` belongs to the process image, so
    a child does not inherit its parent's peak (``ru_maxrss`` does, across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, folder: Path, seed: int, repeat: int) -> None:
    """Run one exporter ``repeat`` times in this process; print one JSON line of figures."""
    start = time.perf_counter()
    if kind == "pdf":
        import weasyprint  # noqa: F401 (its import cost is part of the first export otherwise)

        from ctom_lti.tools.portfolio.export.pdf import write_pdf as export
    else:
        from ctom_lti.tools.portfolio.export.html_zip import write_html_zip as export
    imported = time.perf_counter() - start
    document = full_document(folder, seed)
    before = _peak_rss_mb()
    wall, cpu, size = [], [], 0
    for i in range(repeat):
        out = folder.parent / f"out-{kind}-{i}"
        start, start_cpu = time.perf_counter(), time.process_time()
        with out.open("wb") as target:
            export(document, target)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        size = out.stat().st_size
        out.unlink()
    figures = {
        "import_s": imported,
        "wall_s": statistics.median(wall),
        "cpu_s": statistics.median(cpu),
        "first_s": wall[0],
        "rss_start_mb": before,
        "peak_rss_mb": _peak_rss_mb(),
        "bytes": size,
    }
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="4 photos instead of 20, 1 run")
    parser.add_argument("--child", choices=("pdf", "html"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.folder, args.seed, args.repeat)
        return
    repeat = 1 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="portfolio-bench-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        generate_files(folder, args.seed, args.quick)
        doc = full_document(folder, args.seed)
        photos = sum(a.is_image for a in doc.artifacts)
        photo_mb = sum(a.size or 0 for a in doc.artifacts if a.is_image) / 1e6 / max(photos, 1)
        words = sum(len(p.reflection_markdown.split()) for p in doc.principles)
        print(
            f"portfolio: {len(doc.principles)} reflections ({words // len(doc.principles)} words "
            f"each on average), {len(doc.artifacts)} artifacts incl. {photos} JPEG photos of "
            f"{photo_mb:.1f} MB; {repeat} run(s) per export, each export in its own process"
        )
        print(
            f"{'export':>8}  {'import':>8}  {'first':>8}  {'median':>8}  {'CPU':>8}  "
            f"{'RSS at start':>12}  {'peak RSS':>9}  {'size':>9}"
        )
        for kind in ("pdf", "html"):
            command = [sys.executable, "-m", "benchmarks.portfolio", "--child", kind]
            command += ["--folder", str(folder), "--seed", str(args.seed)]
            command += ["--repeat", str(repeat)]
            result = subprocess.run(command, check=True, capture_output=True, text=True)
            f = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{kind:>8}  {f['import_s']:>6.2f} s  {f['first_s']:>6.2f} s  "
                f"{f['wall_s']:>6.2f} s  {f['cpu_s']:>6.2f} s  {f['rss_start_mb']:>9.0f} MB  "
                f"{f['peak_rss_mb']:>6.0f} MB  {f['bytes'] / 1e6:>6.1f} MB"
            )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (wall time suffers when busy)")
        print("target (PDF): under 5 s and under 300 MB peak")


if __name__ == "__main__":
    main()
