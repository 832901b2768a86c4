"""The terminal report (cli/render_diff.py): totals first, tables by entity, CJK columns aligned."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console

from cli.render_diff import render_diff
from ledger.diff import diff_snapshots
from ledger.diff.records import DiffResult
from tests.diff.builders import indicator, project, snapshot


def result() -> DiffResult:
    old = snapshot(
        2023, projects=[project("专网维护费", amount="16.50", indicators=[indicator("满意度", "≥90%")])]
    )
    new = snapshot(
        2024,
        projects=[
            project("专网维护费", amount="14.50", indicators=[indicator("满意度", "≥95%")]),
            project("高校毕业生就业见习补贴经费", amount="25"),
        ],
    )
    return diff_snapshots(old, new, scope="yoy")


def rendered(value: DiffResult, width: int = 160) -> str:
    console = Console(record=True, width=width, color_system=None, force_terminal=False)
    console.print(render_diff(value))
    return console.export_text()


def test_totals_come_first_then_entity_tables() -> None:
    text = rendered(result())
    assert text.index("budget 支出总计") < text.index("项目 (project)") < text.index("绩效指标 (indicator)")
    assert "高校毕业生就业见习补贴经费" in text
    assert "tightened" in text
    assert "+23" in text  # the net project budget change: 14.5 + 25 - 16.5


def test_table_rows_have_one_width_with_chinese_text() -> None:
    tables: list[list[str]] = [[]]
    for line in rendered(result()).splitlines():
        if line[:1] in "┏┃┡│└":
            tables[-1].append(line.rstrip())
        elif tables[-1]:
            tables.append([])
    tables = [table for table in tables if table]
    assert len(tables) == 3
    for table in tables:
        assert len({cell_len(line) for line in table}) == 1, "\n".join(table)


def test_no_changes_says_so() -> None:
    same = snapshot(2024)
    assert "no changes" in rendered(diff_snapshots(same, same, scope="revision"))


def test_the_terminal_report_shows_program_chains_and_scores() -> None:
    from tests.diff.test_samples import diff as sample_diff

    found = sample_diff("seeds/haigang-hrss-2024-budget.txt", "haigang/haigang-hrss-2025-budget.txt", "yoy")
    text = rendered(found, width=250)
    assert "programs 资金项目 — 2" in text
    assert (
        "the 2023 allocation ended (-648.6); the 2025 allocation was added (+648.6); program continues 2023 →"
        in text
    )
    assert "2023 秦财企[2022]692号 ended" in text
    assert "fuzzy-name 87" in text
