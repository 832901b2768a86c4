"""The finding record (docs/architecture.md §7) and the naming every rule shares: locations people read, keys machines compare.

A :class:`Finding` is one thing an auditor should look at in one snapshot: *this* project's 成本指标 says 7000万元
against a 4000万元 budget. Its ``key`` names the rule and the place, never the wording or the numbers, so that the
same problem in two versions of a publication has the same key and :func:`ledger.findings.compare` can tell new
findings from resolved and persisting ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.model import Indicator, Project
from ledger.model.canonical import decimal_text
from ledger.model.names import mask_code_year, normalise_name

FINDINGS_SCHEMA = "ledger.findings/1"

Severity = Literal["error", "warning", "info"]
#: Most severe first: ``error`` (the publication contradicts itself), ``warning`` (probably wrong, needs a look),
#: ``info`` (worth knowing, often harmless, e.g. a rounding difference).
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

#: A number, a text, a count or a list of names that a finding is about. Money is Decimal, in 万元.
FactValue = Decimal | int | str | list[str] | None


class Finding(BaseModel):
    """One audit finding. Field names are a public export contract (JSON, CSV, XLSX): add, never rename."""

    model_config = ConfigDict(extra="forbid")

    rule: str  # stable rule id, e.g. ``cost-exceeds-budget``
    severity: Severity
    message: str  # one sentence with the Chinese names of what is involved and the amounts
    location: str  # human readable: ``project 13022524P0008F010032K 汇智人才发展劳务费 / indicator 产出指标/成本指标/…``
    key: str  # rule + location identity, stable across versions (see module docstring)
    facts: dict[str, FactValue] = Field(default_factory=dict)


def severity_rank(severity: Severity) -> int:
    """0 for ``error``, 1 for ``warning``, 2 for ``info``: sorts the most severe first."""
    return SEVERITIES.index(severity)


#: Money units and their power of ten relative to 万元 (ten-thousand yuan), the unit the snapshot keeps amounts in.
_WANYUAN_EXPONENT = {"元": -4, "万元": 0, "亿元": 4}


def in_wanyuan(number: Decimal, unit: str | None) -> Decimal | None:
    """``number`` of ``unit`` in 万元, exactly (a decimal shift, no rounding): 403860.63 元 → 40.3860630 万元.

    None when ``unit`` is not a plain money unit: ``元/人/月`` is a rate, not an amount.
    """
    exponent = _WANYUAN_EXPONENT.get(unit or "")
    return None if exponent is None else number.scaleb(exponent)


def is_money_unit(unit: str | None) -> bool:
    return (unit or "") in _WANYUAN_EXPONENT


def amount(value: Decimal) -> str:
    """An amount as messages show it: the Decimal's own digits, no exponent, no float (``2132.39``, ``0.038``)."""
    return decimal_text(value)


# --- locations (what people read) ---------------------------------------------------------------------------------


def project_label(project: Project) -> str:
    """``project 13022524P0008F010032K 汇智人才发展劳务费`` (the code only when the table has one)."""
    return " ".join(part for part in ("project", project.code, project.name) if part)


def indicator_path(indicator: Indicator) -> str:
    """``产出指标/成本指标/项目金额``: the indicator's place in the tree, unknown levels left out."""
    return "/".join(part for part in (indicator.level1, indicator.level2, indicator.name) if part)


def indicator_label(indicator: Indicator, project: Project | None) -> str:
    """``project … / indicator 产出指标/成本指标/项目金额``, or ``department / indicator …`` for 部门整体 indicators."""
    return f"{scope_label(project)} / indicator {indicator_path(indicator)}"


def scope_label(project: Project | None) -> str:
    """Where an indicator, goal or plan lives: a project or the department as a whole (部门整体)."""
    return "department" if project is None else project_label(project)


# --- identities (what keys are made of) ----------------------------------------------------------------------------


def project_identity(project: Project) -> str:
    """What stays the same for one project across revisions and years.

    The Hebei 项目编码 with its year digits masked (``130225**P0008F010032*``) when there is one: codes carry the
    budget year, names do not always stay put. Otherwise the normalised name (Gaoxin's tables have no codes).
    """
    masked = mask_code_year(project.code)
    if masked is not None:
        return f"project:{masked}"
    if project.code:
        return f"project:{project.code}"
    return f"project:{normalise_name(project.name)}"


def scope_name(project: Project | None) -> str:
    """The Chinese name of a scope for messages: the project's name, or 部门整体 (the department as a whole)."""
    return "部门整体" if project is None else project.name


def scope_identity(project: Project | None) -> str:
    return "department" if project is None else project_identity(project)


def indicator_identity(indicator: Indicator) -> str:
    """(一级, 二级, 三级指标) normalised: the natural key the diff engine aligns indicators by."""
    return "indicator:" + "/".join(
        normalise_name(part) for part in (indicator.level1 or "", indicator.level2 or "", indicator.name)
    )


def make_key(rule: str, *identity: str) -> str:
    """``rule|part|part``: the identity of a finding (see module docstring)."""
    return "|".join((rule, *identity))
