"""A deterministic corpus of publication versions, made by editing the TEXT of the five seed publications.

Every version is a new publication with distinct bytes: the seed's department renamed to a synthetic one (a new
place name in front of the seed's 人力资源和社会保障局 / 人社局), its years shifted to another fiscal year, and a
set of *planted mutations* applied to the text:

- ``amount-transfer``: 预算数 moved from one project to another (the sum is kept, so no totals warning appears);
- ``indicator-value``: an indicator's 指标值 tightened or loosened (``≥90%`` → ``≥94%``, ``≤227万元`` → ``≤216万元``);
- ``indicator-rename``: a 三级指标 renamed (``考核奖金`` → ``全年考核奖金``);
- ``same-meaning``: a 指标值 rewritten with the same meaning (``≥95%`` → ``≧95%``) — a diff must NOT report it;
- ``project-removed`` / ``project-added``: a project's table deleted, or copied under a new name and code.

Each candidate mutation is located in the seed's text from the seed's own parse (project codes and names,
indicator names and values, in document order) and then *verified*: the mutated text is parsed again and must give
exactly the seed's snapshot with the planted effect applied (warnings aside — removing a project can rightly add a
totals warning). Candidates that do not verify are dropped, so the catalogue is ground truth, checked by the
parsers, and independent of the diff engine it is used to judge.

Run ``python -m bench.generate --versions 1000 --out /tmp/corpus`` to write a corpus (and ``manifest.jsonl``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ledger.errors import LedgerError
from ledger.model import Indicator, Project, Snapshot
from ledger.model.values import parse_value, values_equal
from ledger.pipeline.parse import parse_publication

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "samples" / "seeds"

Kind = Literal[
    "amount-transfer",
    "indicator-value",
    "indicator-rename",
    "same-meaning",
    "project-removed",
    "project-added",
]
KINDS: tuple[Kind, ...] = (
    "amount-transfer",
    "indicator-value",
    "indicator-rename",
    "same-meaning",
    "project-removed",
    "project-added",
)

#: Years in dates and titles: ``2024年``, ``预算年度：2024`` (at the end of a line). Amounts such as ``2024.00`` and
#: counts such as ``≥2000人`` are not years.
_YEAR = re.compile(r"(?<![\d.])(20(?:1[5-9]|2\d|30))(?=年|[ \t]*$)", re.MULTILINE)
#: A funding notice ref (``秦财企[2022]692``): a line quoting one is left as it is — next year's publication citing
#: the same notice quotes the same document (its title's years included).
_NOTICE_YEAR = re.compile(r"[\[【〔]\s*20\d\d\s*[\]】〕]")
#: Hebei project codes carry the budget year after the six-digit region code (``130225 24 P…``): the annual
#: roll-forward moves them with the fiscal year.
_CODE_YEAR = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{2})(?=P)")
#: Where a department name's place part ends: the part after it is kept, the place is replaced.
_PLACE_END = re.compile(r"人力资源|人社")
_PLACE_CHARS = "东西南北青白金石云龙凤安平宁永长新兴华明清泉山河川林"
_PLACE_SUFFIXES = "县市区"
#: Names for added projects: plausible, and unlike any seed project (so no name stage pairs them by accident).
_NEW_PROJECT_NAMES = (
    "职业技能提升行动专项资金",
    "就业见习基地补贴经费",
    "创业担保贷款贴息资金",
    "人力资源市场建设经费",
    "劳动保障监察执法装备购置",
    "技工院校实训设备更新",
    "高层次人才引进奖励资金",
    "退役士兵职业培训补助",
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


# ---------------------------------------------------------------------------------------------------------------
# Seeds and where their parts sit in the text
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """One seed publication: its text and its parse."""

    name: str
    text: str
    snapshot: Snapshot

    @property
    def stem(self) -> str:
        return self.name.split("-")[0]


def load_seeds(names: Sequence[str] | None = None, folder: Path = SEED_DIR) -> list[Seed]:
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        if names and not any(name in path.name for name in names):
            continue
        data = path.read_bytes()
        seeds.append(Seed(path.name, data.decode("utf-8-sig"), parse_publication(data, path.name).snapshot))
    return seeds


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class IndicatorSpot:
    """Where an indicator's name and value are written (``project`` is None for department-level indicators)."""

    project: int | None
    index: int
    name: Span
    value: Span


