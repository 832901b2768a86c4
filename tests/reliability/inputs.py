"""Inputs of the reliability scenarios, generated from the seeds and from scratch (never stored in the repository).

* :func:`bad_inputs` — files a department's website or a careless colleague really hands over: empty, random bytes, an
  image renamed ``.pdf``, a huge file, a ZIP bomb and an XML entity bomb dressed as ``.xlsx``, a Word file without
  tables, an HTML error page, text in no known layout.
* :func:`reencodings` — one seed in the other encodings and line ends a publication arrives in.
* :func:`cut_points` / :func:`judge_cut` — a seed cut off at a point, and whether the parse of the cut is honest.
* :func:`revised` — the same publication with one number changed: the next revision of its series.

Shared by ``tests/reliability`` and ``scripts/reliability_report.py``.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ledger.errors import LedgerError
from ledger.model import Snapshot
from ledger.model.canonical import snapshot_hash, snapshot_json
from ledger.pipeline.parse import parse_publication

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "samples" / "seeds"
MIB = 1024 * 1024


@functools.cache
def seed_bytes() -> dict[str, bytes]:
    """The five seed publications by file name, in name order."""
    return {path.name: path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))}


def content_hash(snapshot: Snapshot) -> str:
    return snapshot_hash(snapshot_json(snapshot))


@functools.cache
def full_snapshot(name: str) -> Snapshot:
    return parse_publication(seed_bytes()[name], name).snapshot


# --- bad input ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadInput:
    """A file that must be refused with a one-line reason.

    ``reason`` is a regular expression the reason must match, or ``None`` where the wording belongs to a reader still
    being written (office formats): then any non-empty reason will do, and only the essentials are asserted.
    """

    name: str
    what: str
    build: Callable[[], bytes]
    reason: str | None
    #: Large enough that every later ``verify`` of a ledger holding it would pay for it: give it a ledger of its own.
    large: bool = False
    #: Over its format's size limit: refused before it is stored, an input-refused event instead (docs/limits.md).
    stored: bool = True


def empty() -> bytes:
    return b""


def random_bytes(size: int = 64 * 1024, seed: int = 8) -> bytes:
    return random.Random(seed).randbytes(size)


def png_image() -> bytes:
    """A valid 1×1 PNG: what a scanned page saved as an image is."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def huge_text(size: int = 50 * MIB) -> bytes:
    """A seed repeated to ``size`` bytes: valid text in a known layout, just absurdly long (the costliest case)."""
    seed = seed_bytes()["laoting-hrss-2024-targets.txt"]
    return (seed * (size // len(seed) + 1))[:size]


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
    '<sheet name="Sheet1" sheetId="1"/></sheets></workbook>'
)


def zip_bomb(unpacked: int = 64 * MIB) -> bytes:
    """An XLSX-shaped ZIP whose one sheet is ``unpacked`` bytes of blanks compressed about 1000:1."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            blanks = b" " * MIB
            for _ in range(unpacked // MIB):
                sheet.write(blanks)
            sheet.write(b"<sheetData/></worksheet>")
    return buffer.getvalue()


def xlsx_entity_bomb(levels: int = 10) -> bytes:
    """A real workbook (written by openpyxl) whose sheet declares "billion laughs" entities (10**levels expansions)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "项目名称"  # type: ignore[index]
    plain = io.BytesIO()
    book.save(plain)
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    )
    bomb = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol{levels - 1};</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _replace_member(plain.getvalue(), "xl/worksheets/sheet1.xml", bomb.encode("utf-8"))


def _replace_member(archive_bytes: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, content if member.filename == name else source.read(member))
    return buffer.getvalue()


