"""Cell values of budget publications: text clean-up, amounts (金额), percentages and indicator values (指标值).

Publications arrive through PDF text extraction, DOCX, XLSX and OCR, so the same target is spelled many ways:
``≧95%``, ``≥ 95%``, ``$\\geq 95\\%$``, ``不低于95%``, ``95%以上``. This module turns each spelling into one
:class:`~ledger.model.IndicatorValue` and tells the diff engine whether two values mean the same target and, if not,
whether the target was tightened or loosened.

Every public function either returns a value or raises :class:`~ledger.errors.ValueParseError`; nothing else
escapes, whatever the input (the property tests hold this).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from ledger.errors import ValueParseError
from ledger.model import IndicatorValue, Operator

__all__ = [
    "Direction",
    "ValueComparison",
    "direction_of",
    "amount_in_wanyuan",
    "compare_values",
    "mirror_direction",
    "normalise_text",
    "normalise_unit",
    "parse_amount",
    "parse_percent",
    "parse_value",
    "split_amount",
    "values_equal",
]

# --------------------------------------------------------------------------------------------------------------
# Text clean-up (文本规范化)
# --------------------------------------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: CJK punctuation (、。〈〉《》「」【】〔〕, ，, curly quotes): a space next to one is a typesetting artefact.
_CJK_PUNCT = "\u3000-\u303f\uff0c\u201c\u201d\u2018\u2019"
_CJKISH = _CJK + _CJK_PUNCT

#: Full-width ASCII forms (U+FF01–U+FF5E) fold to ASCII, except the full-width comma ``，``: in Chinese prose it is
#: the clause comma, while ``,`` between digits is a thousands separator — folding it would make ``1，2`` look like
#: the number 12 to an amount parser.
_KEEP_FULL_WIDTH = {"\uff0c"}
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULL_WIDTH}
_FOLD.update(
    {
        ord("≧"): ord("≥"),  # NFKC keeps ≧ (U+2267) distinct from ≥ (U+2265); to a reader they are the same
        ord("⩾"): ord("≥"),
        ord("≦"): ord("≤"),
        ord("⩽"): ord("≤"),
        ord("﹪"): ord("%"),
        ord("﹤"): ord("<"),
        ord("﹥"): ord(">"),
        ord("﹦"): ord("="),
        ord("\u2212"): ord("-"),  # minus sign
        ord("\u2010"): ord("-"),  # hyphen
        ord("\u2011"): ord("-"),  # non-breaking hyphen
        ord("\uffe5"): ord("¥"),  # full-width yuan sign, outside the U+FF01–U+FF5E block
    }
)
#: Invisible characters that text extraction leaves behind (zero-width space, BOM, soft hyphen).
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}

_TAG = re.compile(r"</?p\s*/?>|<br\s*/?>", re.IGNORECASE)
_LATEX_COMMANDS = {
    "geqslant": "≥",
    "leqslant": "≤",
    "geq": "≥",
    "leq": "≤",
    "ge": "≥",
    "le": "≤",
    "neq": "≠",
    "ne": "≠",
    "times": "×",
    "div": "÷",
    "cdot": "·",
    "sim": "~",
    "approx": "≈",
    "pm": "±",
    "%": "%",
}
_LATEX_COMMAND = re.compile(
    r"\\(geqslant|leqslant|geq|leq|neq|times|approx|cdot|div|sim|ge|le|ne|pm|%)(?![A-Za-z])"
)
#: ``\text{…}`` and its kin only change the font: the braces go, the words stay.
_LATEX_TEXT_OPENER = re.compile(r"\\(?:text|mathrm|mathbf|textrm|rm)\s*\{")
#: A ``$…$`` span holding a LaTeX command: PDF-to-text converters emit targets such as ``$\geq 95\%$``. A ``$``
#: without a command inside the span (a currency sign) is left alone.
_MATH_SPAN = re.compile(r"\$([^$\n]{0,80}?)\$")
_ESCAPED_PERCENT = re.compile(r"\\+%")

_SPACE_RUN = re.compile(r"\s+")
#: Spaces next to CJK punctuation, between a CJK character and a Latin letter, digit or sign (``反映 2022 年``),
#: after a comparison sign (``≥ 95``) and before a percent sign carry no meaning. Spaces between two CJK words
#: (``张三 李四``) and before an enumeration marker (``2.``, ``3、``, ``4)`` after a CJK character) separate, and stay.
_ENUMERATION = r"\d+[.、)](?![\d%])"
_CJK_SPACE = re.compile(
    rf"(?<=[{_CJK_PUNCT}]) | (?=[{_CJK_PUNCT}])"
    rf"|(?<=[{_CJK}]) (?=[^\s{_CJKISH}])(?!{_ENUMERATION})"
    rf"|(?<=[^\s{_CJKISH}]) (?=[{_CJK}])"
)
_SIGN_SPACE = re.compile(r"(?<=[≥≤<>=~]) (?=[\d.+-])|(?<=\d) (?=[%‰])")
#: A half-width comma next to CJK text is the clause comma typed on a Latin keyboard: one spelling, ``，``.
_CJK_COMMA = re.compile(rf"(?<=[{_CJKISH}]),|,(?=[{_CJKISH}])")


def _strip_font_commands(text: str) -> str:
    """``\text{不低于}`` → ``不低于``, nested or not, in one pass: each opener's closing brace is dropped too."""
    if "\\" not in text:
        return text
    out: list[str] = []
    closers: list[bool] = []  # for each open brace: whether it belongs to a font command (and is dropped)
    position = 0
    while position < len(text):
        opener = _LATEX_TEXT_OPENER.match(text, position)
        if opener is not None:
            closers.append(True)
            position = opener.end()
            continue
        char = text[position]
        if char == "{":
            closers.append(False)
        elif char == "}" and closers and closers.pop():
            position += 1
            continue
        out.append(char)
        position += 1
    return "".join(out)


