"""The list of layouts. Each layout module adds itself here (one line), in detection-priority order."""

from __future__ import annotations

from ledger.layouts.base import Layout

LAYOUTS: list[Layout] = []