@dataclass(frozen=True)
class ProjectSpot:
    index: int
    anchor: int  # the project's code (or name) in the text
    region: Span  # from its table's first label line to the next project's


@dataclass(frozen=True)
class TextMap:
    projects: list[ProjectSpot]
    indicators: list[IndicatorSpot]


def map_text(seed: Seed) -> TextMap:
    """Find, in document order, where each project and indicator of the seed's parse is written."""
    text, snapshot = seed.text, seed.snapshot
    anchors: list[int] = []
    cursor = 0
    for project in snapshot.projects:
        position = _find_project(text, project, cursor)
        if position < 0:
            break
        anchors.append(position)
        cursor = position + 1
    projects = []
    for i, anchor in enumerate(anchors[:-1]):
        start = _table_start(text, anchor)
        end = _table_start(text, anchors[i + 1])
        if start < end:
            projects.append(ProjectSpot(i, anchor, Span(start, end)))
    indicators: list[IndicatorSpot] = []
    first = anchors[0] if anchors else len(text)
    indicators += _map_indicators(text, None, snapshot.indicators, Span(0, first))
    for i, anchor in enumerate(anchors):
        end = anchors[i + 1] if i + 1 < len(anchors) else len(text)
        indicators += _map_indicators(text, i, snapshot.projects[i].indicators, Span(anchor, end))
    return TextMap(projects, indicators)


def _find_project(text: str, project: Project, cursor: int) -> int:
    for key in (project.code, project.name):
        if not key or text.count(key) == 0:
            continue
        for form in (f"\t{key}\n", key):
            position = text.find(form, cursor)
            if position >= 0:
                return position + (1 if form.startswith("\t") else 0)
    return -1


def _table_start(text: str, anchor: int) -> int:
    """The start of the line holding the label cell just before ``anchor`` (项目编码 / 项目名称)."""
    labels = [text.rfind(label, 0, anchor) for label in ("项目编码", "项目名称")]
    found = [p for p in labels if p >= 0 and anchor - p < 200]
    position = min(found) if found else anchor
    return text.rfind("\n", 0, position) + 1


def _map_indicators(
    text: str, project: int | None, indicators: Sequence[Indicator], region: Span
) -> list[IndicatorSpot]:
    """Indicators written row by row (name … value, then the next row); failing that, written as a list of names
    followed by a list of values (the flattened outline form)."""
    rows = _map_rows(text, project, indicators, region, adjacent=True)
    if 2 * len(rows) >= len(indicators):
        return rows
    return _map_rows(text, project, indicators, region, adjacent=False)


def _map_rows(
    text: str, project: int | None, indicators: Sequence[Indicator], region: Span, *, adjacent: bool
) -> list[IndicatorSpot]:
    spots = []
    name_cursor = value_cursor = region.start
    for index, indicator in enumerate(indicators):
        raw = indicator.value.raw
        if not raw.strip() or not indicator.name.strip():
            continue
        name_at = text.find(indicator.name, name_cursor, region.end)
        if name_at < 0:
            continue
        name_end = name_at + len(indicator.name)
        value_at = text.find(raw, max(name_end, value_cursor), region.end)
        if value_at < 0:
            continue
        spots.append(
            IndicatorSpot(project, index, Span(name_at, name_end), Span(value_at, value_at + len(raw)))
        )
        value_cursor = value_at + len(raw)
        name_cursor = value_cursor if adjacent else name_end
    return spots


# ---------------------------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` of the seed with ``new`` (an insertion when start == end)."""

    start: int
    end: int
    new: str


@dataclass(frozen=True)
class Expected:
    """One change record a correct diff reports for a mutation (``entity``/``change``/``key``/``field``)."""

    entity: str
    change: str
    key: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    direction: str | None = None


@dataclass(frozen=True)
class Mutation:
    """A planted change: text edits, the part of the text it owns, and its effect on the snapshot."""

    kind: Kind
    edits: tuple[Edit, ...]
    footprint: tuple[Span, ...]
    effect: Callable[[Snapshot], Snapshot]
    expected: tuple[Expected, ...]
    describe: str
    #: The seed project index this mutation adds after / removes (structural mutations), else None.
    structural: int | None = None
    #: The project a ``project-added`` mutation inserts after ``structural``.
    added: Project | None = None

    def overlaps(self, other: Mutation) -> bool:
        return any(a.start < b.end and b.start < a.end for a in self.footprint for b in other.footprint)