def _convert_latex(text: str) -> str:
    def math(match: re.Match[str]) -> str:
        body = match.group(1)
        if "\\" not in body:
            return match.group(0)
        body = _LATEX_COMMAND.sub(lambda m: _LATEX_COMMANDS[m.group(1)], body)
        if "\\" in body:  # an unknown command: not a formula we understand, keep the source as it is
            return match.group(0)
        return body if re.search(f"[{_CJK}]", body) else _SPACE_RUN.sub("", body)

    text = _strip_font_commands(text)
    text = _MATH_SPAN.sub(math, text)
    return _ESCAPED_PERCENT.sub("%", text)


def _normalise_once(text: str) -> str:
    text = text.translate(_INVISIBLE).translate(_FOLD)
    text = _convert_latex(text)
    text = _TAG.sub(" ", text)
    text = _SPACE_RUN.sub(" ", text).strip()
    text = _CJK_SPACE.sub("", text)
    text = _SIGN_SPACE.sub("", text)
    return _CJK_COMMA.sub("，", text)


def normalise_text(text: str) -> str:
    """Clean a cell or paragraph text so that equal meaning gives equal strings (文本规范化).

    - ``<p>``, ``</p>`` and ``<br>`` tags (HTML residue in PDF extractions) become spaces.
    - Full-width ASCII forms fold to ASCII (``（９５％）`` → ``(95%)``; ``：；！？`` → ``:;!?``), except the
      full-width comma ``，``, which stays; a half-width ``,`` next to CJK text becomes ``，`` so that mixed commas
      compare equal, while ``,`` between digits (``1,438.00``) is kept. ``、`` and ``。`` are untouched.
    - ``≧ ⩾`` fold to ``≥`` and ``≦ ⩽`` to ``≤`` explicitly (NFKC does not fold them). NFKC is deliberately *not*
      applied: it would turn ``㎡`` into ``m2``; ``㎡`` is kept as written.
    - LaTeX artefacts become plain text: ``$\\geq 95\\%$`` → ``≥95%``, ``$\\leq 3.0\\%$`` → ``≤3.0%``, ``\\%`` → ``%``.
    - Whitespace (including ideographic space U+3000, no-break space and newlines) collapses to one space. Spaces
      next to CJK punctuation, between a CJK character and a Latin letter, digit or sign (``反映 2022 年`` →
      ``反映2022年``), after a comparison sign and before ``%`` (``≥ 4900 人`` → ``≥4900人``) are dropped. Spaces
      between two CJK words or two Latin words, and before an enumeration marker after CJK text (``甲 2.乙``), may
      separate things and stay.

    The result is a fixed point: ``normalise_text(normalise_text(s)) == normalise_text(s)``. One pass can enable
    another (a removed tag brings two ``$`` close enough to pair), so passes repeat until nothing changes; that
    ends because every pass either shortens the text or maps characters one way (``≧`` → ``≥``, ``,`` → ``，``).
    """
    while True:
        cleaned = _normalise_once(text)
        if cleaned == text:
            return text
        text = cleaned


# --------------------------------------------------------------------------------------------------------------
# Amounts (金额) and percentages
# --------------------------------------------------------------------------------------------------------------

#: Placeholders for an empty cell: dashes of any length, a slash, ``None`` (how flattened tables show an empty
#: cell), ``N/A``.
_PLACEHOLDER = re.compile(r"^(?:[-—–―─/\\]+|None|null|N/?A)$", re.IGNORECASE)
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_AMOUNT = re.compile(rf"^(?P<sign>[-+])? ?(?:[¥$] ?)?(?P<number>{_NUMBER}) ?(?P<unit>万元|亿元|元|万|亿)?$")
#: Powers of ten from 元 to each money unit; amounts convert exactly by shifting the decimal point.
_YUAN_EXPONENT = {"元": 0, "万元": 4, "亿元": 8, "万": 4, "亿": 8}


