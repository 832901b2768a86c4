"""Derive the sample series from the seed publications by editing copies of their text.

The seeds (``samples/seeds/``) are real 2024 first publications. The diff engine needs series: a revision, a next
year, a previous year. Each derived file here is a seed with a list of small edits, every edit stating what it plants
(samples/README.md lists them with the changes they must produce; tests/diff/test_samples.py asserts exactly those).

    python samples/derive.py          # (re)write the derived files
    python samples/derive.py --check  # exit 1 if a derived file differs from what the edits make

Each edit must match exactly where it says (a count, or the first match after a unique anchor), so a seed that
changes under the edits fails loudly instead of silently planting something else.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
SEEDS = SAMPLES / "seeds"


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` by ``new``: every occurrence (there must be exactly ``count``), or, with ``after``, only the
    first occurrence after the (unique) anchor text."""

    old: str
    new: str
    after: str | None = None
    count: int = 1


class EditError(Exception):
    """An edit did not match the seed as expected."""


def cell(text: str) -> str:
    """One table cell as the DOCX text export writes it: a tab, the text, a newline."""
    return f"\t{text}\n"


def apply(text: str, edits: Sequence[Edit]) -> str:
    for edit in edits:
        if edit.after is not None:
            if text.count(edit.after) != 1:
                raise EditError(f"anchor occurs {text.count(edit.after)} times, not once: {edit.after!r}")
            start = text.index(edit.after) + len(edit.after)
            at = text.find(edit.old, start)
            if at < 0:
                raise EditError(f"{edit.old!r} not found after {edit.after!r}")
            text = text[:at] + edit.new + text[at + len(edit.old) :]
        else:
            found = text.count(edit.old)
            if found != edit.count:
                raise EditError(f"{edit.old!r} occurs {found} times, expected {edit.count}")
            text = text.replace(edit.old, edit.new)
    return text


def cut(text: str, start: str, end: str) -> str:
    """Remove from the (unique) ``start`` up to, not including, the next ``end``."""
    if text.count(start) != 1:
        raise EditError(f"cut start occurs {text.count(start)} times: {start!r}")
    begin = text.index(start)
    stop = text.index(end, begin + len(start))
    return text[:begin] + text[stop:]


def block(text: str, start: str, end: str) -> str:
    """The text from the (unique) ``start`` up to, not including, the next ``end``."""
    if text.count(start) != 1:
        raise EditError(f"block start occurs {text.count(start)} times: {start!r}")
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


# ---------------------------------------------------------------------------------------------------------------
# Haigang 2024, second publication (a revision)
# ---------------------------------------------------------------------------------------------------------------

HG_P1 = cell("13030224P00308P12449R")  # 保障农民工工资支付工作专项经费
HG_P2 = cell("13030224P00308P12599E")  # 干部人事档案管理费
HG_P7 = cell("13030224P00308P124505")  # 劳动争议仲裁办案费
HG_P12 = cell("13030223P00MN0M10196D")  # 秦财企[2022]692 … (a 2023 project)
HG_P13 = cell("13030223P00MN0M10195R")  # 秦财企[2022]694 … (a 2023 project)
HG_P22 = cell("13030223P00MN0M10193J")  # 秦财社[2022]794 … (a 2023 project, 就业补助 2080799)


