"""Official names of departments (部门名称): one key for the spellings that mean the same department.

Publications name one office in several official ways: 中国共产党江苏省委员会办公厅 on its 2017 tables,
中共江苏省委办公厅 on later ones, 江苏省委办公厅 in its narrative. :func:`name_key` maps each to the same key by the
synonyms in :data:`SYNONYMS` (documented in ``docs/department-names.md``); two names with the same key are the same
department. :func:`region_extension` recognises a name that only adds a leading region (秦皇岛市 + 海港区人力资源和
社会保障局); the caller decides whether that is unique enough to match. :func:`probable_matches` is the fuzzy step
(rapidfuzz): it only *suggests*, never merges.

Pure functions of text: no database here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process, utils

#: The synonyms table, applied in order to a name (after NFKC and whitespace removal): (pattern, replacement, why).
#: Each maps a long official form to its standard short form, so every spelling ends in the short one.
SYNONYMS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile("中国共产党"), "中共", "中共 = 中国共产党 (the Party)"),
    (
        re.compile("^(?:中国人民政治协商会议|政协)(.+?(?:省|自治区|市|州|县|区))委员会"),
        r"\1政协",
        "中国人民政治协商会议江苏省委员会 = 政协江苏省委员会 = 江苏省政协 (CPPCC committee)",
    ),
    (re.compile("人民代表大会"), "人大", "人大 = 人民代表大会 (people's congress)"),
    (re.compile("常务委员会"), "常委会", "常委会 = 常务委员会 (standing committee)"),
    (
        re.compile("(省|自治区|市|州|县|区)委员会"),
        r"\1委",
        "省委 = 省委员会, also 市委 / 县委 / 区委 / 州委 / 自治区委 (a Party committee)",
    ),
    (
        re.compile("^中共(?=.+?(?:省|自治区|市|州|县|区)委)"),
        "",
        "江苏省委 = 中共江苏省委 (a 省委 / 市委 / 县委 is the Party's committee; the 中共 is implied)",
    ),
    (re.compile("(省|自治区)高级人民法院"), r"\1法院", "省法院 = 省高级人民法院 (the provincial high court)"),
    (re.compile("(省|自治区|市)人民检察院"), r"\1检察院", "省检察院 = 省人民检察院 (procuratorate)"),
)

#: Characters that are not part of a name's identity (spaces of any width, middle dots, quotes).
_NOISE = re.compile(r"[\s·•\"'“”‘’]+")
#: A leading region (行政区划) prefix: one or more place names, each ending in its level (江苏省, 秦皇岛市海港区).
_REGION_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|州|盟|地区|县|区|旗))+")
#: A place name without its level (江苏 in 江苏 + 省法院): what a name beginning with its level (省法院) omits.
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_LEVELS = ("省", "自治区", "市", "州", "县", "区")

#: How similar (rapidfuzz ratio of the keys, 0–100) a name must be to another to be called probably the same.
PROBABLE_SCORE = 88.0


def clean(name: str) -> str:
    """Full-width → half-width (NFKC), spaces and other noise removed: the name as published, tidied."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", name))


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key two spellings of one department share (``中共江苏省委办公厅`` → ``江苏省委办公厅``).

    Cached: ingesting a new name compares it with every known one."""
    key = clean(name)
    for pattern, replacement, _ in SYNONYMS:
        key = pattern.sub(replacement, key)
    return key


def region_extension(short: str, long: str) -> bool:
    """Whether ``long`` is ``short`` with a leading region added (keys compared).

    ``秦皇岛市海港区人力资源和社会保障局`` extends ``海港区人力资源和社会保障局`` (秦皇岛市); ``江苏省法院`` extends
    ``省法院`` (a name that begins with its level, 省, omits its place, 江苏). Two names with *different* regions
    (北京市财政局, 江苏省财政局) never extend each other.
    """
    short_key, long_key = name_key(short), name_key(long)
    if len(short_key) < 2 or len(long_key) <= len(short_key) or not long_key.endswith(short_key):
        return False
    prefix = long_key[: -len(short_key)]
    if _REGION_PREFIX.fullmatch(prefix):
        return True
    return short_key.startswith(_LEVELS) and bool(_PLACE.fullmatch(prefix))


def region_of(name: str) -> str:
    """The leading region of a name's key (``江苏省`` of 江苏省政协办公厅; empty when it names none)."""
    found = _REGION_PREFIX.match(name_key(name))
    return found.group(0) if found else ""


def probable_matches(name: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """Candidates whose key is close to ``name``'s (best first), for a suggestion — never for a silent merge.

    Names of two different regions are never probably the same (东西南县… and 东西北县… differ in one character
    but are two counties' departments); a name without a region may be any region's."""
    region = region_of(name)
    keyed = {
        candidate: name_key(candidate)
        for candidate in candidates
        if not region or not region_of(candidate) or region_of(candidate) == region
    }
    key = name_key(name)
    found = process.extract(
        key,
        keyed,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        score_cutoff=PROBABLE_SCORE,
        limit=limit,
    )
    return [candidate for _, _, candidate in found if keyed[candidate] != key]