#: More significant digits than the default decimal context keeps (28) is no amount: arithmetic and
#: ``Decimal.normalize`` would silently round it.
_MAX_DIGITS = 28


def _decimal(digits: str) -> Decimal:
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regexes only pass decimal literals
        raise ValueParseError(f"not a number: {digits!r}") from exc
    if len(value.as_tuple().digits) > _MAX_DIGITS:
        raise ValueParseError(f"number too long: {digits!r}")
    return value


def _shift(value: Decimal, exponent: int) -> Decimal:
    """``value × 10**exponent``, exactly (no rounding context) and without exponent notation."""
    sign, digits, written_exponent = value.as_tuple()
    if not isinstance(written_exponent, int):
        raise ValueParseError(f"not a finite number: {value}")
    shifted = written_exponent + exponent
    if shifted > 0:
        return Decimal((sign, digits + (0,) * shifted, 0))
    return Decimal((sign, digits, shifted))


def _is_blank(text: str) -> bool:
    """Empty, or a placeholder that states nothing (``—``, ``None``)."""
    compact = text.replace(" ", "")
    return not compact or bool(_PLACEHOLDER.match(compact))


def _signed(number: Decimal, sign: str | None) -> Decimal:
    return number.copy_negate() if sign == "-" else number


def split_amount(text: str) -> tuple[Decimal, str | None] | None:
    """An amount cell as (number as written, stated unit or ``None``); ``None`` for an empty or dash cell.

    ``4000万元`` → ``(4000, '万元')``; ``1,438.00`` → ``(1438.00, None)``; ``————`` and ``无`` (none) →
    ``None``. ``万`` and ``亿`` alone mean 万元 and 亿元. Spaces between digits are not ignored (``12 34`` is two
    numbers run together, not 1234): text that is not one amount raises :class:`ValueParseError`.
    """
    cleaned = normalise_text(text)
    if _is_blank(cleaned) or cleaned == "无":
        return None
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise ValueParseError(f"not an amount: {text!r}")
    unit = {"万": "万元", "亿": "亿元"}.get(match["unit"], match["unit"])
    return _signed(_decimal(match["number"]), match["sign"]), unit


def amount_in_wanyuan(text: str, default_unit: str = "万元") -> Decimal | None:
    """An amount cell in 万元 (ten-thousand yuan), exactly.

    A unit written in the cell wins (``230元`` → ``0.0230``; ``1.5亿元`` → ``15000``); a bare number is in
    ``default_unit`` — the unit the table header states (``单位：元`` → pass ``"元"``). The snapshot keeps amounts in 万元
    unless the source says otherwise; use this where the source says otherwise.
    """
    if default_unit not in _YUAN_EXPONENT:
        raise ValueParseError(f"unknown money unit: {default_unit!r}")
    parsed = split_amount(text)
    if parsed is None:
        return None
    number, unit = parsed
    exponent = _YUAN_EXPONENT[unit or default_unit] - _YUAN_EXPONENT["万元"]
    return number if exponent == 0 else _shift(number, exponent)


def parse_amount(text: str) -> Decimal | None:
    """An amount cell (金额) in 万元: ``2491.84``, ``4000万元``, ``1,438.00``, ``10891.615675``.

    Empty, blank and placeholder cells (``-``, ``—``, ``————``, ``无``, ``None``) give ``None``; ``0`` gives
    ``Decimal('0')``. A bare number is taken to be in 万元 (the unit of every table in the seeds); an amount written
    in 元 or 亿元 is converted exactly. For a table stated in 元 use :func:`amount_in_wanyuan` with
    ``default_unit="元"``. Text that is not an amount raises :class:`ValueParseError`.
    """
    return amount_in_wanyuan(text, "万元")


_PERCENT = re.compile(rf"^(?P<sign>[-+])?(?P<number>{_NUMBER})(?P<percent>%)?$")


def parse_percent(text: str, *, fraction: bool = False) -> Decimal | None:
    """A percentage cell (e.g. 资金支出计划, cumulative spending by month) in percentage points.

    ``25%`` → ``25``; ``100.00%`` → ``100.00``; ``0%`` → ``0``; empty or dash → ``None``. A bare number is in
    percentage points (``25`` → ``25``) unless ``fraction=True``, for a cell known to hold a fraction — a
    spreadsheet cell formatted as a percentage stores ``0.25`` — which is scaled by 100 (``0.25`` → ``25``).
    """
    cleaned = normalise_text(text)
    if _is_blank(cleaned):
        return None
    match = _PERCENT.match(cleaned)
    if match is None:
        raise ValueParseError(f"not a percentage: {text!r}")
    number = _signed(_decimal(match["number"]), match["sign"])
    if fraction and not match["percent"]:
        number = _shift(number, 2)
    return number


