"""The list of layouts. Each layout module adds itself here (one line), in detection-priority order."""

from __future__ import annotations

from ledger.layouts.base import Layout
from ledger.layouts.hebei_targets import HebeiTargetsLayout

LAYOUTS: list[Layout] = []
LAYOUTS.append(HebeiTargetsLayout())  # Laoting, Gaoxin: 部门预算绩效目标 with 项目绩效目标表
