"""Hebei 部门预算绩效目标 publications (Laoting, Gaoxin): department-wide targets, then one table per project.

The layout family, as the county and district departments of Hebei publish it (DOCX, one cell per line)::

    [cover: 高新区人社局 / 2024年部门预算绩效文本 / 高新区人社局编制]
    [第一部分] 部门整体绩效目标
    一、总体绩效目标        overall goal paragraph(s), then 目标1：… 目标2：…
    二、分项绩效目标        （一）item title, then its text (绩效目标：… 绩效指标：…)
    三、工作保障措施        measures (not targets: not part of the snapshot)
    [第二部分] 预算项目绩效目标
    1.考核奖励经费绩效目标表   then the 项目绩效目标表 (read by :mod:`ledger.layouts.project_table`)

Document kind: ``department-targets``. The publication is the department's performance-target disclosure for the
year: its department-wide section (部门整体绩效目标) and its project tables (项目绩效目标) are published together as
one document, once a year, so they form one series. ``project-targets`` is for a publication that carries project
tables only.

A full 部门预算公开 (budget disclosure with 收支总表 etc., e.g. Haigang) also carries such department goals and project
tables; it is not this layout (detection steps aside), though it reads its project tables with the same parser.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ledger.errors import ParseError
from ledger.layouts import project_table
from ledger.layouts.common import BOOKMARK
from ledger.layouts.project_table import (
    is_project_table,
    parse_project_table,
    split_project_tables,
    unit_of_table,
)
from ledger.model import Department, Goal, Notice, ParseWarning, Project, Snapshot, Unit
from ledger.model.notices import extract_notices
from ledger.readers.document import Block, Document, Paragraph, Table

DOCUMENT_KIND = "department-targets"

_SECTIONS = ("总体绩效目标", "分项绩效目标", "工作保障措施")
_SECTION_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])\s*")
_TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_NUMBERED_GOAL = re.compile(r"^目标\s*(?P<key>\d+)\s*[:：]\s*(?P<text>.*)$")
_ITEM = re.compile(r"^[（(](?P<number>[一二三四五六七八九十]+)[）)]\s*(?P<title>.+)$")
#: Headings of a full budget disclosure (部门预算公开): such a document belongs to another layout.
_DISCLOSURE_TABLE = re.compile(r"收支总表|收入总表|支出总表|财政拨款收支总表|三公.?经费支出表")
_TITLE_YEAR = re.compile(r"(?P<year>20\d{2})\s*年(?:度)?\s*(?:部门|单位)(?:整体)?(?:预算)?(?:绩效|支出)")
#: Hebei project codes carry the budget year after the six-digit region code: 130225 24 P…
_CODE_YEAR = re.compile(r"^\d{6}(?P<year>\d{2})P")
_ANY_YEAR = re.compile(r"(?P<year>20\d{2})\s*年")
_COMPILED_BY = re.compile(r"^(?P<name>\S{2,40}?)编制$")
_NAME_BEFORE_YEAR = re.compile(r"^(?P<name>\S{2,40}?)20\d{2}年")
_DEPARTMENT_WORD = re.compile(r"(?:局|委员会|委|办公室|办|中心|厅|院|部|处|会)$")
_BASE_UNIT = "本级"  # 本级: the department's own (head) unit, e.g. 乐亭县人力资源和社会保障局本级


def _clean(paragraph: str) -> str:
    return BOOKMARK.sub("", paragraph).strip()


def _section_of(paragraph: str) -> str | None:
    """The section a heading opens: ``[bookmark: …]一、总体绩效目标`` → ``总体绩效目标``; another top-level
    heading (``三、…``, ``第二部分``) → ``""`` (a section this layout does not read); not a heading → None."""
    cleaned = _clean(paragraph)
    name = _SECTION_NUMBER.sub("", cleaned, count=1).strip()
    if name in _SECTIONS:
        return name
    if _TOP_HEADING.match(cleaned) and len(cleaned) <= 30:
        return ""
    return None


@dataclass
class _ProjectBlock:
    table: Table
    title: str | None
    position: int  # index of the table in the document's blocks


class HebeiTargetsLayout:
    """Hebei 部门预算绩效目标 (department + project performance targets), e.g. Laoting and Gaoxin 2024."""

    name = "hebei-targets"
    version = "2"
    looks_for = "总体绩效目标/分项绩效目标 sections and 项目绩效目标表 tables (项目编码, 预算规模及资金用途, 一级指标)"

    def detect(self, document: Document) -> int:
        """Project tables of the Hebei template and no budget-disclosure accounts tables."""
        paragraphs = [_clean(p.text) for p in document.paragraphs()]
        if any(_DISCLOSURE_TABLE.search(p) for p in paragraphs):
            return 0
        tables = sum(
            1 for t in document.tables() for part in split_project_tables(t) if is_project_table(part)
        )
        if tables == 0:
            return 0
        has_overall = any(_section_of(p) == "总体绩效目标" for p in paragraphs)
        return 50 + (20 if has_overall else 0) + min(tables, 20)

    def parse(self, document: Document) -> Snapshot:
        blocks = list(document.blocks)
        project_blocks = _project_blocks(blocks)
        if not project_blocks:
            raise ParseError("no 项目绩效目标表 (project performance target table) found")
        first_table = project_blocks[0].position
        department_paragraphs = [_clean(b.text) for b in blocks[:first_table] if isinstance(b, Paragraph)]

        warnings: list[ParseWarning] = []
        units: list[Unit] = []
        projects: list[Project] = []
        for block in project_blocks:
            project, project_warnings = parse_project_table(block.table, title=block.title)
            projects.append(project)
            warnings.extend(_at_document_end(project_warnings, block, blocks))
            unit = unit_of_table(block.table)
            if unit is not None and unit not in units:
                units.append(unit)
        warnings.extend(_unread_tables(blocks, project_blocks))
        warnings.extend(_title_without_table(blocks, project_blocks))

        department = _department(units, department_paragraphs)
        return Snapshot(
            department=department,
            fiscal_year=_fiscal_year(department_paragraphs, projects, document),
            document_kind=DOCUMENT_KIND,
            units=units,
            goals=_goals(department_paragraphs, warnings),
            projects=projects,
            notices=_notices(document),
            warnings=warnings,
        )


# --- blocks -----------------------------------------------------------------------------------------------------


def _project_blocks(blocks: Sequence[Block]) -> list[_ProjectBlock]:
    """Each project table with the title printed above it (``1.考核奖励经费绩效目标表``)."""
    found: list[_ProjectBlock] = []
    pending: list[str] = []
    for position, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            pending.append(_clean(block.text))
            continue
        parts = [part for part in split_project_tables(block) if is_project_table(part)]
        for number, part in enumerate(parts):
            found.append(
                _ProjectBlock(table=part, title=_title(pending) if number == 0 else None, position=position)
            )
        pending = []
    return found


def _title(paragraphs: Sequence[str]) -> str | None:
    """The title above a table; a title broken in two (``9村…补贴`` / ``项目绩效目标表``) is joined."""
    lines = [p for p in paragraphs if p]
    if not lines:
        return None
    last = lines[-1]
    if re.fullmatch(r"(?:项目)?绩效目标表", last) and len(lines) > 1:
        return lines[-2] + last
    return last if last.endswith("绩效目标表") else None


def _at_document_end(
    warnings: list[ParseWarning], block: _ProjectBlock, blocks: Sequence[Block]
) -> list[ParseWarning]:
    """A truncated table that is the document's last block: say that the publication itself is cut off there."""
    trailing = [
        b for b in blocks[block.position + 1 :] if not (isinstance(b, Paragraph) and not b.text.strip())
    ]
    if trailing:
        return warnings
    return [
        w.model_copy(update={"message": f"{w.message} — the document ends here: the publication is cut off"})
        if w.code == project_table.TRUNCATED
        else w
        for w in warnings
    ]


