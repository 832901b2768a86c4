"""Property tests: whatever a parser hands over (any texts, amounts, codes, plans), the rules neither fail nor
produce two findings with one key, and a snapshot compared with itself has nothing new or resolved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.findings import SEVERITIES, compare, find
from ledger.findings.finding import severity_rank
from ledger.model import (
    Accounts,
    EconomicLine,
    FunctionLine,
    Goal,
    Indicator,
    IndicatorValue,
    KeyTask,
    Line,
    ParseWarning,
    Project,
    Snapshot,
)

#: Characters the matchers care about (years, units, operators, 其中, placeholders) and a few others.
_ALPHABET = "0123456789年月日-~至较比提前下达指标:：其中合计成本笔数人数元万亿%≥≤=《》[]秦财企号 ab\n"
texts = st.text(alphabet=_ALPHABET, max_size=30)
amounts = st.one_of(
    st.none(),
    st.decimals(min_value=-1000, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
)
units = st.sampled_from([None, "元", "万元", "亿元", "元/人", "%", "人", "笔", ""])
ops = st.sampled_from([None, ">=", "<=", "=", ">", "<"])


@st.composite
def values(draw: st.DrawFn, depth: int = 0) -> IndicatorValue:
    parts = draw(st.lists(values(depth + 1), max_size=2)) if depth == 0 else []
    return IndicatorValue(
        raw=draw(texts),
        op=draw(ops),
        number=draw(amounts),
        unit=draw(units),
        upper=draw(st.one_of(st.none(), amounts)),
        parts=parts,
    )


indicators = st.builds(
    Indicator,
    level1=st.sampled_from([None, "产出指标", "效益指标"]),
    level2=st.sampled_from([None, "数量指标", "成本指标", "质量指标"]),
    name=st.one_of(texts, st.sampled_from(["指标 5:", "创业担保贷款发放笔数", "项目成本", "参保率"])),
    description=st.one_of(st.none(), texts),
    value=values(),
    basis=st.one_of(st.none(), texts),
)
codes = st.sampled_from(
    [None, "13022524P0008F010032K", "13030223P00MN0M10196D", "13030223P00MN0M10196D", "x"]
)
plans = st.dictionaries(
    st.sampled_from(["3", "03", "6", "10", "12", "x", "13"]),
    st.decimals(min_value=0, max_value=200, places=0, allow_nan=False, allow_infinity=False),
    max_size=5,
)
projects = st.builds(
    Project,
    code=codes,
    name=st.one_of(texts, st.sampled_from(["甲", "甲"])),
    amount=amounts,
    fiscal_amount=amounts,
    spending_plan=plans,
    goals=st.lists(texts, max_size=2),
    indicators=st.lists(indicators, max_size=4),
)
lines = st.recursive(
    st.builds(Line, name=st.one_of(texts, st.sampled_from(["合计", "其中:政府采购"])), amount=amounts),
    lambda children: st.builds(Line, name=texts, amount=amounts, children=st.lists(children, max_size=3)),
    max_leaves=6,
)
function_codes = st.sampled_from(["208", "20801", "2080101", "2080102", "20805", "210", "2"])
accounts = st.builds(
    Accounts,
    income_total=amounts,
    expenditure_total=amounts,
    current_year_income=amounts,
    current_year_expenditure=amounts,
    carry_over=amounts,
    basic_expenditure=amounts,
    project_expenditure=amounts,
    function_lines=st.lists(
        st.builds(
            FunctionLine, code=function_codes, name=texts, total=amounts, basic=amounts, project=amounts
        ),
        max_size=6,
    ),
    economic_lines=st.lists(
        st.builds(
            EconomicLine, code=st.sampled_from(["301", "30101", "30102", "302"]), name=texts, total=amounts
        ),
        max_size=4,
    ),
    three_public=st.dictionaries(
        st.sampled_from(["“三公”经费小计", "因公出国（境）费", "公务用车购置及运维费", "公务接待费"]), amounts
    ),
)
snapshots = st.builds(
    Snapshot,
    department=st.just({"name": "测试局"}),
    fiscal_year=st.integers(min_value=2000, max_value=2100),
    document_kind=st.just("department-targets"),
    accounts=st.one_of(st.none(), accounts),
    budget_overview=st.fixed_dictionaries(
        {"expenditure": st.lists(lines, max_size=3), "income": st.lists(lines, max_size=3)}
    ),
    goals=st.lists(st.builds(Goal, key=st.sampled_from(["1", "2", "1"]), text=texts), max_size=3),
    key_tasks=st.lists(st.builds(KeyTask, name=texts, content=st.one_of(st.none(), texts)), max_size=2),
    projects=st.lists(projects, max_size=4),
    indicators=st.lists(indicators, max_size=5),
    warnings=st.lists(
        st.builds(
            ParseWarning,
            code=st.sampled_from(["truncated", "placeholder-indicator", "row-joined"]),
            message=texts,
            where=texts,
        ),
        max_size=3,
    ),
)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(snapshots)
def test_rules_never_fail_and_keys_are_unique(snapshot: Snapshot) -> None:
    found = find(snapshot)
    assert len({f.key for f in found}) == len(found)
    assert all(f.severity in SEVERITIES and f.message and f.location for f in found)
    ranks = [severity_rank(f.severity) for f in found]
    assert ranks == sorted(ranks)
    assert find(snapshot) == found  # deterministic
    itself = compare(found, found)
    assert (itself.new, itself.resolved, itself.persisting) == ([], [], found)
    facts = [value for finding in found for value in finding.facts.values()]
    assert not any(isinstance(value, float) for value in facts)  # money is Decimal, never float
    assert all(value.is_finite() for value in facts if isinstance(value, Decimal))
