"""Stated versus computed: the claims of a budget explanation (预算情况说明) checked three ways.

A narrative says ``住房公积金（项）492.87 万元，与上年相比增加 101.21 万元，增长 25.84%``. That is three claims an auditor
can check without trusting anyone:

- **against the tables** of the same year: the 住房公积金 line of the 财政拨款支出表 says 492.87;
- **against last year**, when last year's tables are in the ledger: 492.87 − last year's 391.66 = 101.21, and
  101.21 / 391.66 = 25.84 %;
- **against itself**: an amount of 492.87 that grew by 101.21 was 391.66 before, and 101.21 / 391.66 = 25.84 %.

Rounding follows the document's own precision. A figure printed with *n* decimals stands for anything within half a
unit of its last digit (``2,444.1`` ± 0.05, ``25.84%`` ± 0.005 %); a figure computed from table figures (printed to
the cent) may be off by their half cents, carried through the arithmetic. A check passes when stated and computed
differ by no more than the sum: the tolerance is reported with both figures.

A claim whose subject names nothing the tables have is *unmatched*: it is reported, never dropped. A narrative
published without tables (``budget-narrative``) is checked against the tables of the same department and year that
the pipeline hands in.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.findings.finding import Finding, Severity, amount, make_key
from ledger.layouts.claims import Resolved, resolve
from ledger.model import NarrativeStatement, Snapshot

#: ``unchecked``: the claim matched a table line but nothing could be checked (a "no change" claim without an
#: amount, and last year not in the ledger).
Verdict = Literal[
    "agrees", "disagrees-with-tables", "disagrees-with-last-year", "arithmetic-off", "unmatched", "unchecked"
]
VERDICTS: tuple[Verdict, ...] = (
    "agrees",
    "disagrees-with-tables",
    "disagrees-with-last-year",
    "arithmetic-off",
    "unmatched",
    "unchecked",
)
CheckName = Literal["tables", "last-year", "arithmetic"]

#: Half a cent (万元): tables print to the cent, so a table figure stands for anything within this of it.
TABLE_ROUNDING = Decimal("0.005")
_HUNDRED = Decimal(100)
#: The finding rule and severity of each way a claim can fail.
RULES: dict[CheckName, tuple[str, Severity, Verdict]] = {
    "tables": ("claim-disagrees-with-tables", "error", "disagrees-with-tables"),
    "last-year": ("claim-disagrees-with-last-year", "warning", "disagrees-with-last-year"),
    "arithmetic": ("claim-arithmetic-off", "warning", "arithmetic-off"),
}
UNMATCHED_RULE = "claim-unmatched"


class ClaimCheck(BaseModel):
    """One check of one figure of a claim: the stated figure, the computed one and the tolerance used."""

    model_config = ConfigDict(extra="forbid")

    check: CheckName
    figure: Literal["amount", "delta", "percent"]
    stated: Decimal
    computed: Decimal
    tolerance: Decimal
    agrees: bool


class Claim(BaseModel):
    """A statement with what the tables say about it and its verdict. Field names are an export contract."""

    model_config = ConfigDict(extra="forbid")

    statement: NarrativeStatement
    entity: str | None = None  # the table entity it matched (this year's tables)
    table_amount: Decimal | None = None  # this year's table figure
    last_year_amount: Decimal | None = None  # last year's table figure
    checks: list[ClaimCheck] = Field(default_factory=list)
    verdict: Verdict


def half_unit(decimals: int | None) -> Decimal:
    """Half a unit of the last printed digit: 2 decimals → 0.005, none → 0.5."""
    return Decimal(5).scaleb(-(decimals or 0) - 1)


def check_claims(
    snapshot: Snapshot, *, tables: Snapshot | None = None, previous: Snapshot | None = None
) -> list[Claim]:
    """Every statement of ``snapshot`` checked: against ``tables`` (the tables of the same department and year;
    the snapshot itself when it has its own) and ``previous`` (last year's tables), and against itself."""
    own = tables_in(snapshot)
    this_year = own if own is not None else tables
    return [_claim(statement, this_year, previous) for statement in snapshot.statements]


def tables_in(snapshot: Snapshot) -> Snapshot | None:
    """``snapshot`` when it has tables of its own: a narrative's accounts are only the totals it states."""
    if snapshot.accounts is None or snapshot.document_kind == "budget-narrative":
        return None
    return snapshot


def _claim(statement: NarrativeStatement, tables: Snapshot | None, previous: Snapshot | None) -> Claim:
    current = resolve(statement.target, tables) if tables is not None else None
    last = resolve(statement.target, previous) if previous is not None else None
    checks: list[ClaimCheck] = []
    if current is not None and statement.amount is not None:
        checks.append(
            _compare(
                "tables", "amount", statement.amount, current.amount, half_unit(statement.amount_decimals)
            )
        )
    if current is not None and last is not None:
        checks.extend(_against_last_year(statement, current, last))
    checks.extend(_arithmetic(statement))
    failed = next((RULES[c.check][2] for c in checks if not c.agrees), None)
    verdict: Verdict = failed or ("unmatched" if current is None else "agrees" if checks else "unchecked")
    return Claim(
        statement=statement,
        entity=current.entity if current is not None else statement.entity,
        table_amount=current.amount if current is not None else None,
        last_year_amount=last.amount if last is not None else None,
        checks=checks,
        verdict=verdict,
    )


def _compare(
    check: CheckName,
    figure: Literal["amount", "delta", "percent"],
    stated: Decimal,
    computed: Decimal,
    tol: Decimal,
) -> ClaimCheck:
    return ClaimCheck(
        check=check,
        figure=figure,
        stated=stated,
        computed=computed,
        tolerance=tol,
        agrees=abs(stated - computed) <= tol,
    )


def _percent(delta: Decimal, base: Decimal, decimals: int | None) -> Decimal:
    """``delta / base`` in percent, to two more decimals than the stated figure (for reading, not for judging)."""
    return (delta / base * _HUNDRED).quantize(Decimal(1).scaleb(-((decimals or 0) + 2)))


def _percent_tolerance(decimals: int | None, new: Decimal, base: Decimal, error: Decimal) -> Decimal:
    """The stated percent's half unit plus how far ``(new − base) / base`` moves when both are off by ``error``."""
    carried = _HUNDRED * error * (abs(base) + abs(new)) / (base * base)
    return (half_unit(decimals) + carried).quantize(Decimal("0.0001"))


def _against_last_year(statement: NarrativeStatement, current: Resolved, last: Resolved) -> list[ClaimCheck]:
    """The stated change against this year's table figure minus last year's."""
    if statement.delta is None:
        return []
    computed = current.amount - last.amount
    inputs = 2 * TABLE_ROUNDING
    checks = [
        _compare(
            "last-year", "delta", statement.delta, computed, half_unit(statement.delta_decimals) + inputs
        )
    ]
    if statement.percent is not None and last.amount != 0:
        checks.append(
            _compare(
                "last-year",
                "percent",
                statement.percent,
                _percent(computed, last.amount, statement.percent_decimals),
                _percent_tolerance(statement.percent_decimals, current.amount, last.amount, TABLE_ROUNDING),
            )
        )
    return checks


def _arithmetic(statement: NarrativeStatement) -> list[ClaimCheck]:
    """The stated percent against the stated change over the amount it implies for last year (amount − change)."""
    if statement.amount is None or statement.delta is None or statement.percent is None:
        return []
    base = statement.amount - statement.delta
    if base == 0:
        return []
    error = max(half_unit(statement.amount_decimals), half_unit(statement.delta_decimals))
    return [
        _compare(
            "arithmetic",
            "percent",
            statement.percent,
            _percent(statement.delta, base, statement.percent_decimals),
            _percent_tolerance(statement.percent_decimals, statement.amount, base, error),
        )
    ]


# --- findings -----------------------------------------------------------------------------------------------------


def find(
    snapshot: Snapshot, *, tables: Snapshot | None = None, previous: Snapshot | None = None
) -> list[Finding]:
    """A finding for each failed check of each claim, and one for each claim no table line matches."""
    found: list[Finding] = []
    for claim in check_claims(snapshot, tables=tables, previous=previous):
        found.extend(_findings(claim, have_tables=tables_in(snapshot) is not None or tables is not None))
    return found


def claim_identity(statement: NarrativeStatement) -> str:
    """What a claim is about and where it is said: the same claim in two versions has the same identity."""
    return f"claim:{statement.target or statement.subject}@{statement.section or ''}"


def _location(statement: NarrativeStatement) -> str:
    page = f" (p. {statement.page})" if statement.page is not None else ""
    return f"statement {statement.subject}{page}"


def _findings(claim: Claim, *, have_tables: bool) -> list[Finding]:
    statement = claim.statement
    found: list[Finding] = []
    for check in claim.checks:
        if check.agrees:
            continue
        rule, severity, _ = RULES[check.check]
        found.append(
            Finding(
                rule=rule,
                severity=severity,
                message=_message(statement, check),
                location=_location(statement),
                key=make_key(rule, claim_identity(statement), check.figure),
                facts={
                    "stated": check.stated,
                    "computed": check.computed,
                    "difference": check.stated - check.computed,
                    "tolerance": check.tolerance,
                    "entity": claim.entity,
                    "text": statement.text,
                },
            )
        )
    if claim.table_amount is None and have_tables:
        found.append(
            Finding(
                rule=UNMATCHED_RULE,
                severity="info",
                message=f"the narrative's claim about {statement.subject} matches no line of the tables",
                location=_location(statement),
                key=make_key(UNMATCHED_RULE, claim_identity(statement)),
                facts={"target": statement.target, "text": statement.text},
            )
        )
    return found


_AGAINST = {
    "tables": "the tables give",
    "last-year": "this year's tables against last year's give",
    "arithmetic": "its own amount and change give",
}
_FIGURE = {"amount": "amount", "delta": "change", "percent": "percentage"}


def _message(statement: NarrativeStatement, check: ClaimCheck) -> str:
    unit = "%" if check.figure == "percent" else " 万元"
    return (
        f"the narrative states {statement.subject} {_FIGURE[check.figure]} {amount(check.stated)}{unit}; "
        f"{_AGAINST[check.check]} {amount(check.computed)}{unit} (tolerance ±{amount(check.tolerance)})"
    )


def claims_by_entity(claims: Sequence[Claim]) -> dict[str, Claim]:
    """The claims that matched a table entity, by entity key (the first claim of each)."""
    found: dict[str, Claim] = {}
    for claim in claims:
        if claim.entity is not None:
            found.setdefault(claim.entity, claim)
    return found
