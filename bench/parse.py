"""Parse time of each seed publication (docs/architecture.md §9): read, detect, parse; MB/s of the text reader; native formats.

The text seeds are timed as published. DOCX and PDF versions of each seed are built from the seed's own
intermediate form with the readers' fixture builders (``tests/readers/builders.py``: python-docx and reportlab) and
timed through the same ``parse_publication``; XLSX has no such builder yet. With ``--corpus`` (default: when
``../shared/corpus`` exists) the real published PDF/XLSX files are timed too (they are read, never copied).

    python -m bench.parse [--quick] [--repeat 30] [--json bench/out/parse.json]
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

from bench.harness import ROOT, Report, Timing, arguments, finish, measure
from ledger.errors import LedgerError
from ledger.layouts import choose_layout
from ledger.pipeline.parse import parse_publication
from ledger.readers import read_document
from ledger.readers.document import Document
from ledger.readers.text import read_text

SEED_DIR = ROOT / "samples" / "seeds"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"


def time_text_seeds(report: Report, repeat: int) -> None:
    table = report.table(
        "text seeds (ms, median of runs)",
        ["seed", "KB", "read", "detect", "layout parse", "parse_publication", "reader MB/s", "overall MB/s"],
    )
    for path in sorted(SEED_DIR.glob("*.txt")):
        data = path.read_bytes()
        document = read_document(data, path.name)
        layout = choose_layout(document)
        read = measure(partial(read_document, data, path.name), repeat=repeat)
        detect = measure(partial(choose_layout, document), repeat=repeat)
        parse = measure(partial(layout.parse, document), repeat=repeat)
        whole = measure(partial(parse_publication, data, path.name), repeat=repeat)
        table.add(
            path.name,
            round(len(data) / 1024, 1),
            round(read.median_ms, 2),
            round(detect.median_ms, 2),
            round(parse.median_ms, 2),
            round(whole.median_ms, 2),
            round(_mb_per_s(len(data), read), 1),
            round(_mb_per_s(len(data), whole), 2),
        )
    table.notes.append(
        "read = bytes → intermediate form (decode, detect the textual form, rebuild tables); detect = every "
        "registered layout scores the document; layout parse = the chosen layout builds the snapshot."
    )


def _mb_per_s(size: int, timing: Timing) -> float:
    return size / 1_000_000 / timing.median if timing.median else 0.0


def _builders() -> ModuleType | None:
    try:
        return importlib.import_module("tests.readers.builders")
    except ImportError:
        return None


def time_native_seeds(report: Report, repeat: int) -> None:
    builders = _builders()
    if builders is None:
        report.note("native formats: not yet measured (no fixture builders in tests/readers/builders.py)")
        return
    formats: dict[str, Callable[[Document], bytes]] = {
        "docx": lambda document: bytes(builders.docx_of(document)),
        "pdf": lambda document: bytes(builders.pdf_of(document.blocks)),
    }
    table = report.table(
        "seeds rebuilt as DOCX / PDF by the fixture builders (ms, median of runs)",
        ["seed", "format", "KB", "read", "parse_publication", "same snapshot as text"],
    )
    for path in sorted(SEED_DIR.glob("*.txt")):
        text = path.read_bytes()
        document = read_text(text)
        expected = parse_publication(text, path.name).snapshot
        for form, build in formats.items():
            data = build(document)
            try:
                parsed = parse_publication(data, path.name).snapshot
            except LedgerError as exc:
                table.add(path.name, form, round(len(data) / 1024, 1), "-", "-", f"fails: {exc}")
                continue
            read = measure(partial(read_document, data, path.name), repeat=repeat)
            whole = measure(partial(parse_publication, data, path.name), repeat=repeat)
            same = parsed.model_dump(exclude={"warnings"}) == expected.model_dump(exclude={"warnings"})
            table.add(
                path.name,
                form,
                round(len(data) / 1024, 1),
                round(read.median_ms, 1),
                round(whole.median_ms, 1),
                "yes" if same else "no",
            )
    table.notes.append(
        "DOCX: python-docx tables with merged label cells; PDF: reportlab tables with ruling lines (STSong-Light). "
        "XLSX: not yet measured (the readers have no XLSX fixture builder)."
    )


def time_corpus(report: Report, repeat: int, folder: Path) -> None:
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in {".pdf", ".xlsx", ".docx"}
    )
    if not files:
        report.note(f"real corpus: not measured ({folder} absent)")
        return
    table = report.table(
        "real published files in ../shared/corpus (ms, median of runs)",
        ["file", "KB", "read", "parse_publication", "outcome"],
    )
    for path in files:
        data = path.read_bytes()
        read = measure(partial(read_document, data, path.name), repeat=repeat)
        try:
            result = parse_publication(data, path.name)
        except LedgerError as exc:
            table.add(path.name, round(len(data) / 1024, 1), round(read.median_ms, 1), "-", _short(exc))
            continue
        whole = measure(partial(parse_publication, data, path.name), repeat=repeat)
        outcome = f"{result.parser_name}: {len(result.snapshot.projects)} projects"
        table.add(
            path.name,
            round(len(data) / 1024, 1),
            round(read.median_ms, 1),
            round(whole.median_ms, 1),
            outcome,
        )


def _short(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < 80 else text[:77] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = arguments("Parse time per seed publication and format.")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement (median reported)")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of real published files")
    parser.add_argument("--no-native", action="store_true", help="skip the DOCX/PDF rebuilds")
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else args.repeat
    report = Report("parse")
    time_text_seeds(report, repeat)
    if args.quick:
        report.note("--quick: native formats and the real corpus skipped (a PDF takes seconds to read)")
    else:
        if not args.no_native:
            time_native_seeds(report, max(3, repeat // 5))
        time_corpus(report, max(3, repeat // 10), args.corpus)
    finish(report, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
