"""Parser warnings that are findings: a truncated document, placeholder rows."""

from __future__ import annotations

from ledger.findings import parse_warnings
from ledger.model import ParseWarning
from tests.findings.builders import LAOTING, TAISHAN, ZHANJIANG, seed, snapshot


def test_mapped_codes_only() -> None:
    warnings = [
        ParseWarning(
            code="truncated", message="the table ends inside row 1", where="16.中央就业补助资金绩效目标表"
        ),
        ParseWarning(
            code="placeholder-indicator", message="'指标 5:' is not an indicator", where="绩效指标 / 效益指标"
        ),
        # a parser matter, not a finding:
        ParseWarning(code="row-joined", message="rows joined", where="表 1"),
    ]
    found = parse_warnings.find(snapshot(warnings=warnings))
    assert [(f.rule, f.severity, f.location, f.key) for f in found] == [
        ("truncated-document", "error", "16.中央就业补助资金绩效目标表", "truncated-document|document"),
        (
            "placeholder-indicator",
            "warning",
            "绩效指标 / 效益指标",
            "placeholder-indicator|where:绩效指标/效益指标",
        ),
    ]
    assert found[0].message == "the table ends inside row 1"


def test_laoting_is_truncated() -> None:
    found = parse_warnings.find(seed(LAOTING))
    assert [(f.rule, f.severity, f.location) for f in found] == [
        ("truncated-document", "error", "16.中央就业补助资金绩效目标表, 指标 row 1")
    ]


def test_placeholder_rows_of_taishan_and_zhanjiang() -> None:
    assert [f.location for f in parse_warnings.find(seed(TAISHAN))] == [
        "绩效指标 / 效益指标 / 经济效益指标",
        "绩效指标 / 效益指标 / 生态效益指标",
    ]
    assert [f.rule for f in parse_warnings.find(seed(ZHANJIANG))] == ["placeholder-indicator"] * 2
