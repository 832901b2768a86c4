"""Names and codes normalised for matching: one place that the diff's alignment, its detectors and the findings use.

Project codes (项目编码) carry their budget year; names carry years, notice references (文号), enumerators (``1.``,
``（一）``), units in brackets and full-width forms that do not change what they name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from ledger.model.notices import extract_notices
from ledger.model.values import normalise_text

# ---------------------------------------------------------------------------------------------------------------
# Project codes (项目编码)
# ---------------------------------------------------------------------------------------------------------------

#: Hebei project codes: six digits of the administrative division (130302 海港区, 130225 乐亭县), two digits of the
#: budget year (``24``), a letter (``P`` project), the project-library serial, and a final character that varies
#: like a check character (…12449R, …124505, …12452C). ``13030223P00MN0M10196D`` is a project first budgeted in 2023.
_CODE = re.compile(r"^(?P<region>\d{6})(?P<year>\d{2})(?P<body>[A-Z][0-9A-Z]{4,})(?P<check>[0-9A-Z])$")


def project_code_year(code: str | None) -> int | None:
    """The budget year a project code was issued for: ``13030223P00MN0M10196D`` → 2023; ``None`` if not such a code."""
    match = _CODE.match(code or "")
    return 2000 + int(match["year"]) if match else None


def mask_code_year(code: str | None) -> str | None:
    """The code with its year digits and check character masked, so a continuing project matches across years.

    ``13022524P0008F010032K`` and ``13022525P0008F010032X`` both give ``130225**P0008F010032*``. The check character
    is masked too because it is computed over the whole code, year included.
    """
    match = _CODE.match(code or "")
    return f"{match['region']}**{match['body']}*" if match else None


# ---------------------------------------------------------------------------------------------------------------
# Name normalisation
# ---------------------------------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
#: A four-digit year as the sources write it: followed by 年, by a range that ends in 年 (2024-2025年), or closing
#: the bracket of a notice ref (秦财企[2023]649号). Other four-digit numbers (2000元, ≥2000人) are not years.
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?=年|[-—–~至](?:19|20)\d\d年|[\]】〕)）］﹞])")
#: A year or a range of years with the 年/年度 after it, as :func:`strip_years` removes it.
_YEAR_WORD = re.compile(r"(?<![\d.])(?:19|20)\d\d(?:[-—–~至](?:19|20)\d\d)?(?:年度|年|(?=[\]】〕)）］﹞]))")
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[、.．](?!\d)|[①-⑳])\s*"
)
_NOTICE_TAIL = r"\s*(?:号文|号|文)?"
_LEADING_PUNCTUATION = re.compile(r"^[-—–_:：、,，.。\s]+")


def normalise_name(text: str | None) -> str:
    """The form names are compared in: :func:`ledger.model.values.normalise_text`, no whitespace, Latin lower-cased."""
    if not text:
        return ""
    return _normalise_name(text)


@lru_cache(maxsize=32768)
def _normalise_name(text: str) -> str:
    # Memoised: both snapshots of a diff repeat most names, and the clean-up is a dozen regular expressions.
    return _SPACE.sub("", normalise_text(text)).lower()


def strip_enumerator(name: str) -> str:
    """``一、基本支出`` → ``基本支出``; ``（二）人员支出`` → ``人员支出``: numbering moves when a line is inserted."""
    return _ENUMERATOR.sub("", name, count=1)


def shift_years(text: str, gap: int) -> str:
    """Every year in ``text`` (see ``_YEAR``) moved by ``gap``: compares last year's text with this year's."""
    if gap == 0:
        return text
    return _YEAR.sub(lambda match: str(int(match.group(1)) + gap), text)


def strip_notices(text: str) -> str:
    """``秦财企[2023]649号-关于…`` → ``-关于…``: the funding notice ref changes every year, the project does not."""
    for notice in extract_notices(text):
        pattern = (
            re.escape(notice.issuer)
            + r"\s*\W?\s*"
            + str(notice.year)
            + r"\s*\W?\s*第?\s*0*"
            + re.escape(notice.number)
        )
        text = re.sub(pattern + _NOTICE_TAIL, "", text)
    return text


def strip_years(text: str) -> str:
    """``关于提前下达2024年国有企业…`` → ``关于提前下达国有企业…``; ``2000元`` is not a year and stays."""
    return _YEAR_WORD.sub("", text)


def year_shifted_name(text: str | None, gap: int) -> str:
    """The name without notice refs and with its years moved by ``gap`` (the ``year-shifted-name`` stage)."""
    name = normalise_name(text)
    return _LEADING_PUNCTUATION.sub("", shift_years(strip_notices(name), gap))


def stripped_name(text: str | None) -> str:
    """The name without notice refs and years (the ``normalised-name`` stage)."""
    name = normalise_name(text)
    return _LEADING_PUNCTUATION.sub("", strip_years(strip_notices(name)))


_UNIT_SUFFIX = re.compile(r"[(（][^()（）]{1,8}[)）]$")


def name_without_unit(text: str | None) -> str:
    """``城镇新增就业人数（万人）`` → ``城镇新增就业人数``: a unit change is a rename, not a new indicator."""
    name = normalise_name(text)
    return _UNIT_SUFFIX.sub("", name)


def similarity(a: str, b: str) -> float:
    """rapidfuzz ``ratio`` of two normalised texts, 0–100."""
    return float(fuzz.ratio(a, b))


def years_named(text: str | None) -> list[int]:
    """The years a text names (``提前下达2024年…`` → ``[2024]``), in order; numbers that are not years are skipped."""
    return [int(match.group(1)) for match in _YEAR.finditer(normalise_name(text))]
