"""Entity alignment (实体对齐): which project, indicator, line or goal of one snapshot is which of the other.

Alignment runs before any comparison (SPEC §6). Each family has an ordered list of *stages*; a stage pairs what the
earlier ones left, so the strict evidence (a code) wins over the loose one (a similar name), and every pair says which
stage made it (``matched_by``). What no stage pairs is added or removed.

Projects: 项目编码 → 项目编码 with the year digits masked → name → name with years shifted by the fiscal-year gap
and notice refs dropped → name with years and notice refs stripped → similar name (rapidfuzz). Indicators inside
one project: (一级, 二级, 三级指标) → same name under another 二级/一级指标 (moved) → name without its unit →
same description → similar name under the same 二级指标 (renamed).

Duplicate keys (Haigang publishes two projects named 区直机关事业单位离休人员养老金, told apart by code) never
collapse: items with equal keys pair one to one, the closest first (``affinity``), then in order of appearance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Generic, TypeVar

from rapidfuzz import fuzz

from ledger.diff.records import MatchedBy
from ledger.model.notices import extract_notices
from ledger.model.values import normalise_text

T = TypeVar("T")

#: Minimum rapidfuzz ``ratio`` (0–100) for two *names* (projects, indicators, lines, tasks) to pair when nothing
#: stricter did. Chinese names are short, so one changed character moves the ratio a lot: 人才库档案管理经费 ~
#: 人才库档案管理费 scores 94, 保障农民工工资支付工作专项经费 ~ 保障农民工工资支付专项经费 93, while different
#: things under one 二级指标 such as 考核奖励人数 ~ 考核奖励金发放率 score 57. Tested in tests/diff/test_align.py.
FUZZY_NAME_THRESHOLD = 85.0

#: Minimum ratio for two goal *texts* to pair: goals are sentences, and an edited goal keeps most of its words.
FUZZY_TEXT_THRESHOLD = 75.0

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


# ---------------------------------------------------------------------------------------------------------------
# The aligner
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair(Generic[T]):
    """Two items judged to be the same entity, and how."""

    old: T
    new: T
    matched_by: MatchedBy
    score: Decimal | None = None


@dataclass(frozen=True)
class Alignment(Generic[T]):
    """The outcome of :func:`align`: pairs in the order of the newer side, then what only one side has."""

    pairs: list[Pair[T]]
    removed: list[T]
    added: list[T]


@dataclass(frozen=True)
class KeyStage(Generic[T]):
    """Pair items whose keys are equal. ``new_key`` defaults to ``old_key`` (they differ when a stage shifts years
    on the older side). A ``None`` key never pairs."""

    name: MatchedBy
    old_key: Callable[[T], Hashable | None]
    new_key: Callable[[T], Hashable | None] | None = None


@dataclass(frozen=True)
class FuzzyStage(Generic[T]):
    """Pair items whose texts are similar (ratio ≥ ``threshold``), the most similar first; ``block`` limits the
    candidates (e.g. the same 二级指标). Empty texts never pair."""

    name: MatchedBy
    text: Callable[[T], str]
    threshold: float
    block: Callable[[T], Hashable] | None = None


Stage = KeyStage[T] | FuzzyStage[T]


@dataclass
class _State(Generic[T]):
    old: Sequence[T]
    new: Sequence[T]
    affinity: Callable[[T, T], float] | None
    old_free: list[bool] = field(default_factory=list)
    new_match: dict[int, tuple[int, MatchedBy, Decimal | None]] = field(default_factory=dict)

    def both_sides_left(self) -> bool:
        """Whether an item on each side is still unpaired (every pair takes one of each)."""
        return len(self.new_match) < min(len(self.old), len(self.new))

    def free_new(self) -> list[int]:
        return [j for j in range(len(self.new)) if j not in self.new_match]

    def free_old(self) -> list[int]:
        return [i for i, free in enumerate(self.old_free) if free]

    def take(self, i: int, j: int, stage: MatchedBy, score: Decimal | None = None) -> None:
        self.old_free[i] = False
        self.new_match[j] = (i, stage, score)


def align(
    old: Sequence[T],
    new: Sequence[T],
    stages: Sequence[Stage[T]],
    *,
    affinity: Callable[[T, T], float] | None = None,
) -> Alignment[T]:
    """Pair ``old`` with ``new`` stage by stage (see the module docstring).

    ``affinity(old, new)`` orders candidates that share a key (higher first); without it, or on a tie, the earlier
    item in the source wins, so duplicates pair in order of appearance.
    """
    state = _State(old=old, new=new, affinity=affinity, old_free=[True] * len(old))
    for stage in stages:
        if not state.both_sides_left():
            break
        if isinstance(stage, KeyStage):
            _run_key_stage(state, stage)
        else:
            _run_fuzzy_stage(state, stage)
    pairs = [
        Pair(old=old[i], new=new[j], matched_by=stage, score=score)
        for j, (i, stage, score) in sorted(state.new_match.items())
    ]
    return Alignment(
        pairs=pairs,
        removed=[old[i] for i in state.free_old()],
        added=[new[j] for j in state.free_new()],
    )


def _run_key_stage(state: _State[T], stage: KeyStage[T]) -> None:
    new_key = stage.new_key or stage.old_key
    old_by_key: dict[Hashable, list[int]] = {}
    for i in state.free_old():
        key = stage.old_key(state.old[i])
        if key is not None and key != "":
            old_by_key.setdefault(key, []).append(i)
    if not old_by_key:
        return
    new_by_key: dict[Hashable, list[int]] = {}
    for j in state.free_new():
        key = new_key(state.new[j])
        if key is not None and key in old_by_key:
            new_by_key.setdefault(key, []).append(j)
    for key, news in new_by_key.items():
        olds = old_by_key[key]
        if len(olds) == 1 and len(news) == 1:
            state.take(olds[0], news[0], stage.name)
        else:
            _pair_group(state, olds, news, stage.name)


def _pair_group(state: _State[T], olds: list[int], news: list[int], stage: MatchedBy) -> None:
    """Items sharing one key (duplicates): the closest pairs first (``affinity``), then in order of appearance.

    Choosing over the whole group, not new item by new item, makes the pairing the same whichever side is old.
    """
    affinity = state.affinity
    candidates = sorted(
        (
            (-(affinity(state.old[i], state.new[j]) if affinity else 0.0), rank, i, j)
            for rank, (i, j) in _ranked(olds, news)
        )
    )
    for _, _, i, j in candidates:
        if state.old_free[i] and j not in state.new_match:
            state.take(i, j, stage)


def _ranked(olds: list[int], news: list[int]) -> list[tuple[int, tuple[int, int]]]:
    """Pairs of a group ranked by how far apart their positions in the group are (the k-th old with the k-th new
    first), so that equal duplicates pair in order of appearance."""
    pairs = [(abs(a - b), (i, j)) for a, i in enumerate(olds) for b, j in enumerate(news)]
    return sorted(pairs)


def _run_fuzzy_stage(state: _State[T], stage: FuzzyStage[T]) -> None:
    scored: list[tuple[float, int, int]] = []
    old_texts = {i: stage.text(state.old[i]) for i in state.free_old()}
    old_blocks = {i: stage.block(state.old[i]) if stage.block else None for i in old_texts}
    for j in state.free_new():
        new_text = stage.text(state.new[j])
        if not new_text:
            continue
        new_block = stage.block(state.new[j]) if stage.block else None
        for i, old_text in old_texts.items():
            if not old_text or old_blocks[i] != new_block:
                continue
            score = similarity(old_text, new_text)
            if score >= stage.threshold:
                scored.append((score, i, j))
    # The most similar pair first; among equals, source order. Greedy is enough: each item pairs at most once.
    for score, i, j in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if state.old_free[i] and j not in state.new_match:
            state.take(i, j, stage.name, Decimal(str(round(score, 1))))
