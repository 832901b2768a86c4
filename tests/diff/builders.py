"""Hand-built snapshots for the diff and detector tests: small, explicit, one fact per argument."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ledger.model import Accounts, Department, Goal, Indicator, Notice, Project, Snapshot
from ledger.model.notices import extract_notices
from ledger.model.values import parse_value


def indicator(
    name: str,
    raw: str = "≥95%",
    *,
    level1: str | None = "产出指标",
    level2: str | None = "数量指标",
    description: str | None = None,
    basis: str | None = "年度工作计划",
) -> Indicator:
    return Indicator(
        level1=level1, level2=level2, name=name, description=description, value=parse_value(raw), basis=basis
    )


def project(
    name: str,
    *,
    code: str | None = None,
    amount: str | None = "10.00",
    indicators: Sequence[Indicator] = (),
    goals: Sequence[str] = (),
    notices: Sequence[str] = (),
    purpose: str | None = None,
    unit: str | None = None,
    spending_plan: dict[str, Decimal] | None = None,
) -> Project:
    return Project(
        code=code,
        name=name,
        unit=unit,
        amount=Decimal(amount) if amount is not None else None,
        fiscal_amount=Decimal(amount) if amount is not None else None,
        purpose=purpose,
        spending_plan=spending_plan or {},
        goals=list(goals),
        indicators=list(indicators),
        notices=list(notices),
    )


def snapshot(
    year: int = 2024,
    *,
    projects: Sequence[Project] = (),
    indicators: Sequence[Indicator] = (),
    goals: Sequence[tuple[str, str]] = (),
    accounts: Accounts | None = None,
    notices: Sequence[str] = (),
    department: str = "测试市人力资源和社会保障局",
    kind: str = "project-targets",
) -> Snapshot:
    found: list[Notice] = [n for ref in notices for n in extract_notices(ref)]
    return Snapshot(
        department=Department(name=department),
        fiscal_year=year,
        document_kind=kind,
        projects=list(projects),
        indicators=list(indicators),
        goals=[Goal(key=key, text=text) for key, text in goals],
        accounts=accounts,
        notices=found,
    )
