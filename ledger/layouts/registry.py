"""The list of layouts. Each layout module adds itself here (one line), in detection-priority order."""

from __future__ import annotations

from ledger.layouts.base import Layout
from ledger.layouts.budget_disclosure import HebeiBudgetDisclosureLayout
from ledger.layouts.guangdong_targets import GuangdongDepartmentTargets
from ledger.layouts.hebei_targets import HebeiTargetsLayout
from ledger.layouts.jiangsu_budget import JiangsuBudgetLayout
from ledger.layouts.project_forms import ProjectApplicationLayout, ProjectSelfEvaluationLayout
from ledger.layouts.standard_budget import StandardBudgetLayout

LAYOUTS: list[Layout] = []
LAYOUTS.append(HebeiTargetsLayout())  # Laoting, Gaoxin: 部门预算绩效目标 with 项目绩效目标表
LAYOUTS.append(GuangdongDepartmentTargets())  # Taishan, Zhanjiang: 广东 部门整体预算绩效目标表
LAYOUTS.append(HebeiBudgetDisclosureLayout())  # Haigang: 部门预算公开 (收支总表 … 项目绩效目标表)
LAYOUTS.append(JiangsuBudgetLayout())  # Jiangsu 省级部门预算: 预算公开表 / narrative / both (2017–2019)
LAYOUTS.append(ProjectApplicationLayout())  # 项目申报表 (XLSX form): one project, sources, indicators
LAYOUTS.append(ProjectSelfEvaluationLayout())  # 项目支出绩效自评表: targets only, results not modelled
LAYOUTS.append(
    StandardBudgetLayout()
)  # any 部门预算公开 by its standard tables (scores below the adapters above)
