"""Funding notices (资金文件) cited by a publication: ``秦财企[2023]649号``, ``唐财社【2023】170号``.

A budget that funds a project with a notice issued in an earlier year carries that year's money forward; the diff
engine's *reused notices* detector (docs/architecture.md §6) works from the references found here.

A reference is a 文号 (document number) of a finance bureau: issuer abbreviation (``秦财企`` = 秦皇岛市财政局,
enterprise section), year in brackets, serial number, usually ``号``. Sources spell the brackets many ways
(``[]`` ``【】`` ``〔〕`` ``()`` ``（）`` ``［］`` ``﹝﹞``) and sometimes drop ``号`` (``秦财企[2022]692-关于…``) or add
``文`` (``唐财金[2023]16号文``). The normalised ``ref`` is always ``ISSUER[YEAR]NUMBER号`` with ASCII square
brackets, so that the same notice cited two ways compares equal.
"""

from __future__ import annotations

import re

from ledger.model import Notice
from ledger.model.values import normalise_text

__all__ = ["extract_notices", "notice_ref"]

_CJK = "\u4e00-\u9fff"
_OPEN = r"\[【〔(（［﹝〖"
_CLOSE = r"\]】〕)）］﹞〗"
#: Issuer: at most one character of place abbreviation (秦, 唐, 冀, 粤; none for the Ministry of Finance's ``财社``),
#: ``财``, then one to three characters of section (企, 社, 金, 预, 社函 …) — never ``财政…`` (``财政拨款（2023）``
#: is a heading, not a document number). Limiting the place to one character keeps the verb of a sentence
#: (``根据秦财企…``) out of the issuer. After the serial number comes ``号``, a dash (``692-关于…``), punctuation
#: or the end: ``（2023）5项`` counts five items, it cites nothing.
_NOTICE = re.compile(
    rf"(?P<issuer>[{_CJK}]?财(?!政)[{_CJK}]{{1,3}})\s*[{_OPEN}]\s*(?P<year>(?:19|20)\d\d)\s*[{_CLOSE}]\s*"
    rf"第?\s*(?P<number>\d{{1,5}})(?=\s*(?:号|[-—–]|[、，。,;；:：)）\]】]|\s|$))"
)


def notice_ref(issuer: str, year: int, number: str) -> str:
    """The normalised reference: ``notice_ref('秦财企', 2023, '649')`` → ``'秦财企[2023]649号'``."""
    return f"{issuer}[{year}]{number}号"


def extract_notices(text: str) -> list[Notice]:
    """Every funding-notice reference in ``text``, deduplicated by normalised ``ref``, in first-seen order.

    Only references whose issuer contains ``财`` (a finance bureau) count: policy documents of other bodies
    (``人社部发〔2023〕12号``) do not fund anything. Dates and bracketed tags (``[bookmark: _Toc…]``) never match,
    because a reference needs an issuer, a four-digit year in brackets and a serial number. ``number`` is written
    without leading zeros (``[2023]012号`` → ``12``).
    """
    notices: dict[str, Notice] = {}
    for span in _spans_with_issuers(text):
        for match in _NOTICE.finditer(normalise_text(span)):
            issuer, year, number = match["issuer"], int(match["year"]), str(int(match["number"]))
            ref = notice_ref(issuer, year, number)
            if ref not in notices:
                notices[ref] = Notice(ref=ref, issuer=issuer, year=year, number=number)
    return list(notices.values())


def _spans_with_issuers(text: str) -> list[str]:
    """The parts of ``text`` a reference can stand in: each line holding ``财`` together with the next line (a
    reference wrapped inside a table cell continues there), in order, adjacent runs merged.

    Normalising only these (a long disclosure has a few dozen) instead of the whole document keeps extraction cheap
    (about a quarter of the time on the Haigang disclosure). Blank lines are dropped first: normalisation folds any
    run of whitespace to one space, so they never separate what a reference needs.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    wanted = sorted({i for i, line in enumerate(lines) if "财" in line for i in (i, i + 1) if i < len(lines)})
    spans: list[list[int]] = []
    for index in wanted:
        if spans and spans[-1][-1] == index - 1:
            spans[-1].append(index)
        else:
            spans.append([index])
    return ["\n".join(lines[i] for i in span) for span in spans]