# --------------------------------------------------------------------------------------------------------------
# Indicator values (指标值)
# --------------------------------------------------------------------------------------------------------------

#: Operator signs and words written before the number.
_PREFIX_OPERATORS: dict[str, Operator] = {
    ">=": ">=",
    "<=": "<=",
    "=>": ">=",
    "=<": "<=",
    "≥": ">=",
    "≤": "<=",
    ">": ">",
    "<": "<",
    "=": "=",
    "大于或等于": ">=",
    "大于等于": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "至少": ">=",
    "最少": ">=",
    "达到": ">=",  # 达到95%, "reach 95%": in a performance target a floor, not an exact figure
    "小于或等于": "<=",
    "小于等于": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "最多": "<=",
    "控制在": "<=",  # 控制在3%以内 or 控制在3%: "kept within"
    "低于": "<",
    "少于": "<",
    "小于": "<",
    "大于": ">",
    "超过": ">",
    "高于": ">",
    "多于": ">",
    "等于": "=",
    "大约": "~",  # approximately: the source's own hedge, kept as its own operator
    "约为": "~",
    "约": "~",
    "大概": "~",
    "≈": "~",
    "~": "~",
}
#: Operator words written after the number. In Chinese usage 以上/以下/以内 include the number itself.
_SUFFIX_OPERATORS: dict[str, Operator] = {
    "及以上": ">=",
    "或以上": ">=",
    "以上": ">=",
    "及以下": "<=",
    "或以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",
    "左右": "~",
}
#: Units recognised inside prose, where the end of a unit cannot be told from the next word by pattern alone. A
#: value that is only a number and a unit (``≥12场``) accepts any short word as unit; this list is for prose.
_KNOWN_UNITS = (
    "万元 亿元 元 万人次 人次 万人 人 个工作日 工作日 个百分点 百分点 个月 个 万次 次 件 场 套 名 家 户 课时 学时 "
    "小时 分钟 天 日 周 月份 月 季度 年 笔 起 项 所 期 批 份 本 册 台 辆 间 座 处 条 篇 张 部 支 队 种 岗 分 倍 "
    "平方米 ㎡ 公里 千米 米 吨 亩 % ‰"
).split()


def _alternation(words: Iterable[str], guards: Mapping[str, str] | None = None) -> str:
    """Longest first; ``guards`` puts a lookbehind before a word (what may not stand before it)."""
    guards = guards or {}
    return "|".join(guards.get(word, "") + re.escape(word) for word in sorted(words, key=len, reverse=True))


#: Words that end in 约 without meaning "approximately": 节约5% (save), 签约3家 (sign), 预约 (book) ….
_NOT_APPROXIMATE = "节制预契条合签公简特邀相履违失践守集婚"
_PREFIX = _alternation(_PREFIX_OPERATORS, {"约": f"(?<![{_NOT_APPROXIMATE}])"})
_SUFFIX = _alternation(_SUFFIX_OPERATORS)
_WORD_UNIT = rf"[A-Za-z{_CJK}㎡²³]"
#: Any short unit, with ``/``, ``每`` or ``·`` for rates (``元/人/月``, ``元每人每月``, ``次/年``).
_UNIT = rf"[%‰]|{_WORD_UNIT}{{1,6}}(?:[/每·.]{_WORD_UNIT}{{1,4}}){{0,3}}"
_KNOWN_UNIT = rf"(?:{_alternation(_KNOWN_UNITS)})(?:[/每·.](?:{_alternation(_KNOWN_UNITS)})){{0,3}}"
_RANGE_SEPARATOR = r"-|~|至|到|—"
_SINGLE = re.compile(
    rf"^(?P<op>{_PREFIX})?(?P<sign>[-+])?(?P<number>{_NUMBER})"
    rf"(?:(?P<unit1>{_UNIT})?(?:{_RANGE_SEPARATOR})(?P<upper>{_NUMBER}))?"
    rf"(?P<unit>{_UNIT})??(?P<suffix>{_SUFFIX})?$"
)
#: A number inside prose, with the operator before or after it if there is one.
_PROSE_NUMBER = re.compile(
    rf"(?P<op>{_PREFIX})?(?<![\d.,])(?P<number>{_NUMBER})(?![\d])(?P<unit>{_KNOWN_UNIT})?(?P<suffix>{_SUFFIX})?"
)
_PARTS_SEPARATOR = re.compile(r"[、，;；]")
_NOTE = re.compile(r"^(?P<value>[^()]+?)\((?P<note>[^()]*)\)$")
_TRAILING_STOP = re.compile(r"[。.;；，,]+$")
_YEARISH = re.compile(r"^(?:19|20)\d\d$")
#: A target stated against another period (上年, 同比 …) or as a trend (有所提升, 逐步提高, 保持稳定).
_RELATIVE = re.compile(
    r"上年|去年|前一年|上一年|往年|历年|以往|同期|同比|环比|较上|比上|"
    r"(?:有所|逐步|逐年|稳步|持续|不断|进一步|明显|显著)(?:提升|提高|增长|增加|改善|下降|降低|减少|好转|优化|加强)|"
    r"保持(?:稳定|平稳)|总体稳定|基本稳定|稳中有"
)


