"""A short human summary of a snapshot (what `ledger show` prints as a table)."""

from __future__ import annotations

from decimal import Decimal

from ledger.model import Snapshot
from ledger.model.canonical import decimal_text


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else decimal_text(value)


def summarise(snapshot: Snapshot) -> list[tuple[str, str]]:
    """(field, value) rows: identity, budget totals, counts, and every warning."""
    rows: list[tuple[str, str]] = [
        (
            "department 部门",
            snapshot.department.name + (f" ({snapshot.department.code})" if snapshot.department.code else ""),
        ),
        ("fiscal year 年度", str(snapshot.fiscal_year)),
        ("document kind", snapshot.document_kind),
        ("units 单位", "; ".join(f"{u.code or ''} {u.name}".strip() for u in snapshot.units) or "—"),
    ]
    info = snapshot.basic_info
    if info.staff_count is not None or info.subordinate_units is not None:
        rows.append(
            ("staff / subordinate units", f"{info.staff_count or '—'} / {info.subordinate_units or '—'}")
        )
    for line in snapshot.budget_overview.expenditure:
        rows.append((f"expenditure: {line.name}", _amount(line.amount)))
    if snapshot.accounts is not None:
        accounts = snapshot.accounts
        rows += [
            ("income total 收入总计", _amount(accounts.income_total)),
            ("expenditure total 支出总计", _amount(accounts.expenditure_total)),
            ("carry-over 上年结转结余", _amount(accounts.carry_over)),
            (
                "basic / project 基本/项目支出",
                f"{_amount(accounts.basic_expenditure)} / {_amount(accounts.project_expenditure)}",
            ),
        ]
    project_total = sum((p.amount for p in snapshot.projects if p.amount is not None), Decimal(0))
    indicator_count = len(snapshot.indicators) + sum(len(p.indicators) for p in snapshot.projects)
    rows += [
        ("goals 绩效目标", str(len(snapshot.goals))),
        ("key tasks 重点工作任务", str(len(snapshot.key_tasks))),
        ("projects 项目", f"{len(snapshot.projects)} (total {decimal_text(project_total)})"),
        ("indicators 绩效指标", str(indicator_count)),
        ("notices 资金文件", ", ".join(n.ref for n in snapshot.notices) or "—"),
    ]
    rows += [(f"warning: {w.code}", f"{w.where}: {w.message}") for w in snapshot.warnings]
    return rows
