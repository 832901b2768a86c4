"""Official department names: the spellings publications use for one department share one key."""

from __future__ import annotations

import pytest

from ledger.model.official_names import SYNONYMS, clean, name_key, probable_matches, region_extension

#: Real variants (the Jiangsu disclosures and the seeds), each group one department.
SAME = [
    ("江苏省委办公厅", "中国共产党江苏省委员会办公厅", "中共江苏省委办公厅"),
    ("江苏省政协办公厅", "中国人民政治协商会议江苏省委员会办公厅", "政协江苏省委员会办公厅"),
    ("江苏省人大常委会办公厅", "江苏省人民代表大会常务委员会办公厅", "江苏省人大常务委员会办公厅"),
    ("江苏省高级人民法院", "江苏省法院"),
    ("秦皇岛市委组织部", "中共秦皇岛市委员会组织部", "中国共产党秦皇岛市委组织部"),
    ("乐亭县委办公室", "中共乐亭县委员会办公室"),
    ("江苏省政协办公厅", "江苏省 政协办公厅", "江苏省政协办公厅\u3000", "ＥＸ江苏省政协办公厅"[2:]),
    ("湛江市人力资源和社会保障局", "湛江市人力资源和社会保障局 "),
]

#: Names that must stay different departments.
DIFFERENT = [
    ("江苏省委办公厅", "江苏省政协办公厅"),
    ("江苏省委办公厅", "江苏省人大常委会办公厅"),
    ("江苏省高级人民法院", "江苏省人民检察院"),
    ("北京市财政局", "江苏省财政局"),
    ("乐亭县人力资源和社会保障局", "台山市人力资源和社会保障局"),
]


@pytest.mark.parametrize("names", SAME)
def test_variants_share_a_key(names: tuple[str, ...]) -> None:
    assert len({name_key(name) for name in names}) == 1, [name_key(n) for n in names]


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_different_departments_keep_different_keys(first: str, second: str) -> None:
    assert name_key(first) != name_key(second)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [("ＡＢ局", "AB局"), ("江苏省 政协\u3000办公厅", "江苏省政协办公厅"), ("某局（筹）", "某局(筹)")],
)
def test_clean_folds_width_and_drops_spaces(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("short", "long", "extends"),
    [
        ("海港区人力资源和社会保障局", "秦皇岛市海港区人力资源和社会保障局", True),
        ("政协办公厅", "江苏省政协办公厅", True),
        ("省法院", "江苏省高级人民法院", True),  # a name beginning with its level (省) omits its place (江苏)
        ("财政局", "江苏省财政局", True),
        ("江苏省财政局", "北京市财政局", False),
        ("江苏省政协办公厅", "江苏省政协办公厅", False),
        ("人力资源和社会保障局", "乐亭县人力资源和社会保障局的分局", False),
        ("乐亭县人力资源和社会保障局", "秦皇岛市海港区人力资源和社会保障局", False),
    ],
)
def test_region_extension(short: str, long: str, extends: bool) -> None:
    assert region_extension(short, long) is extends


def test_probable_matches_suggest_close_names_only() -> None:
    known = ["江苏省政协办公厅", "江苏省委办公厅", "台山市人力资源和社会保障局"]
    assert probable_matches("江苏省政协机关办公厅", known) == ["江苏省政协办公厅"]
    assert probable_matches("乐亭县人力资源和社会保障局", known) == []
    assert probable_matches("中共江苏省委办公厅", known) == []  # same key: an exact match, not a probable one


def test_every_synonym_says_why() -> None:
    assert all(why for _, _, why in SYNONYMS)


def test_names_of_two_regions_are_never_probably_the_same() -> None:
    assert probable_matches("东西南县人力资源和社会保障局", ["东西北县人力资源和社会保障局"]) == []