def _project_key(project: Project) -> str:
    return project.code or project.name


def _indicator(snapshot: Snapshot, spot: IndicatorSpot) -> Indicator:
    if spot.project is None:
        return snapshot.indicators[spot.index]
    return snapshot.projects[spot.project].indicators[spot.index]


def _replace_indicator(
    snapshot: Snapshot, project: int | None, index: int, change: Callable[[Indicator], Indicator]
) -> Snapshot:
    if project is None:
        indicators = list(snapshot.indicators)
        indicators[index] = change(indicators[index])
        return snapshot.model_copy(update={"indicators": indicators})
    projects = list(snapshot.projects)
    own = list(projects[project].indicators)
    own[index] = change(own[index])
    projects[project] = projects[project].model_copy(update={"indicators": own})
    return snapshot.model_copy(update={"projects": projects})


def _indicator_key(seed: Seed, spot: IndicatorSpot) -> str:
    owner = "" if spot.project is None else _project_key(seed.snapshot.projects[spot.project])
    return f"{owner}|{_indicator(seed.snapshot, spot).name}"


def changed_value(raw: str, number: Decimal | None, op: str | None) -> tuple[str, str] | None:
    """A stricter (or, at 100%, looser) target than ``raw``, with the direction a correct diff gives it."""
    if number is None or op not in (">=", ">", "<=", "<"):
        return None
    for match in _NUMBER.finditer(raw):
        if Decimal(match.group()) != number:
            continue
        places = len(match.group().partition(".")[2])
        step = max(Decimal(1), (number * Decimal("0.05")).quantize(Decimal(1)))
        floor = op in (">=", ">")
        if floor and "%" in raw and number + step > 100:
            new, direction = number - step, "loosened"
        elif floor:
            new, direction = number + step, "tightened"
        elif number - step > 0:
            new, direction = number - step, "tightened"
        else:
            new, direction = number + step, "loosened"
        text = f"{new:.{places}f}"
        return raw[: match.start()] + text + raw[match.end() :], direction
    return None


def same_meaning_variant(raw: str) -> str | None:
    """The same target written differently (full-width operator or percent sign, a space, trailing zeros)."""
    candidates = [
        raw.replace("≥", "≧", 1),
        raw.replace("≤", "≦", 1),
        raw.replace("%", "％", 1),
        re.sub(r"^([≥≤><]=?)(\d)", r"\1 \2", raw),
        re.sub(r"^(\d+)%$", r"\1.00%", raw),
    ]
    old = parse_value(raw)
    for candidate in candidates:
        if candidate != raw and values_equal(old, parse_value(candidate)):
            return candidate
    return None


def indicator_value_mutations(seed: Seed, spots: Sequence[IndicatorSpot]) -> Iterator[Mutation]:
    for spot in spots:
        indicator = _indicator(seed.snapshot, spot)
        proposal = changed_value(indicator.value.raw, indicator.value.number, indicator.value.op)
        if proposal is None:
            continue
        new_raw, direction = proposal
        new_value = parse_value(new_raw)
        yield Mutation(
            kind="indicator-value",
            edits=(Edit(spot.value.start, spot.value.end, new_raw),),
            footprint=(spot.value,),
            effect=_set_value(spot, new_raw),
            expected=(
                Expected(
                    "indicator",
                    "modified",
                    _indicator_key(seed, spot),
                    "value",
                    indicator.value.raw,
                    new_value.raw,
                    direction,
                ),
            ),
            describe=f"{indicator.name}: {indicator.value.raw} → {new_raw}",
        )


def _set_value(spot: IndicatorSpot, new_raw: str) -> Callable[[Snapshot], Snapshot]:
    def effect(snapshot: Snapshot) -> Snapshot:
        return _replace_indicator(
            snapshot, spot.project, spot.index, lambda i: i.model_copy(update={"value": parse_value(new_raw)})
        )

    return effect


def same_meaning_mutations(seed: Seed, spots: Sequence[IndicatorSpot]) -> Iterator[Mutation]:
    for spot in spots:
        indicator = _indicator(seed.snapshot, spot)
        variant = same_meaning_variant(indicator.value.raw)
        if variant is None:
            continue
        yield Mutation(
            kind="same-meaning",
            edits=(Edit(spot.value.start, spot.value.end, variant),),
            footprint=(spot.value,),
            effect=_set_value(spot, variant),
            expected=(),
            describe=f"{indicator.name}: {indicator.value.raw} → {variant} (same meaning)",
        )


