"""Entity alignment (实体对齐): which project, indicator, line or goal of one snapshot is which of the other.

Alignment runs before any comparison (docs/architecture.md §6). Each family has an ordered list of *stages*; a stage pairs what the
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

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from ledger.diff.records import MatchedBy
from ledger.model.names import (
    similarity,
)

T = TypeVar("T")

#: Minimum rapidfuzz ``ratio`` (0–100) for two *names* (projects, indicators, lines, tasks) to pair when nothing
#: stricter did. Chinese names are short, so one changed character moves the ratio a lot: 人才库档案管理经费 ~
#: 人才库档案管理费 scores 94, 保障农民工工资支付工作专项经费 ~ 保障农民工工资支付专项经费 93, while different
#: things under one 二级指标 such as 考核奖励人数 ~ 考核奖励金发放率 score 57. Tested in tests/diff/test_align.py.
FUZZY_NAME_THRESHOLD = 85.0

#: Minimum ratio for two goal *texts* to pair: goals are sentences, and an edited goal keeps most of its words.
FUZZY_TEXT_THRESHOLD = 75.0

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
    on the older side). A ``None`` key never pairs; nor does a pair that ``compatible`` rejects."""

    name: MatchedBy
    old_key: Callable[[T], Hashable | None]
    new_key: Callable[[T], Hashable | None] | None = None
    compatible: Callable[[T, T], bool] | None = None


@dataclass(frozen=True)
class FuzzyStage(Generic[T]):
    """Pair items whose texts are similar (ratio ≥ ``threshold``), the most similar first; ``block`` limits the
    candidates (e.g. the same 二级指标). Empty texts never pair; nor does a pair that ``compatible`` rejects."""

    name: MatchedBy
    text: Callable[[T], str]
    threshold: float
    block: Callable[[T], Hashable] | None = None
    compatible: Callable[[T, T], bool] | None = None


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
        if len(olds) == 1 and len(news) == 1 and stage.compatible is None:
            state.take(olds[0], news[0], stage.name)
        else:
            _pair_group(state, olds, news, stage.name, stage.compatible)


def _pair_group(
    state: _State[T],
    olds: list[int],
    news: list[int],
    stage: MatchedBy,
    compatible: Callable[[T, T], bool] | None = None,
) -> None:
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
            if compatible is None or compatible(state.old[i], state.new[j]):
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
            if stage.compatible is not None and not stage.compatible(state.old[i], state.new[j]):
                continue
            score = similarity(old_text, new_text)
            if score >= stage.threshold:
                scored.append((score, i, j))
    # The most similar pair first; among equals, source order. Greedy is enough: each item pairs at most once.
    for score, i, j in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if state.old_free[i] and j not in state.new_match:
            state.take(i, j, stage.name, Decimal(str(round(score, 1))))