def normalise_unit(unit: str) -> str:
    """One spelling per unit: rates use ``/`` (``元每人每月`` and ``元/人·月`` → ``元/人/月``; ``户/人.月`` → ``户/人/月``).

    A leading ``每`` (``每人``) has no numerator to divide and is kept as written.
    """
    unit = unit.strip()
    if not unit or unit.startswith("每"):
        return unit
    return re.sub(r"[每·.]", "/", unit)


def _operator(prefix: str | None, suffix: str | None) -> Operator | None:
    """Combine the operators before and after a number; ``None`` when they contradict (``≥95%以下``)."""
    before = _PREFIX_OPERATORS[prefix] if prefix else None
    after = _SUFFIX_OPERATORS[suffix] if suffix else None
    if before and after:
        return before if before == after or (before, after) in {(">", ">="), ("<", "<=")} else None
    return before or after or "="


def _split_suffix(unit: str | None, suffix: str | None) -> tuple[str | None, str | None]:
    """``个工作日内`` → (``个工作日``, ``内``): the greedy unit pattern may swallow a suffix operator."""
    if unit is None or suffix is not None:
        return unit, suffix
    for word in sorted(_SUFFIX_OPERATORS, key=len, reverse=True):
        if unit.endswith(word):
            return (unit[: -len(word)] or None), word
    return unit, None


def _is_date(number: str, unit: str | None) -> bool:
    """``2024年``, ``2024年度``: a year, never a target."""
    return bool(_YEARISH.match(number)) and (unit or "").startswith("年")


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _single(compact: str, raw: str, *, percent_context: bool) -> IndicatorValue | None:
    """A value that is only ``[operator] number [unit] [suffix]`` or a range; spaces already removed."""
    match = _SINGLE.match(compact)
    if match is None:
        return None
    if match["unit1"] and match["unit"] and match["unit1"] != match["unit"]:
        return None  # 3个-5人: not one range
    unit, suffix = _split_suffix(match["unit"] or match["unit1"], match["suffix"])
    op = _operator(match["op"], suffix)
    if op is None:
        return None
    number = _signed(_decimal(match["number"]), match["sign"])
    upper = _decimal(match["upper"]) if match["upper"] else None
    if upper is not None:
        if upper < number or op not in ("=", "~") or _is_date(match["upper"], unit):
            return None  # 5-3个, ≥3-5个, 2024-2025年: not a range target
        op = ">=" if op == "=" else op  # 约3-5个 stays approximate
    elif op == "=" and _is_date(match["number"], unit):
        return None
    if unit is None and percent_context:
        number = _shift(number, 2)
        upper = _shift(upper, 2) if upper is not None else None
        unit = "%"
    return IndicatorValue(
        raw=raw, op=op, number=number, upper=upper, unit=normalise_unit(unit) if unit else None
    )


def _prose_numbers(compact: str) -> list[re.Match[str]]:
    """Numbers in prose that could be targets: years (``2024年``) are skipped."""
    return [m for m in _PROSE_NUMBER.finditer(compact) if not _is_date(m["number"], m["unit"])]


def _from_match(match: re.Match[str], raw: str, text: str | None, relative: bool) -> IndicatorValue | None:
    unit, suffix = _split_suffix(match["unit"], match["suffix"])
    op = _operator(match["op"], suffix)
    if op is None:
        return None
    return IndicatorValue(
        raw=raw,
        op=op,
        number=_decimal(match["number"]),
        unit=normalise_unit(unit) if unit else None,
        text=text,
        relative=relative,
    )


def _in_prose(text: str, raw: str, relative: bool, *, trailing: bool) -> IndicatorValue | None:
    """A target inside prose; the whole normalised prose is kept as ``text``.

    A number counts when an operator marks it (``2024年新增扶贫岗位≥1个``) or when it is the only number and ends
    the text after a label (``比上年增长10%``); with ``trailing=True`` (a part of a compound value) the only
    number may also be followed by words (``台山财政100%分担``).
    """
    compact = _TRAILING_STOP.sub("", _compact(text))
    numbers = _prose_numbers(compact)
    marked = [m for m in numbers if m["op"] or m["suffix"]]
    if len(marked) > 1:
        parts = [_from_match(m, m.group(0), None, relative) for m in marked]
        if any(p is None for p in parts):
            return None
        return IndicatorValue(
            raw=raw, text=text, relative=relative, parts=[p for p in parts if p is not None]
        )
    if marked:
        return _from_match(marked[0], raw, text, relative)
    if len(numbers) == 1 and (trailing or numbers[0].end() == len(compact)):
        return _from_match(numbers[0], raw, text, relative)
    return None