def rename_mutations(seed: Seed, spots: Sequence[IndicatorSpot]) -> Iterator[Mutation]:
    for spot in spots:
        indicator = _indicator(seed.snapshot, spot)
        new_name = f"全年{indicator.name}"

        def effect(snapshot: Snapshot, spot: IndicatorSpot = spot, new_name: str = new_name) -> Snapshot:
            return _replace_indicator(
                snapshot, spot.project, spot.index, lambda i: i.model_copy(update={"name": new_name})
            )

        yield Mutation(
            kind="indicator-rename",
            edits=(Edit(spot.name.start, spot.name.end, new_name),),
            footprint=(spot.name,),
            effect=effect,
            expected=(
                Expected(
                    "indicator", "renamed", _indicator_key(seed, spot), "name", indicator.name, new_name
                ),
            ),
            describe=f"{indicator.name} → {new_name}",
        )


def _amount_spot(seed: Seed, spot: ProjectSpot) -> Span | None:
    amount = seed.snapshot.projects[spot.index].amount
    if amount is None or amount <= 0:
        return None
    for form in (f"\t{amount}\n", f"{amount}"):
        at = seed.text.find(form, spot.anchor, spot.region.end)
        if at >= 0:
            start = at + (1 if form.startswith("\t") else 0)
            return Span(start, start + len(str(amount)))
    return None


def amount_transfer_mutations(
    seed: Seed, spots: Sequence[ProjectSpot], rng: random.Random
) -> Iterator[Mutation]:
    """预算数 moved between two projects (the total is kept, so the parsers' totals checks still pass)."""
    located = [(s, a) for s in spots if (a := _amount_spot(seed, s)) is not None]
    rng.shuffle(located)
    for (giver, giver_at), (taker, taker_at) in zip(located[0::2], located[1::2], strict=False):
        projects = seed.snapshot.projects
        old_give, old_take = projects[giver.index].amount, projects[taker.index].amount
        assert old_give is not None and old_take is not None
        exponent = old_give.as_tuple().exponent
        assert isinstance(exponent, int)
        delta = (min(old_give, old_take) / 10).quantize(Decimal(1).scaleb(exponent))
        if delta <= 0:
            continue
        new_give, new_take = old_give - delta, (old_take + delta).quantize(old_take)
        yield Mutation(
            kind="amount-transfer",
            edits=(
                Edit(giver_at.start, giver_at.end, str(new_give)),
                Edit(taker_at.start, taker_at.end, str(new_take)),
            ),
            footprint=(giver_at, taker_at),
            effect=_set_amounts({giver.index: new_give, taker.index: new_take}),
            expected=(
                Expected(
                    "project",
                    "modified",
                    _project_key(projects[giver.index]),
                    "amount",
                    str(old_give),
                    str(new_give),
                ),
                Expected(
                    "project",
                    "modified",
                    _project_key(projects[taker.index]),
                    "amount",
                    str(old_take),
                    str(new_take),
                ),
            ),
            describe=f"{delta} moved from {projects[giver.index].name} to {projects[taker.index].name}",
        )


def _set_amounts(amounts: dict[int, Decimal]) -> Callable[[Snapshot], Snapshot]:
    def effect(snapshot: Snapshot) -> Snapshot:
        projects = list(snapshot.projects)
        for index, amount in amounts.items():
            projects[index] = projects[index].model_copy(update={"amount": amount})
        return snapshot.model_copy(update={"projects": projects})

    return effect


def project_removed_mutations(seed: Seed, spots: Sequence[ProjectSpot]) -> Iterator[Mutation]:
    for spot in spots:
        project = seed.snapshot.projects[spot.index]
        yield Mutation(
            kind="project-removed",
            edits=(Edit(spot.region.start, spot.region.end, ""),),
            footprint=(spot.region,),
            effect=lambda s: s,  # applied structurally by expected_snapshot
            expected=(Expected("project", "removed", _project_key(project)),),
            describe=f"removed {project.name}",
            structural=spot.index,
        )