def haigang_revision(seed: str) -> str:
    """The department corrects project 22's amount (40.39 → 45.39, carried over from 2023) and every total that
    contains it, and revises a few targets; see samples/README.md."""
    return apply(
        seed,
        [
            # R1: project 22 预算数/财政资金 and its cost ceiling (元 in a 万元 table, as printed)
            Edit(cell("40.39"), cell("45.39"), count=2),
            Edit("≤403860.63元", "≤453860.63元"),
            # R2: the 5.00 more is carry-over (一般公共预算 上年结转, 2080799 其他就业补助支出): every total with it
            Edit(cell("70.39"), cell("75.39"), count=14),
            Edit(cell("828.39"), cell("833.39"), count=3),
            Edit(cell("4078.23"), cell("4083.23"), count=8),
            Edit(cell("2320.28"), cell("2325.28"), count=6),
            Edit(cell("2562.23"), cell("2567.23"), count=3),
            Edit(cell("2132.39"), cell("2137.39"), count=1),
            Edit(cell("616.39"), cell("621.39"), count=3),
            # R3: project 22 spends faster (资金支出计划 3月底 25% → 30%)
            Edit(cell("25%"), cell("30%"), after=HG_P22),
            # R4: project 22 goal 1 reworded
            Edit("1.完成全区就业困难人员认定。", "1.完成全区就业困难人员认定和动态管理。", after=HG_P22),
            # R5: project 22 人员认定完成率 moved from 数量指标 to 质量指标 (the second 数量指标 row)
            Edit(
                cell("数量指标") + cell("人员认定完成率"),
                cell("质量指标") + cell("人员认定完成率"),
                after=HG_P22,
            ),
            # R6: project 22 补贴发放及时率 loosened ≥90% → ≥85%
            Edit(
                cell("补贴发放及时率") + cell("就业创业补贴资金、灵活就业社保补贴及时率") + cell("≥90%"),
                cell("补贴发放及时率") + cell("就业创业补贴资金、灵活就业社保补贴及时率") + cell("≥85%"),
                after=HG_P22,
            ),
            # R7: project 1 投诉举报案件完成的及时率 tightened ≥95% → ≥98%
            Edit(cell("≥95%"), cell("≥98%"), after=HG_P1),
            # R8: project 12 管理服务对象人数 renamed 管理服务对象人数（人）
            Edit(cell("管理服务对象人数"), cell("管理服务对象人数（人）"), after=HG_P12),
            # R9 (no change): equal meaning written differently
            Edit(cell("100%") + cell("年度工作计划"), cell("100.00%") + cell("年度工作计划"), after=HG_P2),
            Edit(cell("≥98%"), cell("≧98%"), after=HG_P13),
            Edit(
                "用于保障国有企业退休人员社会化管理服务",
                "用于保障国有企业退休人员　社会化管理服务",
                after=HG_P13,
            ),
            # R10: department goal 分项1 (办公室) reworded
            Edit("综合协调机关重要政务、事务。\n", "综合协调机关重要政务、事务，督促重点工作落实。\n"),
        ],
    )


# ---------------------------------------------------------------------------------------------------------------
# Haigang 2025 (year over year)
# ---------------------------------------------------------------------------------------------------------------

#: The 2025 project that replaces 劳动争议仲裁办案费 (same 25.00, same 功能分类 2080112, so the totals stay).
HG_2025_NEW_PROJECT = "".join(
    [
        "7、高校毕业生就业见习补贴经费绩效目标表\n",
        cell("单位：万元"),
        "\n",
        cell("项目编码"),
        cell("13030225P00308P13017K"),
        cell("项目名称"),
        cell("高校毕业生就业见习补贴经费"),
        "\n",
        cell("预算规模及资金用途"),
        cell("预算数"),
        cell("25.00"),
        cell("其中：财政    资金"),
        cell("25.00"),
        cell("其他资金"),
        cell(""),
        "\n",
        cell(""),
        cell("用于离校未就业高校毕业生就业见习补贴发放及见习基地管理。"),
        "\n",
        cell("资金支出计划（%）"),
        cell("3月底"),
        cell("6月底"),
        cell("10月底"),
        cell("12月底"),
        "\n",
        cell(""),
        cell("25%"),
        cell("50%"),
        cell("75%"),
        cell("100%"),
        "\n",
        cell("绩效目标"),
        "\t1.组织离校未就业高校毕业生参加就业见习\n2.按时足额发放见习补贴\n",
        "\n\n\n",
        cell("一级指标"),
        cell("二级指标"),
        cell("三级指标"),
        cell("绩效指标描述"),
        cell("指标值"),
        cell("指标值确定依据"),
        "\n",
        cell("产出指标"),
        cell("数量指标"),
        cell("见习人数"),
        cell("参加就业见习的高校毕业生人数"),
        cell("≥120人"),
        cell("年度工作计划"),
        "\n",
        cell(""),
        cell("成本指标"),
        cell("见习补贴支出控制数"),
        cell("见习补贴支出控制在预算内"),
        cell("≤25万元"),
        cell("年度工作计划"),
        "\n",
        cell("满意度指标"),
        cell("服务对象满意度指标"),
        cell("见习人员满意度"),
        cell("见习人员对见习安排的满意程度"),
        cell("≥95%"),
        cell("满意度调查"),
        "\n\n\n\n",
    ]
)