def _with_note(text: str, raw: str, *, percent_context: bool) -> IndicatorValue | None:
    """``2000元/人/年(省级承担65%，地方承担35%)``: a value with a note in brackets; the whole text is kept."""
    match = _NOTE.match(_TRAILING_STOP.sub("", text))
    if match is None:
        return None
    value = _single(_compact(match["value"]), raw, percent_context=percent_context)
    if value is None:
        return None
    return value.model_copy(update={"text": text})


def _part(segment: str, *, percent_context: bool) -> IndicatorValue | None:
    return _single(_compact(segment), segment, percent_context=percent_context) or _in_prose(
        segment, segment, False, trailing=True
    )


def _compound(text: str, raw: str, *, percent_context: bool) -> IndicatorValue | None:
    """``1600人、200人``: several values; each is a part and the top level keeps only the text."""
    segments = [s.strip() for s in _PARTS_SEPARATOR.split(_TRAILING_STOP.sub("", text)) if s.strip()]
    if len(segments) < 2:
        return None
    parts = []
    for segment in segments:
        part = _part(segment, percent_context=percent_context)
        if part is None or part.parts:
            return None
        parts.append(part)
    return IndicatorValue(raw=raw, text=text, parts=parts)


def parse_value(raw: str, *, percent_context: bool = False) -> IndicatorValue:
    """Normalise an indicator value (指标值), docs/architecture.md §4. ``raw`` is kept as given.

    - Numeric targets: ``≧95%``, ``≥ 95%``, ``$\\geq 95\\%$``, ``不低于95%``, ``95%以上``, ``>=95%`` all give op
      ``>=``, number ``95``, unit ``%``; ``≤18万元`` gives ``<=``, ``18``, ``万元``. Operator words: ≥ for
      不低于 不少于 不小于 大于等于 至少 达到 and the suffixes 以上 及以上; ≤ for 不高于 不超过 不多于 不大于 小于等于
      控制在 and the suffixes 以下 以内 内; < for 低于 少于 小于; > for 大于 超过 高于; ``~`` (approximately) for
      约 大约 约为 大概 ``≈`` ``~`` and the suffix 左右 (``约5.5万人次`` → ``~``, 5.5, ``万人次``; 节约 签约 预约 … are
      words, not the hedge). A bare number (``100%``, ``25个``, ``32000次/年``, ``0``) has op ``=``. ``text`` is ``None`` when the text is nothing but the value.
    - Ranges (``90%-95%``, ``3-5个``): op ``>=``, ``number`` the lower bound, ``upper`` the upper bound; an
      approximate range (``约3-5个``) keeps op ``~``.
    - Units are kept as written, except that rates get one spelling, ``/`` (``元每人每月`` → ``元/人/月``, see
      :func:`normalise_unit`). Numbers keep their written precision (``100.00``); compare them by value.
    - ``percent_context=True`` is for a cell the source *formatted* as a percentage (a spreadsheet stores ``1``
      for ``100%``): a bare number without unit is scaled by 100 and given unit ``%``. By default a bare ``1``
      stays ``1`` without unit: the indicator layer does not guess.
    - A value with a note in brackets (``2000元/人/年(省级承担65%，地方承担35%)``) or inside prose
      (``2024年新增扶贫岗位≥1个``, ``比上年增长10%``) has its number and keeps the whole normalised text in
      ``text``. In prose a number is a target only when an operator marks it or it is the one number ending the
      text, so years and dates (``2024年12月底前``) stay text. Several marked numbers in prose become ``parts``.
    - Compound values (``1600人、200人``, ``生态镇3000元/人，江门财政分担50%；…``), separated by ``、，；``,
      list each value in ``parts`` (a part with words keeps its segment as ``text``); the top level has ``op``
      and ``number`` ``None`` — no single number stands for the whole — and the whole text.
    - Qualitative values (``是``, ``及时发放``, ``湛江市基层``, ``2024-2025年``) keep only ``text``. Targets
      stated against another period or as a trend (``较上年有所提升``, ``不低于上年度水平``, ``保持稳定``,
      ``逐步提高``, ``比上年增长10%``) also set ``relative``.

    Empty text, ``None`` and dash placeholders raise :class:`ValueParseError` (callers decide what an empty cell
    means); any other text gives a value.
    """
    if not isinstance(raw, str):
        raise ValueParseError(f"indicator value is not text: {raw!r}")
    text = normalise_text(raw)
    if _is_blank(text):
        raise ValueParseError(f"empty indicator value: {raw!r}")
    relative = bool(_RELATIVE.search(text))
    value = None
    if not relative:
        value = (
            _single(_compact(_TRAILING_STOP.sub("", text)), raw, percent_context=percent_context)
            or _with_note(text, raw, percent_context=percent_context)
            or _compound(text, raw, percent_context=percent_context)
        )
    value = value or _in_prose(text, raw, relative, trailing=False)
    return value or IndicatorValue(raw=raw, text=text, relative=relative)


