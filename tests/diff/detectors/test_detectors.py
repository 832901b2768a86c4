"""Running the detectors and tagging the change records they concern."""

from __future__ import annotations

import pytest

from ledger.diff import diff_snapshots
from ledger.diff.detectors import DETECTORS, apply_detections, run_detectors
from ledger.diff.records import Detection
from tests.diff.builders import indicator, project, snapshot


def test_every_detector_runs_on_a_first_snapshot() -> None:
    new = snapshot(
        2024, projects=[project("甲", indicators=[indicator("覆盖率", description="反映2022年情况")])]
    )
    found = run_detectors(None, new)
    assert [d.code for d in found] == ["stale-year-reference"]
    assert set(DETECTORS) == {"carry-over", "reused-notices", "stale-references", "copied-targets"}


def test_run_only_some_and_reject_unknown_names() -> None:
    new = snapshot(
        2024, projects=[project("甲", indicators=[indicator("覆盖率", description="反映2022年情况")])]
    )
    assert run_detectors(None, new, only=["carry-over"]) == []
    with pytest.raises(ValueError, match="unknown detector: stale"):
        run_detectors(None, new, only=["stale"])


def test_detections_tag_the_records_of_their_entity_and_field() -> None:
    old = snapshot(2024, projects=[project("甲", amount="1", purpose="旧用途")])
    new = snapshot(2024, projects=[project("甲", amount="2", purpose="新用途")])
    result = diff_snapshots(old, new, scope="revision", detect=False)
    on_field = Detection(
        code="x", tag="field-tag", message="m", where="w", entity="project", key="甲", field="amount"
    )
    on_entity = Detection(code="y", tag="entity-tag", message="m", where="w", entity="project", key="甲")
    elsewhere = Detection(code="z", tag="other", message="m", where="w", entity="project", key="乙")
    tagged = apply_detections(result, [on_field, on_entity, elsewhere])
    assert [(c.field, c.tags) for c in tagged.changes] == [
        ("amount", ["field-tag", "entity-tag"]),
        ("fiscal_amount", ["entity-tag"]),
        ("purpose", ["entity-tag"]),
    ]
    assert tagged.detections == [on_field, on_entity, elsewhere]
    assert result.changes[0].tags == []  # the input is not changed