HG_P3 = cell("13030224P00308P12452C")  # 工资系统软件技术运维服务费 3.50
HG_P5 = cell("13030224P00308P12456T")  # 劳动保障监察经费
HG_P9 = cell("13030224P00308P12463U")  # 事业单位招聘工作人员经费
HG_P10 = cell("13030224P00308P12454K")  # 专网维护费 16.50
HG_P11 = cell("13030224P00308P12373E")  # 改制企业人员费用
HG_P14 = cell("13030224P00MN0M10402E")  # 秦财企[2023]649号 … (the 2024 allocation of the 中央 program)
HG_P19 = cell("13030224P00308P123813")  # 养老保险各险种经办业务费
HG_P21 = cell("13030224P00308P12387Q")  # 创业就业专项工作经费
HG_P23 = cell("13030224P00308P12392J")  # 人才库档案管理经费
HG_P24 = cell("13030224P00308P123865")  # 再就业资金


def haigang_next_year(seed: str) -> str:
    """Haigang 2025: the same department a year on; see samples/README.md for every edit."""
    text = apply(
        seed,
        [
            # Y1: the year on every account table and in the narrative (no change: the fiscal year itself)
            Edit("预算年度：2024", "预算年度：2025", count=9),
            Edit("2024年部门预算信息公开情况说明", "2025年部门预算信息公开情况说明", count=2),
            Edit("2024年，我部门财政拨款“三公”经费", "2025年，我部门财政拨款“三公”经费"),
            Edit("与2023年相比持平", "与2024年相比持平"),
            Edit("2024年日常公用经费预算（三保）", "2025年日常公用经费预算（三保）", count=3),
            Edit("2024年  预留中", "2025年  预留中"),
            Edit("截止时间：2023-12-31", "截止时间：2024-12-31"),
            # Y8: 2.00 moves from 专网维护费 to 工资系统软件技术运维服务费 (before the codes change)
            Edit(
                cell("16.50") + cell("其中：财政    资金") + cell("16.50"),
                cell("14.50") + cell("其中：财政    资金") + cell("14.50"),
                after=HG_P10,
            ),
            Edit("≤16.5万元", "≤14.5万元", after=HG_P10),
            Edit(
                cell("3.50") + cell("其中：财政    资金") + cell("3.50"),
                cell("5.50") + cell("其中：财政    资金") + cell("5.50"),
                after=HG_P3,
            ),
            Edit("≤3.5万元", "≤5.5万元", after=HG_P3),
            # Y9: targets — tightened, loosened, unit changed, qualitative to numeric
            Edit(
                cell("对投诉举报案件进行结案") + cell("≥95%"),
                cell("对投诉举报案件进行结案") + cell("≥98%"),
                after=HG_P5,
            ),
            Edit(cell("≥98%"), cell("≥95%"), after=HG_P9),
            Edit("≥16000人", "≥16000人次", after=HG_P14),
            Edit(
                cell("享受就业补贴覆盖面") + cell("较上年有所提升"),
                cell("享受就业补贴覆盖面") + cell("≥95%"),
                after=HG_P22,
            ),
            # Y10: project 13 管理服务对象人数 renamed 管理服务对象人数（人）
            Edit(cell("管理服务对象人数"), cell("管理服务对象人数（人）"), after=HG_P13),
            # Y11: project 21 各项工作完成及时率 moved from 时效指标 to 质量指标
            Edit(
                cell("时效指标") + cell("各项工作完成及时率"),
                cell("质量指标") + cell("各项工作完成及时率"),
                after=HG_P21,
            ),
            # Y12: project 19: a description naming 2023 (stale in a 2025 target)
            Edit(
                "养老保险各险种经办业务费用", "按2023年度标准核定的养老保险各险种经办业务费用", after=HG_P19
            ),
            # Y16: project 11 改制单位资金发放覆盖比例 (经济效益指标, ≥95%) becomes 改制单位资金发放覆盖率 under
            # 社会效益指标 (both 效益指标), ≥98%: renamed and moved at once, with its value changed
            Edit(
                cell("经济效益指标")
                + cell("改制单位资金发放覆盖比例")
                + cell("改制单位资金发放覆盖比例")
                + cell("≥95%"),
                cell("社会效益指标")
                + cell("改制单位资金发放覆盖率")
                + cell("改制单位资金发放覆盖比例")
                + cell("≥98%"),
                after=HG_P11,
            ),
            # Y13: the department's 总体绩效目标 gains a clause
            Edit("劳动关系和谐稳定；", "劳动关系和谐稳定，根治欠薪取得新成效；"),
            # Y15 (no change): equal meaning written differently
            Edit(cell("≥95%") + cell("满意度调查"), cell("≥ 95 %") + cell("满意度调查"), after=HG_P21),
            # Y7: 人才库档案管理经费 renamed 人才库档案管理费
            Edit("23、人才库档案管理经费绩效目标表", "23、人才库档案管理费绩效目标表"),
            Edit(cell("人才库档案管理经费"), cell("人才库档案管理费"), after=HG_P23),
            # Y3: the 2025 advance allocation of the 省级 program (613号) replaces 2024's (750号, spent): a new
            # notice, a new project code; the 2023 allocation (694号) is carried over
            Edit("秦财企[2023]750号-关于提前下达2024年", "秦财企[2024]613号-关于提前下达2025年", count=2),
            Edit(cell("13030224P00MN0M104032"), cell("13030225P00MN0M10656B")),
            # Y2: the year digits of the other 2024 codes (project 24 also gets a new check character);
            # project 16 (秦财社[2023]739, 13030224P00MN0M10287W) keeps its 2024 code: carried over into 2025
            Edit(HG_P24, cell("13030225P00308P12386X")),
            Edit("\t13030224P00308P", "\t13030225P00308P", count=16),
        ],
    )
    # Y6: 劳动争议仲裁办案费 (7) is dropped; 高校毕业生就业见习补贴经费 takes its place and its 25.00
    text = cut(text, "7、劳动争议仲裁办案费绩效目标表\n", "8、事业单位人员年度考核绩效目标表\n")
    # Y3: the 中央 program: the 2023 allocation (692号, project 12) is spent and gone, the 2024 one (649号) is
    # carried over with its 2024 code, and the 2025 allocation (611号, 648.60) is added after it
    text = cut(text, "12、秦财企[2022]692-", "13、秦财企[2022]694-")
    return apply(
        text,
        [
            Edit(
                "8、事业单位人员年度考核绩效目标表\n",
                HG_2025_NEW_PROJECT + "8、事业单位人员年度考核绩效目标表\n",
            ),
            Edit("15、秦财企[2024]613号", _allocation_2025(seed) + "15、秦财企[2024]613号"),
        ],
    )