# --------------------------------------------------------------------------------------------------------------
# Comparing values (for the diff engine, docs/architecture.md §6)
# --------------------------------------------------------------------------------------------------------------

#: Units that convert exactly into one another: unit → (base unit, power of ten).
_UNIT_SCALES: dict[str, tuple[str, int]] = {
    "元": ("元", 0),
    "万元": ("元", 4),
    "亿元": ("元", 8),
    "人": ("人", 0),
    "万人": ("人", 4),
    "人次": ("人次", 0),
    "万人次": ("人次", 4),
    "次": ("次", 0),
    "万次": ("次", 4),
}

#: How a new indicator value compares with the old one, as :func:`compare_values` tells it: stricter (tightened),
#: easier (loosened), in another unit, qualitative, with another operator, or just different (an exact figure).
ValueComparison = Literal["tightened", "loosened", "unit-changed", "qualitative", "op-changed", "modified"]
#: The direction a change record reports (the diff's public vocabulary): an operator change and a plain difference are
#: both ``changed``.
Direction = Literal["tightened", "loosened", "unit-changed", "qualitative", "changed"]


def direction_of(comparison: ValueComparison) -> Direction:
    """The reported direction of a value comparison."""
    if comparison == "op-changed" or comparison == "modified":
        return "changed"
    return comparison


_MIRROR: dict[str, str] = {"tightened": "loosened", "loosened": "tightened"}


@dataclass(frozen=True)
class _Interval:
    """The set of outcomes that meet a numeric target; ``None`` bounds are unbounded."""

    low: Decimal | None
    low_closed: bool
    high: Decimal | None
    high_closed: bool

    def within(self, other: _Interval) -> bool:
        """Whether every outcome meeting ``self`` also meets ``other`` (self ⊆ other)."""
        return _low_within(self, other) and _high_within(self, other)


def _low_within(a: _Interval, b: _Interval) -> bool:
    if b.low is None:
        return True
    if a.low is None:
        return False
    return a.low > b.low or (a.low == b.low and (b.low_closed or not a.low_closed))


def _high_within(a: _Interval, b: _Interval) -> bool:
    if b.high is None:
        return True
    if a.high is None:
        return False
    return a.high < b.high or (a.high == b.high and (b.high_closed or not a.high_closed))


def _base_unit(unit: str | None) -> tuple[str | None, int]:
    """``万元/人`` → (``元/人``, 4): the unit in its smallest convertible form and the power of ten to get there."""
    if unit is None:
        return None, 0
    head, slash, tail = unit.partition("/")
    base, exponent = _UNIT_SCALES.get(head, (head, 0))
    return base + slash + tail, exponent


def _interval(value: IndicatorValue) -> _Interval:
    number = value.number if value.number is not None else Decimal(0)
    _, exponent = _base_unit(value.unit)
    low = _shift(number, exponent)
    if value.upper is not None:
        return _Interval(low, True, _shift(value.upper, exponent), True)
    match value.op:
        case ">=":
            return _Interval(low, True, None, False)
        case ">":
            return _Interval(low, False, None, False)
        case "<=":
            return _Interval(None, False, low, True)
        case "<":
            return _Interval(None, False, low, False)
        case _:
            return _Interval(low, True, low, True)


def _shape(value: IndicatorValue) -> str:
    """What kind of target the operator sets: a floor, a ceiling, an exact figure or a range."""
    if value.upper is not None:
        return "range"
    return {">=": "floor", ">": "floor", "<=": "ceiling", "<": "ceiling"}.get(value.op or "=", "exact")


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def _text_key(text: str | None) -> str:
    """Text compared for meaning: normalised, without spaces or closing punctuation."""
    return _TRAILING_STOP.sub("", _compact(normalise_text(text))) if text else ""


def _skeleton(text: str | None) -> str:
    """The prose around the numbers (``2024年新增扶贫岗位≥1个`` → ``#年新增扶贫岗位≥#个``)."""
    return _DIGITS.sub("#", _text_key(text))


def _is_numeric(value: IndicatorValue) -> bool:
    return value.number is not None


