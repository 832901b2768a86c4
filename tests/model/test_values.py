"""Cell values: text clean-up, amounts, percentages, indicator values (指标值) and how targets compare.

The ``parse_value`` table holds every distinct 指标值 spelling of the five seed publications, plus the forms the
product contract names (docs/architecture.md §4); the property tests hold the contract that untrusted text never raises anything but
``ValueParseError``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import ValueParseError
from ledger.model import IndicatorValue
from ledger.model.values import (
    amount_in_wanyuan,
    compare_values,
    mirror_direction,
    normalise_text,
    normalise_unit,
    parse_amount,
    parse_percent,
    parse_value,
    split_amount,
    values_equal,
)

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
D = Decimal

# ----------------------------------------------------------------------------------------------------------------
# normalise_text
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("（９５％）", "(95%)"),
        ("＜５", "<5"),
        ("名称：值", "名称:值"),
        ("≧95%", "≥95%"),
        ("⩾95%", "≥95%"),
        ("≦3%", "≤3%"),
        ("⩽3%", "≤3%"),
        ("≥ 95 %", "≥95%"),
        ("≥ 4900 人", "≥4900人"),
        ("32000 次/年", "32000次/年"),
        ("$\\geq 95\\%$", "≥95%"),
        ("$\\leq 3.0\\%$", "≤3.0%"),
        ("$\\geqslant 90\\%$", "≥90%"),
        ("完成率 95\\%", "完成率95%"),
        ("$\\text{不低于} 95\\%$", "不低于95%"),
        ("价格 $5 以内", "价格$5以内"),  # a lone dollar sign is not LaTeX
        ("<p>1. 甲</p> <p>2. 乙</p>", "1.甲 2.乙"),  # the space before an enumeration marker separates
        ("发展。 2. 促进", "发展。2.促进"),
        ("张三 李四", "张三 李四"),  # two CJK words: the space may be a separator
        ("反映 2022 年", "反映2022年"),
        ("<P>甲</P>", "甲"),
        ("甲\u3000\u3000乙", "甲 乙"),
        ("甲\xa0乙\n丙\t丁", "甲 乙 丙 丁"),
        ("  前后空白  ", "前后空白"),
        ("a  b", "a b"),
        ("人才发展战略,广泛吸纳", "人才发展战略，广泛吸纳"),
        ("50% ,台山", "50%，台山"),
        ("甲，乙、丙。", "甲，乙、丙。"),
        ("1,438.00", "1,438.00"),
        # a full-width comma stays: it may be a list comma, never a thousands separator
        ("１，４３８．００", "1，438.00"),
        ("100㎡", "100㎡"),  # kept as written (NFKC would give "100m2")
        ("\ufeff\u200b是", "是"),
        ("\\\\\\%", "%"),
        ("$\\text{\\text{达到}} 90\\%$", "达到90%"),
        ("<\\text{p}>甲", "甲"),
        ("价格 $5 至 $10", "价格$5至$10"),  # dollar signs without a LaTeX command inside are kept
        ("", ""),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


# ----------------------------------------------------------------------------------------------------------------
# Amounts and percentages
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2491.84", D("2491.84")),
        ("4000万元", D("4000")),
        ("230万元", D("230")),
        ("1,438.00", D("1438.00")),
        ("10891.615675", D("10891.615675")),
        ("0", D("0")),
        ("0.00", D("0")),
        ("-12.5", D("-12.5")),
        ("  828.39 ", D("828.39")),
        ("８２８．３９", D("828.39")),
        ("230元", D("0.0230")),
        ("403860.63元", D("40.386063")),
        ("1.5亿元", D("15000")),
        ("¥100万元", D("100")),
        ("￥ 100", D("100")),
        ("4000万", D("4000")),
        ("2亿", D("20000")),
        ("- 12.5", D("-12.5")),
        ("", None),
        (" ", None),
        ("\u3000", None),
        ("-", None),
        ("—", None),
        ("——", None),
        ("————", None),
        ("/", None),
        ("无", None),
        ("None", None),
    ],
)
def test_parse_amount(raw: str, expected: Decimal | None) -> None:
    assert parse_amount(raw) == expected


def test_parse_amount_keeps_written_precision() -> None:
    assert str(parse_amount("1,438.00")) == "1438.00"
    assert str(parse_amount("10891.615675")) == "10891.615675"


@pytest.mark.parametrize(
    "raw", ["abc", "项目支出", "4000万元（含结转）", "12/3", "1.2.3", "95%", "约100万元", "12 34", "1" * 40]
)
def test_parse_amount_rejects_text_that_is_no_amount(raw: str) -> None:
    with pytest.raises(ValueParseError):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "default_unit", "expected"),
    [
        ("230", "元", D("0.0230")),
        ("403860.63", "元", D("40.386063")),
        ("230万元", "元", D("230")),  # a unit in the cell wins over the table's
        ("1", "亿元", D("10000")),
        ("1.5", "万元", D("1.5")),
        ("", "元", None),
    ],
)
def test_amount_in_wanyuan(raw: str, default_unit: str, expected: Decimal | None) -> None:
    assert amount_in_wanyuan(raw, default_unit) == expected


def test_amount_in_wanyuan_rejects_an_unknown_unit() -> None:
    with pytest.raises(ValueParseError):
        amount_in_wanyuan("1", "美元")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4000万元", (D("4000"), "万元")),
        ("1,438.00", (D("1438.00"), None)),
        ("230元", (D("230"), "元")),
        ("—", None),
    ],
)
def test_split_amount(raw: str, expected: tuple[Decimal, str | None] | None) -> None:
    assert split_amount(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fraction", "expected"),
    [
        ("25%", False, D("25")),
        ("100%", False, D("100")),
        ("100.00%", False, D("100")),
        ("0%", False, D("0")),
        ("25", False, D("25")),
        ("0.25", True, D("25")),
        ("1", True, D("100")),
        ("25%", True, D("25")),  # written with %: never scaled again
        ("", False, None),
        ("—", False, None),
    ],
)
def test_parse_percent(raw: str, fraction: bool, expected: Decimal | None) -> None:
    assert parse_percent(raw, fraction=fraction) == expected


@pytest.mark.parametrize("raw", ["百分之百", "25%%", "≥25%", "25万元"])
def test_parse_percent_rejects_text_that_is_no_percentage(raw: str) -> None:
    with pytest.raises(ValueParseError):
        parse_percent(raw)


# ----------------------------------------------------------------------------------------------------------------
# parse_value: every 指标值 form of the five seeds, and the forms docs/architecture.md §4 lists
# ----------------------------------------------------------------------------------------------------------------

GE, LE, EQ, GT, LT, APPROX = ">=", "<=", "=", ">", "<", "~"

#: (raw, op, number, unit, upper) for values that are nothing but a number target (text None, relative False).
NUMERIC_FORMS: list[tuple[str, str, str, str | None, str | None]] = [
    # docs/architecture.md §4: the same target spelled six ways
    ("≧95%", GE, "95", "%", None),
    ("≥ 95%", GE, "95", "%", None),
    ("$\\geq 95\\%$", GE, "95", "%", None),
    ("不低于95%", GE, "95", "%", None),
    ("95%以上", GE, "95", "%", None),
    (">=95%", GE, "95", "%", None),
    ("≤18万元", LE, "18", "万元", None),
    # operator words
    ("≥95%", GE, "95", "%", None),
    ("＞＝95％", GE, "95", "%", None),
    ("大于等于90%", GE, "90", "%", None),
    ("不少于3次", GE, "3", "次", None),
    ("至少2场", GE, "2", "场", None),
    ("达到95%", GE, "95", "%", None),
    ("90分及以上", GE, "90", "分", None),
    ("不高于5%", LE, "5", "%", None),
    ("不超过10万元", LE, "10", "万元", None),
    ("不多于3次", LE, "3", "次", None),
    ("3%以内", LE, "3", "%", None),
    ("控制在3%以内", LE, "3", "%", None),
    ("5%以下", LE, "5", "%", None),
    ("3个工作日内", LE, "3", "个工作日", None),
    ("低于5%", LT, "5", "%", None),
    ("少于3起", LT, "3", "起", None),
    ("小于1%", LT, "1", "%", None),
    ("大于90%", GT, "90", "%", None),
    ("超过80%", GT, "80", "%", None),
    ("高于85%", GT, "85", "%", None),
    ("＜5%", LT, "5", "%", None),
    ("≥1,000人", GE, "1000", "人", None),
    ("≥95%。", GE, "95", "%", None),  # closing punctuation is no prose
    # bare numbers: op "="
    ("100%", EQ, "100", "%", None),
    ("100.00%", EQ, "100", "%", None),
    ("0", EQ, "0", None, None),
    ("1", EQ, "1", None, None),
    ("50000", EQ, "50000", None, None),
    ("25个", EQ, "25", "个", None),
    ("25 个", EQ, "25", "个", None),
    ("32000次/年", EQ, "32000", "次/年", None),
    ("32000 次/年", EQ, "32000", "次/年", None),
    ("0 起", EQ, "0", "起", None),
    # ranges
    ("90%-95%", GE, "90", "%", "95"),
    ("90-95%", GE, "90", "%", "95"),
    ("3-5个", GE, "3", "个", "5"),
    ("3～5个", GE, "3", "个", "5"),
    ("3至5个", GE, "3", "个", "5"),
    # rates: one spelling
    ("≥190元每人每月", GE, "190", "元/人/月", None),
    ("≥200元/人/月", GE, "200", "元/人/月", None),
    ("750元/人·月", EQ, "750", "元/人/月", None),
    # Gaoxin (高新区)
    ("≧5个", GE, "5", "个", None),
    ("=7000万元", EQ, "7000", "万元", None),
    ("=100%", EQ, "100", "%", None),
    ("≧100人", GE, "100", "人", None),
    ("≧80%", GE, "80", "%", None),
    ("≧85%", GE, "85", "%", None),
    ("≧20000人", GE, "20000", "人", None),
    (">95%", GT, "95", "%", None),
    ("≧90%", GE, "90", "%", None),
    ("≧50", GE, "50", None, None),
    ("≧24人", GE, "24", "人", None),
    ("≧200人", GE, "200", "人", None),
    ("≤2800万元", LE, "2800", "万元", None),
    # Haigang (海港区)
    ("≥90%", GE, "90", "%", None),
    ("≤2万元", LE, "2", "万元", None),
    ("610套", EQ, "610", "套", None),
    ("≥100%", GE, "100", "%", None),
    ("≤1万元", LE, "1", "万元", None),
    ("24小时", EQ, "24", "小时", None),
    ("≤3.5万元", LE, "3.5", "万元", None),
    ("≥98%", GE, "98", "%", None),
    ("3种", EQ, "3", "种", None),
    ("≥70%", GE, "70", "%", None),
    ("≤24小时", LE, "24", "小时", None),
    ("25000份", EQ, "25000", "份", None),
    ("≤16.5万元", LE, "16.5", "万元", None),
    ("340人", EQ, "340", "人", None),
    ("≥16000人", GE, "16000", "人", None),
    ("≤648.6万元", LE, "648.6", "万元", None),
    ("≤109.4万元", LE, "109.4", "万元", None),
    ("23人", EQ, "23", "人", None),
    ("≥128716人", GE, "128716", "人", None),
    ("≥12场", GE, "12", "场", None),
    ("≤403860.63元", LE, "403860.63", "元", None),
    ("≥13000份", GE, "13000", "份", None),
    # Laoting (乐亭县)
    ("≥1700人", GE, "1700", "人", None),
    ("≥99%", GE, "99", "%", None),
    ("≤227万元", LE, "227", "万元", None),
    ("≥96%", GE, "96", "%", None),
    ("≥8000人", GE, "8000", "人", None),
    ("4种", EQ, "4", "种", None),
    ("≥6次", GE, "6", "次", None),
    ("≥106人", GE, "106", "人", None),
    ("≤12月份", LE, "12", "月份", None),
    ("488个", EQ, "488", "个", None),
    ("8万元", EQ, "8", "万元", None),
    ("1840人", EQ, "1840", "人", None),
    ("10070万元", EQ, "10070", "万元", None),
    ("≥1000万元", GE, "1000", "万元", None),
    # Taishan (台山市)
    ("≥260 件", GE, "260", "件", None),
    ("≥10 场", GE, "10", "场", None),
    ("≥40 万人", GE, "40", "万人", None),
    ("≥10 套", GE, "10", "套", None),
    ("≥1 名", GE, "1", "名", None),
    ("≥50 个", GE, "50", "个", None),
    ("≥3 次", GE, "3", "次", None),
    ("≥2次", GE, "2", "次", None),
    ("$\\geq 75\\%$", GE, "75", "%", None),
    ("$\\leq 3.0\\%$", LE, "3.0", "%", None),
    ("≥ 4900 人", GE, "4900", "人", None),
    ("≥ 160000 人", GE, "160000", "人", None),
    # qualifiers (限定词): 约/左右 approximately, 不低于/不少于 at least, 以内/不超过 at most
    ("约5.5万人次", APPROX, "5.5", "万人次", None),
    ("大约100人", APPROX, "100", "人", None),
    ("约为3个", APPROX, "3", "个", None),
    ("大概20场", APPROX, "20", "场", None),
    ("100人左右", APPROX, "100", "人", None),
    ("5.5万人次左右", APPROX, "5.5", "万人次", None),
    ("约95%左右", APPROX, "95", "%", None),  # both hedges at once: still approximately
    ("≈80%", APPROX, "80", "%", None),
    ("~3000人", APPROX, "3000", "人", None),
    ("约3-5个", APPROX, "3", "个", "5"),  # an approximate range keeps its hedge
    ("不低于98%", GE, "98", "%", None),
    ("不少于1,500人", GE, "1500", "人", None),
    ("1500人以内", LE, "1500", "人", None),
    ("30个工作日以内", LE, "30", "个工作日", None),
    ("不超过3次", LE, "3", "次", None),
    # Zhanjiang (湛江市)
    ("≥200课时", GE, "200", "课时", None),
    ("≥90%", GE, "90", "%", None),
    ("≧35%", GE, "35", "%", None),
    ("≥75%", GE, "75", "%", None),
    ("3000", EQ, "3000", None, None),
]


@pytest.mark.parametrize(("raw", "op", "number", "unit", "upper"), NUMERIC_FORMS)
def test_parse_value_numeric(raw: str, op: str, number: str, unit: str | None, upper: str | None) -> None:
    value = parse_value(raw)
    assert (value.op, value.number, value.unit) == (op, D(number), unit)
    assert value.upper == (D(upper) if upper is not None else None)
    assert value.text is None and not value.relative and value.parts == []
    assert value.raw == raw


@pytest.mark.parametrize(
    ("raw", "relative"),
    [
        ("是", False),
        ("无", False),  # "none" is a target (无重大事故), not an empty cell
        ("及时发放", False),
        ("及时办理", False),
        ("正确精准解读政策", False),
        ("湛江市基层", False),
        ("年底完成", False),
        ("保持经办服务顺利开展", False),
        ("原则上不超过社会保险费实际缴费金额的三分之二", False),
        ("原则上不高于当地最低工资标准", False),
        ("2024-2025年", False),  # a period, not a range target
        ("2024年12月底前", False),  # a deadline: no number in it is a target
        ("2024年", False),
        ("100%完成", False),  # a number in prose without an operator and not ending the text stays text
        ("较上年有所提升", True),
        ("较上年有所提高", True),
        ("比上年提升", True),
        ("不低于上年度水平", True),
        ("保持稳定", True),
        ("逐步提高", True),
        ("有所改善", True),
        ("比上年增长", True),
        ("同比增长", True),
    ],
)
def test_parse_value_text(raw: str, relative: bool) -> None:
    value = parse_value(raw)
    assert value.text == normalise_text(raw)
    assert (value.op, value.number, value.unit, value.parts) == (None, None, None, [])
    assert value.relative is relative


@pytest.mark.parametrize(
    ("raw", "op", "number", "unit", "relative"),
    [
        ("2024年新增扶贫岗位≥1个", GE, "1", "个", False),
        ("新增就业岗位不少于10个", GE, "10", "个", False),
        ("结案率95%", EQ, "95", "%", False),
        ("比上年增长10%", EQ, "10", "%", True),
        ("较上年增长不低于5%", GE, "5", "%", True),
        ("2000 元/人/年(省级承担 65%，地方承担 35%)", EQ, "2000", "元/人/年", False),
        ("2000 元/人/年(省级承担 65%，地方承担\n35%)", EQ, "2000", "元/人/年", False),
        ("服务群众约5.5万人次", APPROX, "5.5", "万人次", False),
        ("为企业节约成本10万元", EQ, "10", "万元", False),  # 节约 (save) is a word, not the hedge 约
        ("新签约企业3家", EQ, "3", "家", False),
        ("培训人数300人左右", APPROX, "300", "人", False),
    ],
)
def test_parse_value_keeps_the_words_around_a_number(
    raw: str, op: str, number: str, unit: str, relative: bool
) -> None:
    value = parse_value(raw)
    assert (value.op, value.number, value.unit, value.relative) == (op, D(number), unit, relative)
    assert value.text == normalise_text(raw)


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("1600人、200人", [(EQ, "1600", "人"), (EQ, "200", "人")]),
        ("≥95%；≤5%", [(GE, "95", "%"), (LE, "5", "%")]),
        (
            "生态镇 3000 元/人，江门财政分担 50%，台山财政分担 50%；非生态镇 3000 元/人，台山财政 100% 分担。",
            [
                (EQ, "3000", "元/人"),
                (EQ, "50", "%"),
                (EQ, "50", "%"),
                (EQ, "3000", "元/人"),
                (EQ, "100", "%"),
            ],
        ),
        ("城镇≥3000人，农村≥2000人", [(GE, "3000", "人"), (GE, "2000", "人")]),
        ("本年≥2次且全年≤5次", [(GE, "2", "次"), (LE, "5", "次")]),  # several marked numbers in prose
    ],
)
def test_parse_value_compound(raw: str, parts: list[tuple[str, str, str]]) -> None:
    value = parse_value(raw)
    assert value.op is None and value.number is None
    assert value.text == normalise_text(raw)
    assert [(p.op, p.number, p.unit) for p in value.parts] == [(op, D(n), u) for op, n, u in parts]


def test_parse_value_compound_part_keeps_its_label() -> None:
    parts = parse_value("生态镇 3000 元/人，非生态镇 2000 元/人").parts
    assert [p.text for p in parts] == ["生态镇3000元/人", "非生态镇2000元/人"]


@pytest.mark.parametrize("raw", ["", " ", "\u3000", "None", "-", "—", "————", "/"])
def test_parse_value_empty_raises(raw: str) -> None:
    with pytest.raises(ValueParseError):
        parse_value(raw)


@pytest.mark.parametrize(
    ("raw", "number", "upper"),
    [
        ("1", "100", None),
        ("0.95", "95", None),
        ("0", "0", None),
        ("0.9-0.95", "90", "95"),
        ("95%", "95", None),
    ],
)
def test_parse_value_in_percent_context(raw: str, number: str, upper: str | None) -> None:
    value = parse_value(raw, percent_context=True)
    assert (value.number, value.unit) == (D(number), "%")
    assert value.upper == (D(upper) if upper else None)


def test_a_bare_number_is_not_taken_for_a_percentage_without_context() -> None:
    value = parse_value("1")
    assert (value.number, value.unit) == (D("1"), None)
    assert not values_equal(value, parse_value("100%"))
    assert values_equal(parse_value("1", percent_context=True), parse_value("100%"))


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("元每人每月", "元/人/月"),
        ("元/人/月", "元/人/月"),
        ("元/人·月", "元/人/月"),
        ("次/年", "次/年"),
        ("每人", "每人"),
    ],
)
def test_normalise_unit(unit: str, expected: str) -> None:
    assert normalise_unit(unit) == expected


def test_every_seed_cell_parses_or_raises_value_parse_error() -> None:
    """Every cell of the real seeds (tab-, line- and comma-separated) is a value or a ValueParseError."""
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip("seed publications not bundled")
    parsed = 0
    for path in files:
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            for cell in re.split(r"\t|, ", line):
                try:
                    parse_value(cell)
                except ValueParseError:
                    continue
                parsed += 1
    assert parsed > 5000


# ----------------------------------------------------------------------------------------------------------------
# compare_values
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "direction"),
    [
        # equal meaning (docs/architecture.md §6)
        ("≧95%", "≥95%", None),
        ("$\\geq 95\\%$", "不低于95%", None),
        ("95%以上", ">=95%", None),
        ("100%", "100.00%", None),
        ("≥ 4900 人", "≥4900人", None),
        ("≥190元每人每月", "≥190元/人/月", None),
        ("≤18万元", "≤180000元", None),  # 元 and 万元 convert exactly
        ("≥40万人", "≥400000人", None),
        ("及时发放", "及时发放。", None),
        ("较上年有所提升", "较上年有所提升", None),
        ("1600人、200人", "1600人，200人", None),
        # floors and ceilings
        ("≥95%", "≥98%", "tightened"),
        ("≥98%", "≥95%", "loosened"),
        ("≤18万元", "≤15万元", "tightened"),
        ("≤15万元", "≤18万元", "loosened"),
        ("≥200元/人/月", "≥190元每人每月", "loosened"),
        ("≥95%", ">95%", "tightened"),
        ("<5%", "≤5%", "loosened"),
        ("≥95%", "=100%", "tightened"),
        ("=100%", "≥95%", "loosened"),
        ("≥90%", "90%-95%", "tightened"),
        ("90%-95%", "92%-94%", "tightened"),
        ("≤1万元", "≤20000元", "loosened"),
        # no direction
        ("=5000元", "=6000元", "modified"),
        ("90%-95%", "92%-97%", "modified"),
        ("≥95%", "≤5%", "op-changed"),
        ("=100%", "<100%", "op-changed"),
        # approximate figures set no bound
        ("约5.5万人次", "5.5万人次左右", None),
        ("约5.5万人次", "约55000人次", None),  # 万人次 and 人次 convert
        ("约5.5万人次", "约6万人次", "modified"),
        ("约5.5万人次", "5.5万人次", "op-changed"),  # the hedge dropped is a change of the target's kind
        ("约100人", "≥100人", "op-changed"),
        ("约3-5个", "3-5个", "op-changed"),
        ("≥95%", "≥95个", "unit-changed"),
        ("1", "100%", "unit-changed"),
        ("≤18万元", "≤18人", "unit-changed"),
        # qualitative
        ("≥95%", "较上年有所提升", "qualitative"),
        ("较上年有所提升", "较上年有所提高", "qualitative"),
        ("是", "否", "qualitative"),
        ("及时发放", "1600人、200人", "qualitative"),
        # prose around numbers
        ("2024年新增扶贫岗位≥1个", "2025年新增扶贫岗位≥2个", "tightened"),
        ("2024年新增扶贫岗位≥1个", "2025年新增扶贫岗位≥1个", "modified"),
        ("新增扶贫岗位≥1个", "新增就业岗位≥1个", "modified"),
        ("比上年增长10%", "比上年增长15%", "modified"),
        ("较上年增长不低于5%", "较上年增长不低于8%", "tightened"),
        ("2000元/人/年(省级承担65%，地方承担35%)", "2000元/人/年(省级承担70%，地方承担30%)", "modified"),
        # compound values
        ("1600人、200人", "1700人、250人", "modified"),  # exact figures have no direction
        ("城镇≥3000人，农村≥2000人", "城镇≥3500人，农村≥2000人", "tightened"),
        ("城镇≥3000人，农村≥2000人", "城镇≥3500人，农村≥1000人", "modified"),
        ("1600人、200人", "1600人、200人、300人", "modified"),
        ("1600人、200人", "1800人", "modified"),
    ],
)
def test_compare_values(old: str, new: str, direction: str | None) -> None:
    a, b = parse_value(old), parse_value(new)
    assert compare_values(a, b) == direction
    assert compare_values(b, a) == mirror_direction(direction)
    assert values_equal(a, b) is (direction is None)


def test_compare_values_on_hand_built_values() -> None:
    """Values read back from stored snapshots need not come from parse_value."""
    bare = IndicatorValue(raw="x", op=">=")
    assert compare_values(bare, bare) is None
    assert compare_values(bare, IndicatorValue(raw="y", op=">=", number=D(1))) == "qualitative"


# ----------------------------------------------------------------------------------------------------------------
# Properties: untrusted text never raises anything but ValueParseError
# ----------------------------------------------------------------------------------------------------------------

_SYMBOLS = list(
    "0123456789.,-~%‰≥≤≧≦⩾⩽<>=＝（）()【】[]〔〕$\\ \u3000\xa0\n\t/每元万人个次年月日以上以下内不低于超过较上年有所提升"
    "、，；;：:．。<>p/geqlt财秦企号文abc２０％"
)
_TOKENS = [
    "\\text{",
    "\\geq",
    "\\leq",
    "\\%",
    "\\",
    "{",
    "}",
    "$",
    "<p>",
    "</p>",
    "＜ｐ＞",
    "<",
    "p",
    ">",
    " ",
    ",",
]
_TOKENS += ["，", "、", "甲", "1", "95", ".", "%", "≧", "万元", "\u3000", "\n", "2."]
cell_text = st.one_of(
    st.text(alphabet=st.sampled_from(_SYMBOLS), max_size=40),
    st.lists(st.sampled_from(_TOKENS), max_size=20).map("".join),
    st.text(max_size=40),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell_text)
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(cell_text, st.booleans())
def test_parse_value_raises_only_value_parse_error(text: str, percent_context: bool) -> None:
    try:
        value = parse_value(text, percent_context=percent_context)
    except ValueParseError:
        return
    assert value.raw == text
    assert compare_values(value, value) is None


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(cell_text)
def test_parse_amount_and_percent_raise_only_value_parse_error(text: str) -> None:
    for parse in (parse_amount, parse_percent, lambda t: amount_in_wanyuan(t, "元")):
        try:
            parse(text)
        except ValueParseError:
            pass


_OPS = ["≥", "≧", "≤", ">", "<", "=", "", "不低于", "不超过", "低于", "大于", "约", "≈"]
_UNITS = ["%", "万元", "元", "人", "万人", "个", "次/年", "元每人每月", ""]


@st.composite
def value_text(draw: st.DrawFn) -> str:
    number = draw(st.decimals(min_value=0, max_value=10**6, places=draw(st.integers(0, 3)), allow_nan=False))
    form = draw(st.sampled_from(["op", "suffix", "range", "compound", "prose"]))
    op, unit = draw(st.sampled_from(_OPS)), draw(st.sampled_from(_UNITS))
    if form == "suffix":
        return f"{number}{unit}{draw(st.sampled_from(['以上', '以下', '以内', '左右']))}"
    if form == "range":
        return f"{number}-{number + draw(st.integers(0, 50))}{unit}"
    if form == "compound":
        return f"{op}{number}{unit}、{draw(st.sampled_from(_OPS))}{number + 1}{unit}"
    if form == "prose":
        return f"{draw(st.sampled_from(['2024年新增岗位', '较上年增长', '城镇']))}{op}{number}{unit}"
    return f"{op}{number}{unit}"


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(value_text(), value_text())
def test_compare_values_mirrors(old: str, new: str) -> None:
    a, b = parse_value(old), parse_value(new)
    assert compare_values(a, a) is None
    assert compare_values(b, a) == mirror_direction(compare_values(a, b))
    assert values_equal(a, b) is values_equal(b, a)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_every_spelling_of_a_floor_is_the_same_value(number: Decimal) -> None:
    spellings = [
        f"≥{number}%",
        f"≧{number}%",
        f"≥ {number} %",
        f"$\\geq {number}\\%$",
        f"不低于{number}%",
        f"{number}%以上",
        f">={number}%",
        f"＞＝{number}％",
    ]
    values = [parse_value(s) for s in spellings]
    assert all(v.op == ">=" and v.number == number and v.unit == "%" for v in values)
    assert all(values_equal(values[0], v) for v in values)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4))
def test_trailing_zeros_do_not_change_a_value(number: int, zeros: int) -> None:
    assert values_equal(parse_value(f"{number}%"), parse_value(f"{number}.{'0' * zeros}%"))


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.corpus
def test_percent_formatted_spreadsheet_cells() -> None:
    """A spreadsheet stores ``1`` for a cell shown as ``100%``: the layout knows the format and asks for it."""
    path = CORPUS / "xlsx" / "wuhan-donghu-hrss-2020-project-application.xlsx"
    if not path.is_file():
        pytest.skip("corpus not present")
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(path)
    percent_cells: list[IndicatorValue] = []
    text_cells: dict[str, IndicatorValue] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and "%" in cell.number_format:
                    percent_cells.append(parse_value(str(cell.value), percent_context=True))
                elif isinstance(cell.value, str):
                    try:
                        text_cells[cell.value.strip()] = parse_value(cell.value)
                    except ValueParseError:
                        pass
    assert [(v.number, v.unit) for v in percent_cells] == [(D("100"), "%"), (D("95"), "%"), (D("95"), "%")]
    expected = {
        "25000人": ("=", D("25000"), "人"),
        "约5.5万人次": ("~", D("5.5"), "万人次"),  # approximately, kept (it once read "= 5.5")
        "7万张": ("=", D("7"), "万张"),
        "不低于60户/人.月": (">=", D("60"), "户/人/月"),
    }
    assert {key: (v.op, v.number, v.unit) for key, v in text_cells.items() if key in expected} == expected
    assert [(p.number, p.unit) for p in text_cells["1000人、3000人"].parts] == [
        (D("1000"), "人"),
        (D("3000"), "人"),
    ]