def _allocation_2025(seed: str) -> str:
    """The 2025 allocation of the 中央 program (秦财企[2024]611号), written like the seed's 2024 one (649号) and of
    the same amount (the account tables keep their 2024 amounts, so the project total must too)."""
    return apply(
        block(seed, "14、秦财企[2023]649号-", "15、秦财企[2023]750号"),
        [
            Edit("14、秦财企[2023]649号-关于提前下达2024年", "14、秦财企[2024]611号-关于提前下达2025年"),
            Edit("\t秦财企[2023]649号-关于提前下达2024年", "\t秦财企[2024]611号-关于提前下达2025年"),
            Edit(cell("13030224P00MN0M10402E"), cell("13030225P00MN0M10655A")),
        ],
    )


# ---------------------------------------------------------------------------------------------------------------
# Gaoxin 2024: a self-evaluation (项目支出绩效自评表) of 9村村民参加企业职工养老保险财政补贴
# ---------------------------------------------------------------------------------------------------------------


def row(*cells: str) -> str:
    """One table row as the DOCX text export writes it: its cells, then a blank line."""
    return "".join(cell(text) for text in cells) + "\n"


GX_PROJECT = "9村村民参加企业职工养老保险财政补贴"


def gaoxin_self_evaluation(seed: str) -> str:
    """Gaoxin's self-evaluation of one 2024 project, set against the seed's targets (see samples/README.md)."""
    if seed.count(GX_PROJECT) < 1:
        raise EditError(f"the evaluated project is not in the seed: {GX_PROJECT}")
    return "".join(
        [
            row("2024年度项目支出绩效自评表"),
            row("项目名称", GX_PROJECT, "项目主管部门", "高新区人社局"),
            # S4: 207 of 230 is 90 %, the form says 95 %
            row("项目预算执行情况（万元）", "全年预算数", "全年执行数", "执行率"),
            row("", "230", "207", "95%"),
            row("当年绩效目标", "全年绩效目标", "全年目标实际完成情况"),
            row("", "为9村村民参加企业职工养老保险提供财政补贴", "补贴已按政策标准发放"),
            row(
                "指标类型",
                "指标名称",
                "指标性质",
                "指标值",
                "计量单位",
                "分值",
                "实际完成值",
                "得分",
                "偏差原因",
            ),
            # S1: missed by 4, scored in full, with the stated reason
            row(
                "数量指标",
                "享受补助资金人数",
                "≥",
                "100",
                "人",
                "20",
                "96",
                "20",
                "部分村民转为城乡居民养老保险",
            ),
            row("质量指标", "补助金覆盖率", "≥", "80", "%", "20", "85", "20", ""),
            # S2: a qualitative target missed (compared as text)
            row("", "办理效率", "无", "及时办理", "无", "10", "基本及时", "8", "年初系统切换"),
            row("时效指标", "补贴及时拨付率", "无", "是", "无", "10", "是", "10", ""),
            # S3: a score above its weight
            row("社会效益指标", "对受益人员帮助情况", "无", "是", "无", "10", "是", "12", ""),
            # S5: the form restates the published ≧85% as ≥80%: missed against what was published
            row("服务对象满意度指标", "使用人员满意度", "≥", "80", "%", "10", "82", "10", ""),
            row("合计"),
        ]
    )


