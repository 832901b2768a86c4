"""The narrative (情况说明) of a budget disclosure: units, staff, 机关运行经费, the 三公 and asset totals it states,
and the department's performance goals (部门整体绩效目标).

The narrative is a sequence of numbered sections (``一、部门职责及机构设置情况`` … ``九、国有资产信息``). Figures are
taken from the section that states them, with the wording that names them, never from anywhere in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.errors import ValueParseError
from ledger.layouts.common import BOOKMARK
from ledger.model import Goal, Indicator, IndicatorValue, ParseWarning, Unit
from ledger.model.values import parse_amount
from ledger.readers.document import Block, Paragraph, Table

_TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、\s*\S")
_SUB_HEADING = re.compile(r"^[（(](?P<number>[一二三四五六七八九十]+)[）)]\s*(?P<title>\S.*)$")
#: ``1、办公室``: a short title without sentence punctuation (a numbered sentence is not a heading).
_ITEM_HEADING = re.compile(r"^(?P<number>\d+)[、.．]\s*(?P<title>[^：:。，,；;]{1,30})$")
_LABEL = re.compile(r"^(?P<label>绩效目标|绩效指标)[：:]\s*(?P<rest>.*)$")
_ITEM_NUMBER = re.compile(r"^[（(]\d+[）)]\s*|^\d+[、.．]\s*")
_AMOUNT = r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*万元"
_OPERATING_COSTS = re.compile(rf"机关运行经费[^。；\d]{{0,12}}?{_AMOUNT}")
_THREE_PUBLIC = re.compile(rf"三公.?经费[^。；\d]{{0,12}}?{_AMOUNT}")
_FIXED_ASSETS = re.compile(rf"固定资产(?:金额|总额|原值)[^。；\d]{{0,6}}?{_AMOUNT}")
_STAFF = re.compile(
    r"(?:实有人数|在职人员|在编人员|编制人数|人员编制|财政供养人员)[^。；\d]{0,8}?(?P<count>\d+)\s*人"
)
_UNIT_CODE = re.compile(r"^(?P<code>\d{3,})\s*(?P<name>\D.*)$")


def clean(text: str) -> str:
    """Paragraph text without DOCX bookmark tags."""
    return BOOKMARK.sub("", text).strip()


@dataclass(frozen=True)
class Section:
    """A top-level section of the narrative: its heading and the blocks under it."""

    heading: str
    blocks: tuple[Block, ...]

    def paragraphs(self) -> list[str]:
        return [text for block in self.blocks if isinstance(block, Paragraph) if (text := clean(block.text))]

    def text(self) -> str:
        return "\n".join(self.paragraphs())


def sections(blocks: Sequence[Block]) -> list[Section]:
    """Split the blocks at top-level headings (``一、…`` as a paragraph of its own)."""
    found: list[Section] = []
    heading: str | None = None
    body: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph) and _is_top_heading(text := clean(block.text)):
            if heading is not None:
                found.append(Section(heading=heading, blocks=tuple(body)))
            heading, body = text, []
        elif heading is not None:
            body.append(block)
    if heading is not None:
        found.append(Section(heading=heading, blocks=tuple(body)))
    return found


def _is_top_heading(text: str) -> bool:
    """``一、部门职责及机构设置情况``: a numbered line short enough to be a heading, not a numbered sentence."""
    return bool(_TOP_HEADING.match(text)) and len(text) <= 40


def section(found: Sequence[Section], *words: str) -> Section | None:
    """The first section whose heading contains all ``words``."""
    return next((s for s in found if all(word in s.heading for word in words)), None)


def _stated_amount(found: Section | None, pattern: re.Pattern[str]) -> Decimal | None:
    if found is None:
        return None
    match = pattern.search(found.text())
    if match is None:
        return None
    try:
        return parse_amount(match["amount"])
    except ValueParseError:  # pragma: no cover - the pattern only captures numbers
        return None


def operating_costs(found: Sequence[Section]) -> Decimal | None:
    """机关运行经费 as the narrative states it (``机关运行经费共计安排131.92万元``)."""
    return _stated_amount(section(found, "机关运行经费"), _OPERATING_COSTS)


def stated_three_public_total(found: Sequence[Section]) -> Decimal | None:
    """The 三公经费 total the narrative states (``财政拨款“三公”经费预算安排7.85万元``), for cross-checking."""
    return _stated_amount(section(found, "三公"), _THREE_PUBLIC)


def stated_fixed_assets(found: Sequence[Section]) -> Decimal | None:
    """The fixed-asset total the narrative states (``上年末固定资产金额为393.70万元``), for cross-checking."""
    return _stated_amount(section(found, "资产"), _FIXED_ASSETS)


def staff_count(found: Sequence[Section]) -> int | None:
    """财政供养 / 实有 staff, only where the 机构设置 section states a head count."""
    described = section(found, "机构")
    if described is None:
        return None
    match = _STAFF.search(described.text())
    return int(match["count"]) if match else None


def units_of(table: Table) -> list[Unit]:
    """Units from the 机构设置 table (``单位名称 | 单位性质 | …``); a leading code (``323001…``) is split off."""
    rows = [tuple(cell.strip() for cell in row) for row in table.rows]
    header = next(
        (i for i, row in enumerate(rows) if any(re.sub(r"\s", "", c) == "单位名称" for c in row)), None
    )
    if header is None:
        return []
    column = next(i for i, c in enumerate(rows[header]) if re.sub(r"\s", "", c) == "单位名称")
    units: list[Unit] = []
    for row in rows[header + 1 :]:
        name = row[column] if column < len(row) else ""
        if not name:
            continue
        match = _UNIT_CODE.match(name)
        unit = Unit(code=match["code"], name=match["name"].strip()) if match else Unit(name=name)
        if unit not in units:
            units.append(unit)
    return units


# --- 部门整体绩效目标 ---------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One 分项绩效目标 item (a division such as ``办公室``): its goal text and its listed 绩效指标."""

    title: str
    goal: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)