def docx_without_tables() -> bytes:
    """A real Word document (python-docx) with a heading and paragraphs but none of a publication's tables."""
    from docx import Document as WordDocument

    document = WordDocument()
    document.add_heading("关于召开2024年度工作会议的通知", level=1)
    document.add_paragraph("各科室、各直属单位：经研究，定于2024年3月15日召开年度工作会议，请准时参加。")
    document.add_paragraph("联系人：张三，电话：0335-1234567。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_404() -> bytes:
    return (
        b"<!DOCTYPE html>\r\n<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
        b"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


def unknown_layout() -> bytes:
    """Well-formed Chinese text with a table, from a government website, that is no budget publication."""
    lines = [
        "关于2024年春节期间办公时间安排的通知",
        "",
        "根据国务院办公厅通知精神，结合我局实际，现将春节期间办公时间安排通知如下：",
        "日期\t安排\t值班人员",
        "2月10日\t休息\t张三",
        "2月11日\t休息\t李四",
        "2月17日\t正常上班\t全体",
        "特此通知。",
    ]
    return "\n".join(lines).encode("utf-8")


def utf16_without_bom() -> bytes:
    """A seed saved as UTF-16 without a byte-order mark: an encoding the reader cannot tell from binary."""
    return seed_bytes()["gaoxin-hrss-2024-targets.txt"].decode("utf-8").encode("utf-16-le")


def bad_inputs(*, huge: int = 50 * MIB, bomb: int = 64 * MIB) -> list[BadInput]:
    return [
        BadInput("empty.txt", "empty file", empty, r"empty"),
        BadInput("random.bin", "64 KiB of random bytes", random_bytes, None),
        BadInput("scan.pdf", "a PNG image renamed .pdf", png_image, None),
        BadInput(
            "huge.txt",
            f"{huge // MIB} MB of text (a seed repeated)",
            lambda: huge_text(huge),
            r"limit text_bytes=",
            True,
            stored=False,
        ),
        BadInput(
            "bomb.xlsx", f"ZIP bomb renamed .xlsx ({bomb // MIB} MB at ~1000:1)", lambda: zip_bomb(bomb), None
        ),
        BadInput("entities.xlsx", "XLSX with an XML entity bomb", xlsx_entity_bomb, None),
        BadInput("notice.docx", "DOCX with no tables", docx_without_tables, None),
        BadInput("404.html", "HTML 404 error page", html_404, r"404|error page|unknown layout"),
        BadInput("notice.txt", "valid text of no known layout", unknown_layout, r"unknown layout"),
        BadInput("utf16.txt", "a seed as UTF-16 without byte-order mark", utf16_without_bom, None),
    ]


# --- awkward but valid --------------------------------------------------------------------------------------------


def reencodings(data: bytes) -> dict[str, bytes]:
    """``data`` (UTF-8) in the encodings and line ends publications arrive in; each must parse to the same snapshot."""
    text = data.decode("utf-8")
    crlf = text.replace("\n", "\r\n")
    return {
        "gb18030": text.encode("gb18030"),
        "utf-16-bom": text.encode("utf-16"),
        "utf-16-be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf-8-bom": b"\xef\xbb\xbf" + data,
        "crlf": crlf.encode("utf-8"),
        "cr": text.replace("\n", "\r").encode("utf-8"),
        "gb18030-crlf": crlf.encode("gb18030"),
    }


# --- truncation ---------------------------------------------------------------------------------------------------

Verdict = Literal["complete", "marked-truncated", "clean-error", "unmarked", "crash"]
#: Verdicts that keep the promise "never a wrong snapshot presented as whole".
HONEST: frozenset[Verdict] = frozenset({"complete", "marked-truncated", "clean-error"})
TRUNCATED = "truncated"


@dataclass(frozen=True)
class Cut:
    seed: str
    percent: int
    mid_char: bool
    at: int  # bytes kept

    @property
    def id(self) -> str:
        return f"{self.seed.split('-')[0]}-{self.percent}%{'-midchar' if self.mid_char else ''}"


def _is_continuation(byte: int) -> bool:
    return 0x80 <= byte <= 0xBF


def cut_points(name: str, data: bytes, percents: range) -> list[Cut]:
    """Cuts at each percentage of the bytes: one on a character boundary, one inside a multi-byte character."""
    cuts = []
    for percent in percents:
        start = len(data) * percent // 100
        boundary = start
        while boundary < len(data) and _is_continuation(data[boundary]):
            boundary += 1
        inside = start
        while inside < len(data) and not _is_continuation(data[inside]):
            inside += 1
        cuts.append(Cut(name, percent, False, boundary))
        if inside < len(data):
            cuts.append(Cut(name, percent, True, inside))
    return cuts


@dataclass(frozen=True)
class CutResult:
    cut: Cut
    verdict: Verdict
    detail: str


def judge_cut(cut: Cut, data: bytes) -> CutResult:
    """Parse ``data[:cut.at]`` and say whether the result is honest about the cut.

    A cut snapshot is *complete* when its canonical content equals the uncut parse's (the cut fell after everything
    the layout reads). Any other snapshot is missing something the publication says, so it must carry a
    ``truncated`` warning; without one it is a wrong snapshot presented as whole (``unmarked``).
    """
    full = full_snapshot(cut.seed)
    try:
        snapshot = parse_publication(data[: cut.at], cut.seed).snapshot
    except LedgerError as exc:
        return CutResult(cut, "clean-error", f"{type(exc).__name__}: {str(exc)[:80]}")
    except Exception as exc:  # the finding this scenario exists to make
        return CutResult(cut, "crash", f"{type(exc).__name__}: {exc}")
    if content_hash(snapshot) == content_hash(full):
        return CutResult(cut, "complete", "same content as the whole publication")
    counts = f"{_entity_count(snapshot)} of {_entity_count(full)} entities"
    if any(warning.code == TRUNCATED for warning in snapshot.warnings):
        return CutResult(cut, "marked-truncated", counts)
    return CutResult(cut, "unmarked", counts)


def _entity_count(snapshot: Snapshot) -> int:
    """Projects, indicators (department and project), goals, key tasks, budget and account lines together."""
    accounts = snapshot.accounts
    account_lines = (
        len(accounts.function_lines) + len(accounts.economic_lines) + len(accounts.income_lines)
        if accounts
        else 0
    )
    return (
        len(snapshot.projects)
        + sum(len(project.indicators) for project in snapshot.projects)
        + len(snapshot.indicators)
        + len(snapshot.goals)
        + len(snapshot.key_tasks)
        + len(snapshot.budget_overview.expenditure)
        + len(snapshot.budget_overview.income)
        + account_lines
    )


# --- revisions ----------------------------------------------------------------------------------------------------


@functools.cache
def revised(name: str) -> bytes:
    """The seed ``name`` with one digit changed, chosen from the end, so that it parses to the same series with
    different content: a second publication (the next revision) of that series."""
    data = seed_bytes()[name]
    original = full_snapshot(name)
    lines = data.decode("utf-8").split("\n")
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        digits = [i for i, char in enumerate(line) if char.isascii() and char.isdigit()]
        if not digits:
            continue
        at = digits[-1]
        changed = line[:at] + str((int(line[at]) + 1) % 10) + line[at + 1 :]
        candidate = "\n".join([*lines[:index], changed, *lines[index + 1 :]]).encode("utf-8")
        try:
            snapshot = parse_publication(candidate, name).snapshot
        except LedgerError:
            continue
        same_series = (snapshot.department, snapshot.fiscal_year, snapshot.document_kind) == (
            original.department,
            original.fiscal_year,
            original.document_kind,
        )
        if same_series and content_hash(snapshot) != content_hash(original):
            return candidate
    raise AssertionError(f"no one-digit revision of {name} changes its snapshot")