#: Longest text taken for a project title (the longest seed title is under 40 characters).
_TITLE_LENGTH = 80


def _title_without_table(
    blocks: Sequence[Block], project_blocks: Sequence[_ProjectBlock]
) -> list[ParseWarning]:
    """``truncated`` when the document ends with what opens another project: a title and no table under it.

    In this template every project table has its title printed above it (``1.考核奖励经费绩效目标表``), and the
    tables are the document's last part. Where every table has one, short text after the last table is the next
    project's title, possibly cut itself (``9村村民参加企业职工养``): the publication stops before that table.
    A title's bookmark alone (``[bookmark: _Toc…]``, the DOCX heading anchor) counts: the title was cut right
    after it. Longer text (a closing note) is not taken for a title.
    """
    if not project_blocks or any(block.title is None for block in project_blocks):
        return []
    after = [b.text for b in blocks[project_blocks[-1].position + 1 :] if isinstance(b, Paragraph)]
    text = "".join(_clean(paragraph) for paragraph in after)
    # A heading's table-of-contents bookmark with nothing after it is a title begun and cut at once.
    begun = text or next((match[0] for p in after if (match := BOOKMARK.search(p))), "")
    if not begun or len(text) > _TITLE_LENGTH:
        return []
    text = begun
    return [
        ParseWarning(
            code=project_table.TRUNCATED,
            message=f"the document ends with {text!r} after its last project table: the next project's "
            "项目绩效目标表 is missing — the publication is cut off",
            where=text,
        )
    ]


def _unread_tables(blocks: Sequence[Block], project_blocks: Sequence[_ProjectBlock]) -> list[ParseWarning]:
    read = {b.position for b in project_blocks}
    return [
        ParseWarning(
            code="unread-table",
            message=f"table of {len(block.rows)} rows is not a 项目绩效目标表 and was not read",
            where=f"block {position + 1}",
        )
        for position, block in enumerate(blocks)
        if isinstance(block, Table) and position not in read
    ]


