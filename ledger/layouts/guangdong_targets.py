"""Layout: Guangdong 部门整体预算绩效目标表 (department-wide performance targets), in any textual form.

One layout for one template: the flattened spreadsheet outline (Zhanjiang's 2024年市级部门整体预算绩效目标表) goes
through :func:`~ledger.layouts.guangdong_forms.from_outline`, every form that keeps the table's rows (Taishan's PDF
text 批复表) through :func:`~ledger.layouts.guangdong_forms.from_grid`; both end in the same
:func:`~ledger.layouts.guangdong_template.build_snapshot`.
"""

from __future__ import annotations

from ledger.layouts.guangdong_forms import from_grid, from_outline, is_outline
from ledger.layouts.guangdong_template import build_snapshot, compact
from ledger.model import Snapshot
from ledger.readers.document import Document

#: The template's own labels; the Hebei project tables and budget disclosures share at most two of them.
MARKERS = (
    "部门名称",
    "基本信息",
    "财政供养人员数",
    "下属二级单位",
    "预算整体情况",
    "部门预算支出",
    "收入来源",
    "总体绩效目标",
    "年度重点工作任务",
    "绩效指标",
)
#: How many markers make the template: all but a few, so one missing or mangled label does not lose the document.
MIN_MARKERS = 7


class GuangdongDepartmentTargets:
    """广东 部门整体预算绩效目标表 / 批复表 → a ``department-targets`` snapshot."""

    name = "guangdong-department-targets"
    version = "2"
    looks_for = (
        "the Guangdong 部门整体预算绩效目标表 (部门名称, 基本信息, 预算整体情况, 年度重点工作任务, 绩效指标)"
    )

    def detect(self, document: Document) -> int:
        """10 points per template label found (whitespace ignored: PDF text splits labels), 0 below the minimum."""
        text = compact(document.text())
        found = sum(1 for marker in MARKERS if marker in text)
        return found * 10 if found >= MIN_MARKERS else 0

    def parse(self, document: Document) -> Snapshot:
        content = from_outline(document) if is_outline(document) else from_grid(document)
        return build_snapshot(content)