def _new_code(code: str, rng: random.Random) -> str:
    """A code of the same shape: the last five characters redrawn (digits stay digits, letters letters)."""
    tail = "".join(
        rng.choice("0123456789") if c.isdigit() else rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for c in code[-5:]
    )
    return code[:-5] + tail


def project_added_mutations(
    seed: Seed, spots: Sequence[ProjectSpot], rng: random.Random
) -> Iterator[Mutation]:
    """A project's table copied, under a new name and code, right after the original."""
    names = [name for name in _NEW_PROJECT_NAMES if name not in seed.text]
    for n, spot in enumerate(spots):
        project = seed.snapshot.projects[spot.index]
        new_name = f"{names[n % len(names)]}{n // len(names) or ''}"
        new_code = _new_code(project.code, rng) if project.code and len(project.code) > 5 else None
        copy = seed.text[spot.region.start : spot.region.end].replace(project.name, new_name)
        if new_code and project.code:
            copy = copy.replace(project.code, new_code)
        renames = {project.name: new_name, **({project.code: new_code} if project.code and new_code else {})}
        added = Project.model_validate_json(_replace_all(project.model_dump_json(), renames))
        yield Mutation(
            kind="project-added",
            edits=(Edit(spot.region.end, spot.region.end, copy),),
            footprint=(spot.region,),
            effect=lambda s: s,
            expected=(Expected("project", "added", new_code or new_name),),
            describe=f"added {new_name} (a copy of {project.name})",
            structural=spot.index,
            added=added,
        )


def _replace_all(text: str, renames: dict[str, str]) -> str:
    for old, new in renames.items():
        text = text.replace(
            json.dumps(old, ensure_ascii=False)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1]
        )
    return text


# ---------------------------------------------------------------------------------------------------------------
# Applying mutations: the text and the snapshot a correct parser gives for it
# ---------------------------------------------------------------------------------------------------------------


def apply_edits(text: str, mutations: Sequence[Mutation]) -> str:
    """The seed text with every mutation's edits applied (their footprints must not overlap)."""
    edits = sorted((e for m in mutations for e in m.edits), key=lambda e: (e.start, e.end), reverse=True)
    for edit in edits:
        text = text[: edit.start] + edit.new + text[edit.end :]
    return text


def expected_snapshot(seed: Seed, mutations: Sequence[Mutation]) -> Snapshot:
    """The seed's snapshot with each mutation's effect applied, structural ones by seed project index."""
    snapshot = seed.snapshot
    for mutation in mutations:
        snapshot = mutation.effect(snapshot)
    removed = {m.structural for m in mutations if m.kind == "project-removed"}
    added = {m.structural: m.added for m in mutations if m.added is not None}
    projects: list[Project] = []
    for index, project in enumerate(snapshot.projects):
        if index not in removed:
            projects.append(project)
        extra = added.get(index)
        if extra is not None:
            projects.append(extra)
    return snapshot.model_copy(update={"projects": projects})


