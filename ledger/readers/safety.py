"""Limits checked before a parser touches an untrusted file: ZIP bombs and XML entity tricks in office files.

DOCX and XLSX are ZIP archives of XML parts. A hostile (or broken) file can declare gigabytes behind a few
kilobytes (a ZIP bomb) or define XML entities that expand exponentially ("billion laughs") or read local files
(external entities). openpyxl parses with the standard library and guards against neither unless ``defusedxml`` is
installed, so :func:`check_office_zip` runs first, on the ZIP's central directory and on the raw bytes of each XML
part, and refuses the file with a :class:`~ledger.errors.ReadError` before openpyxl or python-docx see it.

Office applications never write a document type declaration into these parts, so any ``<!DOCTYPE`` or
``<!ENTITY`` is refused outright rather than parsed carefully.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ledger.errors import ReadError


@dataclass(frozen=True)
class ZipLimits:
    """How much an office file may unpack to. The defaults are far above any budget publication."""

    #: Total uncompressed size of all members.
    max_total_bytes: int = 256 * 1024 * 1024
    #: Uncompressed size of one member.
    max_member_bytes: int = 128 * 1024 * 1024
    #: Members in the archive.
    max_members: int = 10_000
    #: Compression ratio of one member; only checked above :attr:`ratio_floor_bytes`, where it can hurt.
    max_ratio: int = 200
    ratio_floor_bytes: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()

#: What a DTD looks like in the encodings an XML part may use (Office writes UTF-8; UTF-16 is legal XML too).
_DTD_MARKERS: tuple[bytes, ...] = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 64 * 1024


def check_office_zip(data: bytes, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Refuse ``data`` (a DOCX/XLSX) if it would unpack too large or its XML declares a DTD or entities."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_directory(members, limits)
            for member in members:
                if member.filename.lower().endswith(_XML_SUFFIXES):
                    _check_xml_member(archive, member)
    except ReadError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise ReadError(f"damaged office file (not a readable ZIP archive): {exc}") from exc
    except RuntimeError as exc:  # zipfile raises RuntimeError for encrypted members
        raise ReadError(f"unreadable office file: {exc}") from exc


def _check_directory(members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Sizes as the central directory declares them; zipfile never inflates a member past its declared size."""
    if len(members) > limits.max_members:
        raise ReadError(f"office file refused: {len(members)} parts (limit {limits.max_members})")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ReadError(f"office file refused: part {member.filename!r} is encrypted")
        if member.file_size > limits.max_member_bytes:
            raise ReadError(
                f"office file refused: part {member.filename!r} unpacks to {member.file_size} bytes "
                f"(limit {limits.max_member_bytes})"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise ReadError(
                f"office file refused: part {member.filename!r} is compressed {ratio:.0f}:1 "
                f"(limit {limits.max_ratio}:1) — a ZIP bomb?"
            )
        total += member.file_size
        if total > limits.max_total_bytes:
            raise ReadError(
                f"office file refused: it unpacks to more than {limits.max_total_bytes} bytes — a ZIP bomb?"
            )


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Stream the part and look for a DTD; the overlap catches a marker split across two chunks."""
    overlap = max(len(marker) for marker in _DTD_MARKERS) - 1
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                raise ReadError(
                    f"office file refused: part {member.filename!r} declares a DTD or XML entities "
                    "(office applications never write them; entity expansion is an attack)"
                )
            tail = window[-overlap:]
