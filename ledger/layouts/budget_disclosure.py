"""Hebei 部门预算公开 (full department budget disclosure), e.g. 秦皇岛市海港区人力资源和社会保障局 2024.

The layout family, as Hebei county and district departments publish it (DOCX, one cell per line)::

    部门预算收支总表           title row ``323秦皇岛市…局 | 预算年度：2024 | 单位：万元`` on every account table
    部门预算收入总表           by 功能分类科目 (208, 20801, 2080101 …): 合计 | 本年收入 … | 上年结转
    部门预算支出总表           by 功能分类科目: 合计 | 基本支出 | 项目支出 | …
    部门预算财政拨款收支总表, 一般公共预算财政拨款支出表, 一般公共预算财政拨款基本支出表 (经济分类 301 …),
    政府性基金 / 国有资本经营预算财政拨款支出表, 财政拨款“三公”经费支出表
    情况说明                  一、部门职责及机构设置 (unit table) … 三、机关运行经费 … 五、部门整体绩效目标 …
                              七、部门项目预算安排情况及绩效目标 (one 项目绩效目标表 per project) …
                              八、政府采购预算情况 (table) 九、国有资产信息 (table)

Tables are recognised by the caption printed above them and read by column label
(:mod:`ledger.layouts.disclosure_accounts`); the narrative by its numbered sections
(:mod:`ledger.layouts.disclosure_narrative`); project tables by the shared Hebei project-table parser
(:mod:`ledger.layouts.project_table`). Document kind: ``budget-disclosure`` (``budget-tables`` when the file carries
the tables without the 情况说明).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ledger.errors import ParseError
from ledger.layouts import disclosure_narrative as narrative
from ledger.layouts.accounts_tables import TableMeta, read_account_table
from ledger.layouts.claims import read_statements, with_entities
from ledger.layouts.common import captioned_tables, mismatch, table_kind, total
from ledger.layouts.disclosure_accounts import AccountsBuilder, Captioned
from ledger.layouts.project_table import (
    TRUNCATED,
    is_project_table,
    parse_project_table,
    split_project_tables,
)
from ledger.model import (
    Accounts,
    BasicInfo,
    BudgetOverview,
    Department,
    Notice,
    ParseWarning,
    Project,
    Snapshot,
    Unit,
)
from ledger.model.notices import extract_notices
from ledger.readers.document import Block, Document, Table

#: Account-table kinds whose presence marks a budget disclosure (at least two of them must be captioned).
_CORE_KINDS = {
    "statement",
    "income",
    "expenditure",
    "fiscal-statement",
    "general-economic",
    "fiscal-economic",
    "three-public",
}
_TITLE = re.compile(r"^(?P<name>\S{2,40}?)(?P<year>20\d{2})年(?:度)?部门预算")


@dataclass
class _Parts:
    """The document's tables sorted by kind, in order, with the caption above each."""

    tables: dict[str, list[Captioned]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    projects: list[tuple[Table, str | None]] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


class HebeiBudgetDisclosureLayout:
    """Hebei 部门预算公开: account tables by 功能分类/经济分类 subject, 情况说明, project target tables."""

    name = "hebei-budget-disclosure"
    version = "3"  # 2: standard tables (#15); 3: the narrative's claims (statements)
    looks_for = "部门预算公开: captioned 收支总表/收入总表/支出总表 by 功能分类科目 with a 预算年度 title row"

    def detect(self, document: Document) -> int:
        """Two or more captioned account tables, and a table by 功能分类科目."""
        kinds = {kind for caption, _ in _captioned_tables(document.blocks) if (kind := table_kind(caption))}
        core = {"economic" if kind.endswith("-economic") else kind for kind in kinds & _CORE_KINDS}
        if len(core) < 2 or not any("功能分类" in table.text() for table in document.tables()):
            return 0
        has_year_row = any("预算年度" in table.text() for table in document.tables())
        return 60 + 5 * len(core) + (10 if has_year_row else 0)

    def parse(self, document: Document) -> Snapshot:
        parts = _sort_tables(document.blocks)
        builder = AccountsBuilder(tables=parts.tables)
        accounts = builder.build()
        sections = narrative.sections(document.blocks)
        warnings = [*parts.warnings, *builder.warnings]
        if accounts is not None:
            accounts.operating_costs = narrative.operating_costs(sections)
            warnings.extend(_narrative_checks(accounts, sections))
        meta = _first_meta(parts.tables)
        targets = narrative.department_targets(narrative.section(sections, "部门整体绩效目标"))
        warnings.extend(targets.warnings)
        projects = _projects(parts.projects, warnings)
        if accounts is not None:
            _check_projects(accounts, projects, warnings)
        units = parts.units or _units_from_procurement(accounts)
        warnings.extend(_cut_off_before_the_end(parts, sections, document, accounts))
        snapshot = Snapshot(
            department=_department(meta, document),
            fiscal_year=_fiscal_year(meta, document),
            document_kind="budget-disclosure" if sections else "budget-tables",
            units=units,
            basic_info=BasicInfo(staff_count=narrative.staff_count(sections)),
            budget_overview=builder.overview(accounts) if accounts is not None else BudgetOverview(),
            accounts=accounts,
            goals=targets.goals,
            projects=projects,
            indicators=targets.indicators,
            notices=_notices(document),
            warnings=warnings,
        )
        if sections:
            statements = read_statements(document.blocks)
            snapshot = snapshot.model_copy(update={"statements": with_entities(statements, snapshot)})
        return snapshot


# --- tables -------------------------------------------------------------------------------------------------------


def _captioned_tables(blocks: Sequence[Block]) -> list[tuple[str, Table]]:
    """Each table with its caption: the paragraph printed right above it (see :func:`captioned_tables`)."""
    return [(found.caption, found.table) for found in captioned_tables(blocks, reach=1)]


def _sort_tables(blocks: Sequence[Block]) -> _Parts:
    parts = _Parts()
    for caption, table in _captioned_tables(blocks):
        kind = table_kind(caption)
        if kind == "project" or (kind is None and is_project_table(table)):
            pieces = [piece for piece in split_project_tables(table) if is_project_table(piece)]
            parts.projects.extend((piece, caption if n == 0 else None) for n, piece in enumerate(pieces))
        elif kind == "units":
            parts.units.extend(unit for unit in narrative.units_of(table) if unit not in parts.units)
        elif kind is not None:
            parts.tables.setdefault(kind, []).append(
                Captioned(caption=caption, table=read_account_table(table))
            )
        else:
            parts.warnings.append(
                ParseWarning(
                    code="unread-table",
                    message=f"table of {len(table.rows)} rows under no known caption was not read",
                    where=caption or "(no caption)",
                )
            )
    for kind, found in parts.tables.items():
        for extra in found[1:]:
            parts.warnings.append(
                ParseWarning(
                    code="unread-table", message=f"a second {kind} table was not read", where=extra.caption
                )
            )
    return parts


def _first_meta(tables: dict[str, list[Captioned]]) -> TableMeta:
    """The title row of the account tables: the first that names the department, and the first budget year."""
    metas = [captioned.table.meta for found in tables.values() for captioned in found]
    named = next((m for m in metas if m.department_name), TableMeta())
    year = next((m.fiscal_year for m in metas if m.fiscal_year is not None), None)
    return TableMeta(
        department_code=named.department_code,
        department_name=named.department_name,
        fiscal_year=year,
        money_unit=named.money_unit,
    )


def _title_match(document: Document) -> re.Match[str] | None:
    for paragraph in document.paragraphs():
        if match := _TITLE.match(narrative.clean(paragraph.text)):
            return match
    return None


def _department(meta: TableMeta, document: Document) -> Department:
    """The department as the account tables' title row names it (``323秦皇岛市…局``), else as the 情况说明 title."""
    if meta.department_name:
        return Department(name=meta.department_name, code=meta.department_code)
    match = _title_match(document)
    if match is None:
        raise ParseError("the department's name was not found (no title row on the account tables, no title)")
    return Department(name=match["name"], code=None)


def _fiscal_year(meta: TableMeta, document: Document) -> int:
    if meta.fiscal_year is not None:
        return meta.fiscal_year
    match = _title_match(document)
    if match is None:
        raise ParseError("the budget year was not found (no 预算年度 on the account tables, no title year)")
    return int(match["year"])


def _units_from_procurement(accounts: Accounts | None) -> list[Unit]:
    """Units named by the 政府采购 table's 小计 lines, when the document has no 机构设置 table."""
    if accounts is None:
        return []
    return [Unit(name=line.name) for line in accounts.procurement_lines if line.children]


# --- projects -----------------------------------------------------------------------------------------------------


def _projects(tables: Sequence[tuple[Table, str | None]], warnings: list[ParseWarning]) -> list[Project]:
    projects: list[Project] = []
    for table, title in tables:
        project, found = parse_project_table(table, title=title)
        projects.append(project)
        warnings.extend(found)
    return projects


def _check_projects(accounts: Accounts, projects: Sequence[Project], warnings: list[ParseWarning]) -> None:
    """The project tables' 预算数 may not add up to more than the 支出总表's 项目支出.

    A sum below it is not warned about: a disclosure may print target tables for some of its projects only (the
    audit checks report that as a partial breakdown).
    """
    if not projects or accounts.project_expenditure is None:
        return
    if total(p.amount for p in projects) <= accounts.project_expenditure:
        return
    warning = mismatch(
        accounts.project_expenditure,
        (p.amount for p in projects),
        "项目支出 = sum of the 项目绩效目标表 预算数",
        "七、部门项目预算安排情况及绩效目标",
    )
    if warning is not None:
        warnings.append(warning)


# --- the template's end -------------------------------------------------------------------------------------------

#: The account tables' last kind in the template's order (收支总表 … 国有资本经营预算财政拨款支出表, 三公经费支出表).
_LAST_ACCOUNT_TABLE = "three-public"
#: The 情况说明's last section with facts this layout reads, and its table: 九、国有资产信息 / 固定资产占用情况表.
_LAST_SECTION = "国有资产"
_LAST_SECTION_TABLE = "assets"
_NARRATIVE_TITLE = "情况说明"
#: The 三公经费支出表's last line (its items end 一、因公出国（境）费 … 二、公务用车购置及运维费 … 三、公务接待费).
_THREE_PUBLIC_LAST = "公务接待费"


def _three_public_complete(accounts: Accounts | None) -> bool:
    """The 三公经费支出表 reaches its last line, 三、公务接待费, and the line has an amount."""
    three_public = accounts.three_public if accounts is not None else {}
    return any(
        name.endswith(_THREE_PUBLIC_LAST) and amount is not None for name, amount in three_public.items()
    )


def _cut_off_before_the_end(
    parts: _Parts, sections: Sequence[narrative.Section], document: Document, accounts: Accounts | None
) -> list[ParseWarning]:
    """``truncated`` when the document stops before the template's last part with facts in it.

    A 部门预算公开 prints its parts in a fixed order: the account tables (收支总表 first, 三公经费支出表 last), then the
    情况说明, whose sections run 一、部门职责及机构设置 … 七、项目绩效目标表 … 八、政府采购 … 九、国有资产信息 with its
    固定资产占用情况表 (十、名词解释 and after carry no figures). With a 情况说明 (its title or sections), the document
    must reach section 九's table; a file of tables only must reach the 三公经费支出表 and its last line, 三、公务接待费,
    with its amount. Anything shorter lost every later table and project and would otherwise read as a whole,
    smaller publication. (A cut inside section 九's table stays invisible here.)
    """
    if not sections and _NARRATIVE_TITLE in document.text():
        stops = "at the title of the 情况说明, before its first section"
        missing = "every section of the 情况说明 (一、部门职责及机构设置 … 九、国有资产信息)"
    elif sections:
        last = next((s for s in sections if _LAST_SECTION in s.heading), None)
        if last is not None and any(
            table_kind(caption) == _LAST_SECTION_TABLE for caption, _ in _captioned_tables(last.blocks)
        ):
            return []
        stops = f"in section {(last or sections[-1]).heading}"
        missing = "the rest of the 情况说明 through 九、国有资产信息 and its 固定资产占用情况表"
    else:
        if _LAST_ACCOUNT_TABLE in parts.tables:
            if _three_public_complete(accounts):
                return []
            caption = parts.tables[_LAST_ACCOUNT_TABLE][-1].caption
            return [
                ParseWarning(
                    code=TRUNCATED,
                    message=f"the publication is cut off: it stops inside the table {caption}, before its last "
                    f"line {_THREE_PUBLIC_LAST}; missing: the rest of that table, and the 情况说明",
                    where=caption,
                )
            ]
        captions = [found[-1].caption for found in parts.tables.values()]
        stops = f"after the table {captions[-1]}" if captions else "before its first account table"
        missing = "the account tables after it through the 三公经费支出表, and the 情况说明"
    return [
        ParseWarning(
            code=TRUNCATED,
            message=f"the publication is cut off: it stops {stops}; missing: {missing}",
            where=stops,
        )
    ]


# --- narrative cross-checks ---------------------------------------------------------------------------------------


def _narrative_checks(accounts: Accounts, sections: Sequence[narrative.Section]) -> list[ParseWarning]:
    """Totals the 情况说明 states in words agree with the tables (三公经费, fixed assets)."""
    checks: list[tuple[Decimal | None, Decimal | None, str, str]] = [
        (
            narrative.stated_three_public_total(sections),
            next((v for k, v in accounts.three_public.items() if k.endswith(("小计", "合计"))), None),
            "三公经费 stated in the 情况说明 = the 三公经费表 total",
            "四、财政拨款“三公”经费预算情况",
        ),
        (
            narrative.stated_fixed_assets(sections),
            accounts.assets[0].amount if accounts.assets else None,
            "固定资产 stated in the 情况说明 = the 固定资产占用情况表 资产总额",
            "九、国有资产信息",
        ),
    ]
    warnings: list[ParseWarning] = []
    for stated, tabled, what, where in checks:
        if stated is None or tabled is None:
            continue
        if (warning := mismatch(stated, [tabled], what, where)) is not None:
            warnings.append(warning)
    return warnings


def _notices(document: Document) -> list[Notice]:
    return extract_notices(document.text())