# ---------------------------------------------------------------------------------------------------------------
# Laoting 2023 (the year before the seed)
# ---------------------------------------------------------------------------------------------------------------

LT_KAOHE = cell("13022523P0008F010032K")  # 考核奖励经费 (codes already moved to 2023)
LT_RENSHI = cell("13022523P0008F010037M")  # 人事工作经费
LT_ZHAOPIN = cell("13022523P0008F0100337")  # 招聘工作经费
LT_SHEBAO = cell("13022523P004146100136")  # 社保中心运行费
LT_RENCAI = cell("13022523P000021100016")  # 人才市场运行经费
LT_DAIBAN = cell("13022523P00419610003E")  # 省级城乡居民社会保险代办员补助资金


def laoting_previous_year(seed: str) -> str:
    """Laoting 2023, made from the 2024 seed by undoing what 2024 changed; see samples/README.md."""
    text = apply(
        seed,
        [
            # L1, L2, L3, L4: the year (codes, 指标值确定依据, the 总体 goal, two project goals, a project name)
            Edit("\t13022524P", "\t13022523P", count=16),
            Edit("2024年预算指标安排", "2023年预算指标安排", count=35),
            Edit("2024年人力资源社会保障工作的总体要求是", "2023年人力资源社会保障工作的总体要求是"),
            Edit("完成2024年创业担保贷款目标任务", "完成2023年创业担保贷款目标任务", count=4),
            Edit(
                "2024年省级城乡居民社会保险代办员补助资金",
                "2023年省级城乡居民社会保险代办员补助资金",
                count=2,
            ),
            # L5: 2023's 代办员 money came with another notice
            Edit("唐财社【2023】170号", "唐财社【2022】166号", count=6),
            # L6: 考核奖励经费 was 215.00 (2024: 227.00)
            Edit(
                cell("227.00") + cell("其中：财政    资金") + cell("227.00"),
                cell("215.00") + cell("其中：财政    资金") + cell("215.00"),
                after=LT_KAOHE,
            ),
            Edit("≤227万元", "≤215万元", after=LT_KAOHE),
            # L9: 人事工作经费 监察工作完成及时性 was ≥95% (2024 tightens to ≥96%);
            #     招聘工作经费 公开招聘次数 was ≥8次 (2024 loosens to ≥6次)
            Edit(cell("≥96%"), cell("≥95%"), after=LT_RENSHI),
            Edit("≥6次", "≥8次", after=LT_ZHAOPIN),
            # L10: 人才市场运行经费 办公人数 was 办公人数（人）
            Edit(cell("办公人数"), cell("办公人数（人）"), after=LT_RENCAI),
            # L11: 社保中心运行费 各项宣传政策及时公开 was a 社会效益指标 (2024 moves it to 可持续影响指标)
            Edit(
                cell("可持续影响指标") + cell("各项宣传政策及时公开"),
                cell("社会效益指标") + cell("各项宣传政策及时公开"),
                after=LT_SHEBAO,
            ),
        ],
    )
    # L7: CA证书使用费用 did not exist in 2023: its 分项 goal goes (later 分项 renumber) …
    text = cut(text, "（七）CA证书使用费用项目\n", "（八）人才市场运行经费\n")
    text = apply(
        text,
        [
            Edit("（八）人才市场运行经费\n", "（七）人才市场运行经费\n"),
            Edit("（九）就业补助资金项目\n", "（八）就业补助资金项目\n"),
            Edit("（十）创业担保贷款贴息资金项目\n", "（九）创业担保贷款贴息资金项目\n"),
            Edit("（十一）汇智人才发展劳务费项目\n", "（十）汇智人才发展劳务费项目\n"),
        ],
    )
    # … and L8: in the place of its table, a 2023 project that 2024 no longer has, 职业技能提升行动培训补贴
    # (就业服务中心), written on the pattern of 人才市场运行经费.
    ca_table = block(
        text, "[bookmark: _Toc_4_4_0000000009]6.CA证书使用费用绩效目标表", "[bookmark: _Toc_4_4_0000000010]"
    )
    template = block(
        text, "[bookmark: _Toc_4_4_0000000012]9.人才市场运行经费绩效目标表", "[bookmark: _Toc_4_4_0000000013]"
    )
    training = apply(
        template,
        [
            Edit(
                "[bookmark: _Toc_4_4_0000000012]9.人才市场运行经费绩效目标表",
                "[bookmark: _Toc_4_4_0000000009]6.职业技能提升行动培训补贴绩效目标表",
            ),
            Edit(LT_RENCAI, cell("13022523P000021100027")),
            Edit(cell("人才市场运行经费"), cell("职业技能提升行动培训补贴")),
            Edit(
                cell("30.00") + cell("其中：财政    资金") + cell("30.00"),
                cell("60.00") + cell("其中：财政    资金") + cell("60.00"),
            ),
            Edit("用于完成养老保险、医疗保险的代收工作", "用于职业技能提升行动培训补贴发放", count=3),
            Edit(
                cell("办公人数（人）") + cell("办公人数"), cell("培训人数") + cell("参加职业技能提升培训人数")
            ),
            Edit("≥50人", "≥600人"),
            Edit(cell("30万元"), cell("60万元")),
        ],
    )
    return text.replace(ca_table, training)


# ---------------------------------------------------------------------------------------------------------------

DERIVED: dict[str, tuple[str, Callable[[str], str]]] = {
    "haigang/haigang-hrss-2024-budget-r2.txt": ("haigang-hrss-2024-budget.txt", haigang_revision),
    "haigang/haigang-hrss-2025-budget.txt": ("haigang-hrss-2024-budget.txt", haigang_next_year),
    "laoting/laoting-hrss-2023-targets.txt": ("laoting-hrss-2024-targets.txt", laoting_previous_year),
    "gaoxin/gaoxin-hrss-2024-self-evaluation.txt": ("gaoxin-hrss-2024-targets.txt", gaoxin_self_evaluation),
}


def derived_texts() -> dict[Path, str]:
    """Every derived file and the text the edits make of its seed."""
    return {
        SAMPLES / target: make((SEEDS / seed).read_text(encoding="utf-8"))
        for target, (seed, make) in DERIVED.items()
    }


def main(argv: Sequence[str]) -> int:
    check = "--check" in argv
    stale: list[Path] = []
    for path, text in derived_texts().items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in stale:
        sys.stderr.write(f"{path.relative_to(SAMPLES)} differs from what samples/derive.py makes\n")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