def compare_values(old: IndicatorValue, new: IndicatorValue) -> ValueComparison | None:
    """How a target changed from ``old`` to ``new`` (docs/architecture.md §6); ``None`` when both state the same target.

    Rules, in order:

    1. Compound values (``parts``): with the same number of parts, each pair is compared; the change is the one
       direction all changed pairs share (``tightened``, ``loosened``, ``unit-changed``), ``modified`` when they
       differ, and ``modified`` when only the words around the parts changed. A different number of parts, or a
       compound against a single value, is ``modified`` (``qualitative`` when the other side has no number).
    2. When either side has no number: ``None`` when the texts are equal after :func:`normalise_text` (and spaces
       and closing punctuation are ignored) and both agree on ``relative``; otherwise ``qualitative``.
    3. Numeric values with different prose around the numbers (``新增扶贫岗位≥1个`` → ``新增就业岗位≥1个``):
       ``modified``.
    4. Units that do not convert into one another (``%`` → ``个``, ``1`` → ``100%``): ``unit-changed``. 元, 万元
       and 亿元 convert (as do 人/万人, 人次/万人次, 次/万次), so ``≤18万元`` and ``≤180000元`` are equal.
    5. An approximate figure (op ``~``: ``约5.5万人次``, ``100人左右``) sets no bound: the same figure (units
       converted) is ``None``, another figure ``modified``, and ``~`` against any other operator ``op-changed``.
    6. Otherwise each target is read as the set of outcomes that meet it (``≥95`` = [95, ∞), ``<18`` = (-∞, 18),
       ``=100`` = {100}, ``90-95`` = [90, 95]) and the sets are compared:
       - same set: ``None``, unless a note or prose changed (a year in ``2024年新增…``): ``modified``;
       - new set inside the old one: ``tightened`` (``≥95%`` → ``≥98%``, ``≤18万元`` → ``≤15万元``,
         ``≥95%`` → ``>95%``, ``≥95%`` → ``=100%``);
       - old set inside the new one: ``loosened`` (``≥200元/人/月`` → ``≥190元/人/月``);
       - neither, with the same kind of target (two exact figures ``=5000`` → ``=6000``, two ranges that shift):
         ``modified`` — an exact figure has no direction;
       - neither, with a different kind of target (floor → ceiling): ``op-changed``.

    ``compare_values(a, a)`` is ``None``, and ``compare_values(b, a)`` mirrors ``compare_values(a, b)``
    (``tightened`` ↔ ``loosened``, the rest unchanged).
    """
    if old.parts or new.parts:
        return _compare_parts(old, new)
    if not _is_numeric(old) or not _is_numeric(new):
        same = _text_key(old.text) == _text_key(new.text) and old.relative == new.relative
        return None if same and _is_numeric(old) == _is_numeric(new) else "qualitative"
    if _skeleton(old.text) != _skeleton(new.text):
        return "modified"
    if _base_unit(old.unit)[0] != _base_unit(new.unit)[0]:
        return "unit-changed"
    if "~" in (old.op, new.op):
        return _compare_approximate(old, new)
    return _compare_intervals(old, new)


def _compare_approximate(old: IndicatorValue, new: IndicatorValue) -> ValueComparison | None:
    """An approximate figure (约) sets no bound, so it neither tightens nor loosens: the same figure is no change,
    another figure is ``modified``, and approximate against a bound or an exact figure is ``op-changed``."""
    if old.op != new.op:
        return "op-changed"
    if _interval(old) != _interval(new):
        return "modified"
    same_words = _text_key(old.text) == _text_key(new.text) and old.relative == new.relative
    return None if same_words else "modified"


def _compare_intervals(old: IndicatorValue, new: IndicatorValue) -> ValueComparison | None:
    old_set, new_set = _interval(old), _interval(new)
    new_within, old_within = new_set.within(old_set), old_set.within(new_set)
    if new_within and old_within:
        same_words = _text_key(old.text) == _text_key(new.text) and old.relative == new.relative
        return None if same_words else "modified"
    if new_within:
        return "tightened"
    if old_within:
        return "loosened"
    return "modified" if _shape(old) == _shape(new) else "op-changed"


def _compare_parts(old: IndicatorValue, new: IndicatorValue) -> ValueComparison | None:
    if not old.parts or not new.parts or len(old.parts) != len(new.parts):
        either_textual = not (old.parts or _is_numeric(old)) or not (new.parts or _is_numeric(new))
        return "qualitative" if either_textual else "modified"
    directions = {compare_values(a, b) for a, b in zip(old.parts, new.parts, strict=True)} - {None}
    if not directions:
        same_words = _PARTS_SEPARATOR.sub("", _skeleton(old.text)) == _PARTS_SEPARATOR.sub(
            "", _skeleton(new.text)
        )
        return None if same_words else "modified"
    if len(directions) == 1:
        direction = directions.pop()
        return direction if direction in ("tightened", "loosened", "unit-changed") else "modified"
    return "modified"


def values_equal(a: IndicatorValue, b: IndicatorValue) -> bool:
    """Whether two values state the same target (``≧95%`` and ``≥95%``; ``100%`` and ``100.00%``)."""
    return compare_values(a, b) is None


def mirror_direction(direction: str | None) -> str | None:
    """The direction of the reverse change: ``tightened`` ↔ ``loosened``; every other direction is its own."""
    return _MIRROR.get(direction, direction) if direction is not None else None