@dataclass
class DepartmentTargets:
    goals: list[Goal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


def department_targets(found: Section | None) -> DepartmentTargets:
    """Goals and indicators of the 部门整体绩效目标 section.

    Keys follow the Hebei targets layout: the overall goal (总体绩效目标) is ``总体``; each 分项绩效目标 item
    (``1、办公室`` with ``绩效目标：`` text) is ``分项1`` …, its text the item title then its goal. The items'
    ``绩效指标：`` lists become department-level indicators; they are duties (``负责督办工作``) without a 指标值,
    which a warning says. 工作保障措施 (measures) are not targets and are not read.
    """
    result = DepartmentTargets()
    if found is None:
        return result
    where = found.heading
    overall: list[str] = []
    items: list[_Item] = []
    part = ""
    mode = ""
    for paragraph in found.paragraphs():
        if sub := _SUB_HEADING.match(paragraph):
            title = sub["title"]
            part = "overall" if "总体" in title else "items" if "分项" in title else ""
            continue
        if part == "overall":
            overall.append(paragraph)
        elif part == "items":
            mode = _read_item_paragraph(paragraph, items, mode)
    if overall:
        result.goals.append(Goal(key="总体", text="\n".join(overall)))
    for number, item in enumerate(items, 1):
        result.goals.append(Goal(key=f"分项{number}", text="\n".join([item.title, *item.goal])))
        result.indicators.extend(
            Indicator(name=text, value=IndicatorValue(raw="")) for text in item.indicators
        )
    if result.indicators:
        result.warnings.append(
            ParseWarning(
                code="indicator-without-value",
                message=(
                    f"{len(result.indicators)} 绩效指标 of the 分项绩效目标 are duties without a 指标值 "
                    f"(no 一级/二级指标 either); kept with an empty value"
                ),
                where=where,
            )
        )
    return result


def _read_item_paragraph(paragraph: str, items: list[_Item], mode: str) -> str:
    """Sort one paragraph of 分项绩效目标 into the current item; returns the mode for the next paragraph."""
    if (heading := _ITEM_HEADING.match(paragraph)) is not None:
        items.append(_Item(title=heading["title"].strip()))
        return ""
    if (labelled := _LABEL.match(paragraph)) is not None:
        mode = "goal" if labelled["label"] == "绩效目标" else "indicators"
        paragraph = labelled["rest"]
        if not paragraph:
            return mode
    if not items:
        items.append(_Item(title=""))
    if mode == "indicators":
        items[-1].indicators.append(_ITEM_NUMBER.sub("", paragraph, count=1).strip())
    else:
        items[-1].goal.append(paragraph)
    return mode
