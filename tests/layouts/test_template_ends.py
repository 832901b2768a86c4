"""A publication cut off before its template's end says so (``truncated``): the Hebei layouts' end rules.

Each case removes the blocks of a real seed document after some point (the reader's own blocks, so the cut falls
exactly between two parts of the template) and checks the warning names where the document stops and what is
missing. The Guangdong template's end rules are tested in ``test_guangdong_targets.py``, the project table's
closing 满意度指标 group in ``test_project_table.py``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ledger.layouts.budget_disclosure import HebeiBudgetDisclosureLayout
from ledger.layouts.hebei_targets import HebeiTargetsLayout
from ledger.model import ParseWarning, Snapshot
from ledger.readers import read_document
from ledger.readers.document import Document, Paragraph, Table

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
DISCLOSURE = HebeiBudgetDisclosureLayout()
TARGETS = HebeiTargetsLayout()


def _document(name: str) -> Document:
    path = SEEDS / name
    return read_document(path.read_bytes(), path.name)


@pytest.fixture(scope="module")
def haigang() -> Document:
    return _document("haigang-hrss-2024-budget.txt")


@pytest.fixture(scope="module")
def gaoxin() -> Document:
    return _document("gaoxin-hrss-2024-targets.txt")


def _truncated(snapshot: Snapshot) -> list[ParseWarning]:
    return [warning for warning in snapshot.warnings if warning.code == "truncated"]


def _up_to(document: Document, is_last: int) -> Document:
    return replace(document, blocks=tuple(document.blocks[: is_last + 1]))


def _index(document: Document, text: str) -> int:
    """The index of the first paragraph containing ``text``."""
    return next(
        i for i, block in enumerate(document.blocks) if isinstance(block, Paragraph) and text in block.text
    )


def test_whole_publications_are_not_marked(haigang: Document, gaoxin: Document) -> None:
    assert _truncated(DISCLOSURE.parse(haigang)) == []
    assert _truncated(TARGETS.parse(gaoxin)) == []


@pytest.mark.parametrize(
    ("last_paragraph", "stops"),
    [
        ("一、部门职责及机构设置情况", "一、部门职责及机构设置情况"),
        ("五、部门整体绩效目标", "五、部门整体绩效目标"),
        ("八、政府采购预算情况", "八、政府采购预算情况"),
        ("九、国有资产信息", "九、国有资产信息"),  # the heading without its 固定资产占用情况表
    ],
)
def test_a_disclosure_cut_in_its_narrative_is_truncated(
    haigang: Document, last_paragraph: str, stops: str
) -> None:
    cut = _up_to(haigang, _index(haigang, last_paragraph))
    (warning,) = _truncated(DISCLOSURE.parse(cut))
    assert stops in warning.message and "固定资产占用情况表" in warning.message


def test_a_disclosure_cut_in_its_account_tables_is_truncated(haigang: Document) -> None:
    tables = [i for i, block in enumerate(haigang.blocks) if isinstance(block, Table)]
    cut = _up_to(haigang, tables[2])  # 收支总表, 收入总表, 支出总表
    (warning,) = _truncated(DISCLOSURE.parse(cut))
    assert "部门预算支出总表" in warning.message and "三公经费支出表" in warning.message


def test_a_disclosure_after_its_last_section_with_figures_is_whole(haigang: Document) -> None:
    """十、名词解释 and 十一、其他需要说明的事项 carry no figures: a cut there loses nothing the snapshot holds."""
    cut = _up_to(haigang, _index(haigang, "十、名词解释"))
    assert _truncated(DISCLOSURE.parse(cut)) == []


@pytest.mark.parametrize(
    "title", ["9村村民参加企业职工养", "9村村民参加企业职工养老保险财政补贴项目绩效目标表"]
)
def test_a_targets_document_ending_with_the_next_projects_title_is_truncated(
    gaoxin: Document, title: str
) -> None:
    first_table = next(i for i, block in enumerate(gaoxin.blocks) if isinstance(block, Table))
    cut = replace(gaoxin, blocks=(*gaoxin.blocks[: first_table + 1], Paragraph(text=title)))
    (warning,) = _truncated(TARGETS.parse(cut))
    assert title in warning.message and "项目绩效目标表 is missing" in warning.message


def test_a_long_closing_note_after_the_last_table_is_not_a_title(gaoxin: Document) -> None:
    note = (
        "注："
        + "本表所列绩效指标均依据年度工作计划和以往工作经验测算，执行中如有调整将按程序报批并及时公开。" * 2
    )
    whole = replace(gaoxin, blocks=(*gaoxin.blocks, Paragraph(text=note)))
    assert _truncated(TARGETS.parse(whole)) == []


def test_a_disclosure_cut_after_the_title_of_its_narrative_is_truncated(haigang: Document) -> None:
    cut = _up_to(haigang, _index(haigang, "情况说明"))
    (warning,) = _truncated(DISCLOSURE.parse(cut))
    assert "before its first section" in warning.message


def test_a_targets_document_ending_with_a_bare_heading_bookmark_is_truncated(gaoxin: Document) -> None:
    first_table = next(i for i, block in enumerate(gaoxin.blocks) if isinstance(block, Table))
    bookmark = "[bookmark: _Toc_4_4_0000000018]"
    cut = replace(gaoxin, blocks=(*gaoxin.blocks[: first_table + 1], Paragraph(text=bookmark)))
    (warning,) = _truncated(TARGETS.parse(cut))
    assert bookmark in warning.message