# --- department -------------------------------------------------------------------------------------------------


def _department(units: Sequence[Unit], paragraphs: Sequence[str]) -> Department:
    """The department as the document names it; never a name the document does not print.

    The head unit (``356001乐亭县人力资源和社会保障局本级``) names the department in full; otherwise the cover
    (``高新区人社局编制``, or a title ``…2024年部门…``). The department code is the prefix the unit codes share: in
    Hebei a budget unit's six-digit code is the department's three digits followed by the unit's three.
    """
    name = _name_from_units(units) or _name_from_cover(paragraphs)
    if name is None:
        raise ParseError("the department's name was not found (no 本级 unit line and no cover line)")
    return Department(name=name, code=_code_from_units(units))


def _name_from_units(units: Sequence[Unit]) -> str | None:
    for unit in units:
        if unit.name.endswith(_BASE_UNIT) and len(unit.name) > len(_BASE_UNIT):
            return unit.name[: -len(_BASE_UNIT)]
    return None


def _name_from_cover(paragraphs: Sequence[str]) -> str | None:
    for paragraph in paragraphs[:10]:
        for pattern in (_COMPILED_BY, _NAME_BEFORE_YEAR):
            match = pattern.match(paragraph)
            if match and _DEPARTMENT_WORD.search(match.group("name")):
                return match.group("name")
    for paragraph in paragraphs[:3]:
        if len(paragraph) <= 30 and _DEPARTMENT_WORD.search(paragraph):
            return paragraph
    return None


def _code_from_units(units: Sequence[Unit]) -> str | None:
    codes = {u.code for u in units if u.code}
    if not codes or not all(len(c) == 6 and c.isdigit() for c in codes):
        return None
    prefixes = {c[:3] for c in codes}
    return prefixes.pop() if len(prefixes) == 1 else None


def _fiscal_year(paragraphs: Sequence[str], projects: Sequence[Project], document: Document) -> int:
    """The budget year: a title (``2024年部门预算绩效文本``), else the year in the project codes, else the year
    the text names most often."""
    for paragraph in paragraphs:
        match = _TITLE_YEAR.search(paragraph)
        if match:
            return int(match.group("year"))
    code_years = Counter(
        2000 + int(m.group("year"))
        for p in projects
        if p.code and (m := _CODE_YEAR.match(p.code)) is not None
    )
    if code_years:
        return code_years.most_common(1)[0][0]
    mentioned = Counter(int(m.group("year")) for m in _ANY_YEAR.finditer(document.text()))
    if mentioned:
        return mentioned.most_common(1)[0][0]
    raise ParseError(
        "the fiscal year was not found (no title year, no project code year, no year in the text)"
    )


# --- goals ------------------------------------------------------------------------------------------------------


def _goals(paragraphs: Sequence[str], warnings: list[ParseWarning]) -> list[Goal]:
    """总体绩效目标 and 分项绩效目标 as goals.

    Keys: ``目标1：…`` → ``"1"``; unnumbered overall paragraphs → ``"总体"``, ``"总体2"`` …; each 分项绩效目标 item
    ``（一）title`` → ``"分项1"`` … with the text ``title`` followed by its paragraphs, one per line.
    """
    goals: list[Goal] = []
    overall = 0
    items: list[tuple[str, list[str]]] = []
    section = ""
    for paragraph in paragraphs:
        opened = _section_of(paragraph)
        if opened is not None:
            section = opened
            continue
        if section == "总体绩效目标":
            numbered = _NUMBERED_GOAL.match(paragraph)
            if numbered:
                goals.append(Goal(key=numbered.group("key"), text=numbered.group("text").strip()))
            else:
                overall += 1
                goals.append(Goal(key="总体" if overall == 1 else f"总体{overall}", text=paragraph))
        elif section == "分项绩效目标":
            item = _ITEM.match(paragraph)
            if item:
                items.append((item.group("title").strip(), []))
            elif items:
                items[-1][1].append(paragraph)
            else:
                warnings.append(
                    ParseWarning(code="unread-paragraph", message=paragraph[:80], where="分项绩效目标")
                )
    goals.extend(
        Goal(key=f"分项{n}", text="\n".join([title, *body])) for n, (title, body) in enumerate(items, 1)
    )
    _warn_duplicate_keys(goals, warnings)
    return goals


def _warn_duplicate_keys(goals: Iterable[Goal], warnings: list[ParseWarning]) -> None:
    counts = Counter(g.key for g in goals)
    for key, count in counts.items():
        if count > 1:
            warnings.append(
                ParseWarning(
                    code="duplicate-goal",
                    message=f"goal key {key!r} appears {count} times",
                    where="总体绩效目标",
                )
            )


# --- notices ----------------------------------------------------------------------------------------------------


def _notices(document: Document) -> list[Notice]:
    """Every funding notice the publication cites, in order of first mention, each once."""
    found: dict[str, Notice] = {}
    for notice in extract_notices(document.text()):
        found.setdefault(notice.ref, notice)
    return list(found.values())