def comparable(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot as JSON data without its warnings (which a removed project may rightly add)."""
    return snapshot.model_dump(mode="json", by_alias=True, exclude={"warnings"})


def verifies(seed: Seed, mutations: Sequence[Mutation]) -> bool:
    """Whether parsing the mutated text gives exactly the expected snapshot (warnings aside)."""
    try:
        parsed = parse_publication(apply_edits(seed.text, mutations).encode("utf-8"), seed.name).snapshot
    except LedgerError:
        return False
    return comparable(parsed) == comparable(expected_snapshot(seed, mutations))


# ---------------------------------------------------------------------------------------------------------------
# The catalogue: verified mutations per seed
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Catalogue:
    seed: Seed
    mutations: dict[Kind, list[Mutation]] = field(default_factory=dict)
    rejected: dict[Kind, int] = field(default_factory=dict)

    def all(self) -> list[Mutation]:
        return [m for kind in KINDS for m in self.mutations.get(kind, [])]


def build_catalogue(seed: Seed, *, per_kind: int = 8, rng_seed: int = 0, verify: bool = True) -> Catalogue:
    """Up to ``per_kind`` verified mutations of each kind for ``seed`` (deterministic for ``rng_seed``)."""
    rng = random.Random(f"{rng_seed}:{seed.name}")
    text_map = map_text(seed)
    indicator_spots = list(text_map.indicators)
    rng.shuffle(indicator_spots)
    project_spots = list(text_map.projects)
    rng.shuffle(project_spots)
    generators: dict[Kind, Iterator[Mutation]] = {
        "amount-transfer": amount_transfer_mutations(seed, text_map.projects, rng),
        "indicator-value": indicator_value_mutations(seed, indicator_spots),
        "indicator-rename": rename_mutations(seed, indicator_spots[::-1]),
        "same-meaning": same_meaning_mutations(seed, indicator_spots),
        "project-removed": project_removed_mutations(seed, project_spots),
        "project-added": project_added_mutations(seed, project_spots[::-1], rng),
    }
    catalogue = Catalogue(seed)
    for kind, candidates in generators.items():
        kept: list[Mutation] = []
        rejected = 0
        for mutation in candidates:
            if len(kept) >= per_kind or rejected >= 3 * per_kind:
                break
            if any(mutation.overlaps(other) for other in kept if other.kind == "amount-transfer"):
                continue
            if not verify or verifies(seed, [mutation]):
                kept.append(mutation)
            else:
                rejected += 1
        catalogue.mutations[kind] = kept
        catalogue.rejected[kind] = rejected
    return catalogue


def pick_mutations(
    catalogue: Catalogue, rng: random.Random, count: int, taken: Sequence[Mutation] = ()
) -> list[Mutation]:
    """Up to ``count`` more mutations of the catalogue, compatible with each other and with ``taken``."""
    pool = catalogue.all()
    rng.shuffle(pool)
    chosen: list[Mutation] = []
    for mutation in pool:
        if len(chosen) >= count:
            break
        if all(compatible(mutation, other) for other in (*taken, *chosen)):
            chosen.append(mutation)
    return chosen


def compatible(a: Mutation, b: Mutation) -> bool:
    """Two mutations can be applied together: distinct, no shared text, not both reshaping one project."""
    if a is b or a.overlaps(b):
        return False
    return a.structural is None or a.structural != b.structural


# ---------------------------------------------------------------------------------------------------------------
# Department identity and fiscal year
# ---------------------------------------------------------------------------------------------------------------


def place_name(index: int) -> str:
    """The ``index``-th synthetic place: three characters and 县/市/区 (24,000 distinct names)."""
    n = len(_PLACE_CHARS)
    a, rest = divmod(index, n * n * len(_PLACE_SUFFIXES))
    b, rest = divmod(rest, n * len(_PLACE_SUFFIXES))
    c, suffix = divmod(rest, len(_PLACE_SUFFIXES))
    return _PLACE_CHARS[a % n] + _PLACE_CHARS[b] + _PLACE_CHARS[c] + _PLACE_SUFFIXES[suffix]


def department_name(seed: Seed, index: int) -> str:
    """The seed's department with its place replaced (``乐亭县人力资源和社会保障局`` → ``东西南县人力资源和社会保障局``)."""
    name = seed.snapshot.department.name
    match = _PLACE_END.search(name)
    return place_name(index) + (name[match.start() :] if match else name)


def shift_years(text: str, gap: int) -> str:
    """Every year moved by ``gap``, in dates and titles and in the year digits of project codes (not in notice
    refs: the same notices are cited)."""
    if gap == 0:
        return text
    lines = text.split("\n")
    text = "\n".join(
        line if _NOTICE_YEAR.search(line) else _YEAR.sub(lambda m: str(int(m.group(1)) + gap), line)
        for line in lines
    )
    return _CODE_YEAR.sub(lambda m: f"{m.group(1)}{(int(m.group(2)) + gap) % 100:02d}", text)


def rebrand(text: str, seed: Seed, department: str | None, fiscal_year: int) -> str:
    """Rename the department everywhere and move every year by the fiscal-year gap."""
    if department is not None:
        text = text.replace(seed.snapshot.department.name, department)
    return shift_years(text, fiscal_year - seed.snapshot.fiscal_year)


# ---------------------------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One generated publication: department ``department_index`` of ``seed``, one fiscal year, one revision."""

    seed: Seed
    department_index: int
    department: str
    fiscal_year: int
    revision: int
    mutations: tuple[Mutation, ...]

    @property
    def filename(self) -> str:
        return f"{self.seed.stem}-d{self.department_index:05d}-{self.fiscal_year}-r{self.revision}.txt"

    def text(self) -> str:
        return rebrand(
            apply_edits(self.seed.text, self.mutations), self.seed, self.department, self.fiscal_year
        )

    def data(self) -> bytes:
        return self.text().encode("utf-8")

    def manifest(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "seed": self.seed.name,
            "department": self.department,
            "fiscal_year": self.fiscal_year,
            "revision": self.revision,
            "mutations": [{"kind": m.kind, "what": m.describe} for m in self.mutations],
        }


@dataclass(frozen=True)
class CorpusPlan:
    """``versions`` publications: departments cycle through the seeds; each has ``years`` fiscal years of
    ``revisions`` revisions each (the last department may be partial)."""

    versions: int
    years: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024)
    revisions: int = 2
    rng_seed: int = 0
    mutations_per_year: int = 3

    @property
    def per_department(self) -> int:
        return len(self.years) * self.revisions


