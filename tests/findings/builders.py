"""Small builders of snapshots for the findings tests: only the fields a rule reads, everything else defaulted."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from ledger.model import Indicator, IndicatorValue, Project, Snapshot
from ledger.model.values import parse_value
from ledger.pipeline.parse import parse_publication

SEEDS = Path(__file__).resolve().parent.parent.parent / "samples" / "seeds"


def d(text: str) -> Decimal:
    return Decimal(text)


def indicator(
    name: str,
    value: str = "100%",
    *,
    level1: str | None = "产出指标",
    level2: str | None = "数量指标",
    description: str | None = None,
    basis: str | None = None,
) -> Indicator:
    parsed = parse_value(value) if value.strip() else IndicatorValue(raw=value)
    return Indicator(
        level1=level1, level2=level2, name=name, description=description, value=parsed, basis=basis
    )


def cost(name: str, value: str) -> Indicator:
    return indicator(name, value, level2="成本指标")


def project(
    name: str = "测试项目",
    amount: str | None = "100",
    *indicators: Indicator,
    code: str | None = None,
    plan: dict[str, str] | None = None,
    goals: list[str] | None = None,
) -> Project:
    return Project(
        code=code,
        name=name,
        amount=None if amount is None else Decimal(amount),
        indicators=list(indicators),
        spending_plan={month: Decimal(share) for month, share in (plan or {}).items()},
        goals=goals or [],
    )


def snapshot(**fields: object) -> Snapshot:
    base: dict[str, object] = {
        "department": {"name": "测试局"},
        "fiscal_year": 2024,
        "document_kind": "department-targets",
    }
    base.update(fields)
    return Snapshot.model_validate(base)


@cache
def _seed_json(name: str) -> str:
    return parse_publication((SEEDS / name).read_bytes(), name).snapshot.model_dump_json(by_alias=True)


def seed(name: str) -> Snapshot:
    """A fresh snapshot of a real seed publication (parsed once per test run; each call returns a new copy)."""
    return Snapshot.model_validate_json(_seed_json(name))


GAOXIN = "gaoxin-hrss-2024-targets.txt"
HAIGANG = "haigang-hrss-2024-budget.txt"
LAOTING = "laoting-hrss-2024-targets.txt"
TAISHAN = "taishan-hrss-2024-targets.txt"
ZHANJIANG = "zhanjiang-hrss-2024-targets.txt"
