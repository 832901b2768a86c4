"""Detectors (docs/architecture.md §6): what auditors look for in a snapshot and in the changes since the one before.

Each detector is a module with ``detect(old, new, changes) -> list[Detection]`` (``old`` is ``None`` for a first
snapshot). :func:`run_detectors` runs them all; :func:`apply_detections` adds each detection's tag to the change
records about the same entity (and field, when the detection names one) and keeps the detections on the result.

=====================  ====================  ==================================================================
module                 tag                   codes
=====================  ====================  ==================================================================
carry_over             carry-over            carry-over-changed, earlier-year-project, carry-over-reconciled,
                                             carry-over-unreconciled
reused_notices         reused-notice         earlier-year-notice, notice-cited-again
stale_references       stale-reference       stale-year-reference
copied_targets         copied-target         copied-goal, copied-goal-year-bumped, copied-indicator-year-bumped,
                                             copied-indicators
=====================  ====================  ==================================================================
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.diff.detectors import carry_over, copied_targets, reused_notices, stale_references
from ledger.diff.detectors.detector import Detector
from ledger.diff.records import Change, Detection, DiffResult
from ledger.model import Snapshot

__all__ = ["DETECTORS", "Detector", "apply_detections", "run_detectors"]

#: Every detector, by name, in report order.
DETECTORS: dict[str, Detector] = {
    "carry-over": carry_over.detect,
    "reused-notices": reused_notices.detect,
    "stale-references": stale_references.detect,
    "copied-targets": copied_targets.detect,
}


def run_detectors(
    old: Snapshot | None,
    new: Snapshot,
    changes: Sequence[Change] = (),
    *,
    only: Sequence[str] | None = None,
) -> list[Detection]:
    """Run the detectors (``only``: some of them, by name) and return their detections in report order."""
    names = list(DETECTORS) if only is None else list(only)
    unknown = [name for name in names if name not in DETECTORS]
    if unknown:
        raise ValueError(f"unknown detector: {', '.join(unknown)} (known: {', '.join(DETECTORS)})")
    detections: list[Detection] = []
    for name in names:
        detections.extend(DETECTORS[name](old, new, changes))
    return detections


def apply_detections(result: DiffResult, detections: Sequence[Detection]) -> DiffResult:
    """A copy of ``result`` with the detections kept and their tags added to the change records they concern."""
    tags_by_place: dict[tuple[str, str], list[Detection]] = {}
    for detection in detections:
        if detection.entity is not None and detection.key is not None:
            tags_by_place.setdefault((detection.entity, detection.key), []).append(detection)
    changes = [
        _tagged(change, tags_by_place.get((change.entity, change.key), [])) for change in result.changes
    ]
    return result.model_copy(update={"changes": changes, "detections": [*result.detections, *detections]})


def _tagged(change: Change, detections: list[Detection]) -> Change:
    tags = list(change.tags)
    for detection in detections:
        concerns = detection.field is None or change.field is None or detection.field == change.field
        if concerns and detection.tag not in tags:
            tags.append(detection.tag)
    return change if tags == change.tags else change.model_copy(update={"tags": tags})
