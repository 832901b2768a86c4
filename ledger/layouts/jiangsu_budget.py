"""Layout adapter: Jiangsu provincial department budget disclosures (江苏省级部门预算公开), 2017–2019 template.

The tables are the standard ones and are read as such (:mod:`ledger.layouts.standard_budget`); what is Jiangsu's is
how the template is recognised — its reserve line 单位预留机动经费 and its table titles (收支预算总表 …) — also in a
narrative file that prints no table at all.
"""

from __future__ import annotations

from ledger.layouts.common import squash
from ledger.layouts.standard_budget import StandardBudgetLayout
from ledger.readers.document import Document

#: Words of this template; ``单位预留机动经费`` (a reserve line of Jiangsu provincial budgets) must be among them.
MARKERS = (
    "单位预留机动",
    "收支预算总表",
    "收入预算总表",
    "支出预算总表",
    "财政拨款收支预算总表",
    "财政专户管理资金",
    "机关运行经费",
    "政府采购预算",
)
SIGNATURE = "单位预留机动"  # 单位预留机动经费, also when a table wrapped it over two cells
MIN_MARKERS = 4


class JiangsuBudgetLayout(StandardBudgetLayout):
    """江苏省级部门预算公开: tables file, narrative file, or both in one → budget-tables / -narrative / -disclosure."""

    name = "jiangsu-budget"
    version = "3"  # 2: the standard tables' reader (#15); 3: the narrative's claims (statements)
    looks_for = (
        "the Jiangsu provincial 部门预算 template (收支预算总表 with 单位预留机动经费, 收入/支出预算总表)"
    )

    def detect(self, document: Document) -> int:
        text = squash(document.text())
        if SIGNATURE not in text:
            return 0
        found = sum(1 for marker in MARKERS if marker in text)
        return found * 10 if found >= MIN_MARKERS else 0