def generate(plan: CorpusPlan, catalogues: Sequence[Catalogue]) -> Iterator[Version]:
    """The corpus in ingest order: year by year, revision by revision, department by department."""
    return (version_at(plan, catalogues, i) for i in range(plan.versions))


def version_at(plan: CorpusPlan, catalogues: Sequence[Catalogue], i: int) -> Version:
    """The ``i``-th version of the corpus (so worker processes can make any part of it on their own)."""
    departments = -(-plan.versions // plan.per_department)
    slot, d = divmod(i, departments)
    year_index, revision_index = divmod(slot, plan.revisions)
    return _version(plan, catalogues[d % len(catalogues)], d, plan.years[year_index], revision_index + 1)


def _version(plan: CorpusPlan, catalogue: Catalogue, d: int, year: int, revision: int) -> Version:
    # The year's mutations are shared by its revisions; revision r adds r - 1 of its own, so r2 differs from r1.
    base = pick_mutations(catalogue, random.Random(f"{plan.rng_seed}:{d}:{year}"), plan.mutations_per_year)
    extra_rng = random.Random(f"{plan.rng_seed}:{d}:{year}:{revision}")
    extra = pick_mutations(catalogue, extra_rng, revision - 1, taken=base)
    return Version(
        seed=catalogue.seed,
        department_index=d,
        department=department_name(catalogue.seed, d),
        fiscal_year=year,
        revision=revision,
        mutations=tuple(base + extra),
    )


def check_rebrand(seed: Seed, department: str, fiscal_year: int) -> None:
    """Raise unless the seed, renamed and moved to ``fiscal_year``, parses as that department and year."""
    text = rebrand(seed.text, seed, department, fiscal_year)
    parsed = parse_publication(text.encode("utf-8"), seed.name).snapshot
    if (parsed.department.name, parsed.fiscal_year) != (department, fiscal_year):
        raise ValueError(
            f"{seed.name} rebranded as {department} {fiscal_year} parses as "
            f"{parsed.department.name} {parsed.fiscal_year}"
        )


def catalogues_for(
    seeds: Sequence[Seed], *, per_kind: int = 8, rng_seed: int = 0, verify: bool = True
) -> list[Catalogue]:
    """A verified catalogue per seed; with ``verify`` also checks that renaming and moving the year parse."""
    catalogues = []
    for seed in seeds:
        if verify:
            check_rebrand(seed, department_name(seed, 0), seed.snapshot.fiscal_year - 4)
        catalogues.append(build_catalogue(seed, per_kind=per_kind, rng_seed=rng_seed, verify=verify))
    return catalogues


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--versions", type=int, default=100, help="how many publications to write")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the corpus into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    parser.add_argument("--per-kind", type=int, default=8, help="verified mutations per kind and seed")
    args = parser.parse_args(argv)
    seeds = load_seeds()
    catalogues = catalogues_for(seeds, per_kind=args.per_kind, rng_seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    with (args.out / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for version in generate(CorpusPlan(args.versions, rng_seed=args.seed), catalogues):
            data = version.data()
            seen.add(digest(data))
            (args.out / version.filename).write_bytes(data)
            manifest.write(json.dumps(version.manifest(), ensure_ascii=False) + "\n")
    for catalogue in catalogues:
        counts = ", ".join(f"{k} {len(v)}" for k, v in catalogue.mutations.items())
        sys.stdout.write(f"{catalogue.seed.name}: {counts}\n")
    sys.stdout.write(f"wrote {args.versions} versions ({len(seen)} distinct) to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
