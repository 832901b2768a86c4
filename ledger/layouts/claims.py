"""The claims of a budget explanation (预算情况说明): what a department says changed from last year, and why.

Every 部门预算 narrative states, line by line, a figure, its change from last year and the reason::

    2.住房改革支出（款）提租补贴（项）1,754.17 万元，与上年相比增加 646.57 万元，增长 58.38%。
    主要原因是提租补贴基数调整，支出增加。

:func:`read_statements` turns each such sentence into a :class:`~ledger.model.NarrativeStatement`: the subject (with its
类/款/项 path), the stated amount, the signed change and percentage, the reason and the page. The comparison is
worded many ways (``与上年相比``, ``比上年预算``, ``较上年``, ``比 2016 年``, ``与 2016 年度相比（…）``), and "no change"
too (``与上年数一致``, ``本年数与上年数持平，零增长``); every one is a claim. A sentence whose figure cannot be found is
still a statement (without an amount), so that a check can report it rather than lose it.

:func:`target_of` names what a statement is about without looking at any table (``accounts.income_total``,
``function:一般公共服务支出/政协事务/行政运行``); :func:`resolve` finds that target in a snapshot's tables and
returns the table's figure and the entity key the diff engine uses for it. A narrative published apart from its
tables is resolved against the tables of the same department and year in another snapshot.

Tables of this template print an empty cell for zero: a line that is there with an empty amount resolves to 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ledger.model import ClaimDirection, FunctionLine, Line, NarrativeStatement, Snapshot
from ledger.model.values import amount_in_wanyuan, normalise_text
from ledger.readers.document import Block, Paragraph

_NUM = r"\d[\d,，]*(?:\.\d+)?"
#: How a sentence compares with last year. Longer wordings first: ``与上年相比`` before ``与上年``.
_ANCHOR = (
    r"(?:与上年(?:数|预算数?)?相比|与\d{4}年度?(?:预算)?相比|比上年(?:预算数?)?|比\d{4}年度?(?:预算数?)?"
    r"|较上年(?:预算数?)?|(?:本年数?)?与上年(?:数|预算数?)?)"
)
_CLAIM = re.compile(
    rf"(?P<anchor>{_ANCHOR})"
    r"(?:(?P<same>一致|持平|相同|相等)"
    rf"|(?:（[^）]*）)?[，,]?(?P<what>[^，,。；;\d%]{{0,14}}?)(?P<dir>增加|减少|增长|下降|减)(?P<delta>{_NUM})万元)"
)
_PERCENT = re.compile(
    rf"[，,]?(?:(?P<pdir>增长|下降|减少|降低|增加|上升)了?(?P<pct>{_NUM})(?:%|(?=[，,。；;]))|(?P<zero>零增长))"
)
_REASON = re.compile(r"[。，,；;]?(?:主要原因|原因|主要)(?:是|为|：|:)(?P<reason>[^。]*)")
_AMOUNT = re.compile(rf"(?P<amount>{_NUM})万元")
_CHANGE_WORD = re.compile(r"(?:增加|减少|增长|下降|压减|减)$")
#: ``- 12 -``: a page number left inside a sentence by a format without pages (DOCX, HTML, text).
_PAGE_FURNITURE = re.compile(r"[-—–]\s*\d{1,4}\s*[-—–]")
_TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S")
_CATEGORY_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)](?P<name>[^（）()]+?)[（(]类[）)]$")
_CLASSIFIED = re.compile(r"(?P<name>[^（）()]+?)[（(](?P<level>类|款|项)[）)](?P<tail>支出)?")
#: What comes before the subject and is not part of it: numbering, ``此外，``, ``其中，``, the department and year.
_LEADING = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[一二三四五六七八九十]+、|此外[，,]?|其中[，,：:]?|另外[，,]?)"
)
_DEPARTMENT_YEAR = re.compile(r"^\S*?\d{4}年度?")
_TRAILING = re.compile(r"(?:预算数为|预算为|为|共计|合计)$")
_BOUNDARY = "。；;，,："


def flat(text: str) -> str:
    """Sentence text as it is matched: no whitespace (PDF line breaks put spaces anywhere), no page numbers."""
    return re.sub(r"\s+", "", _PAGE_FURNITURE.sub("", text))


def read_statements(blocks: Iterable[Block]) -> list[NarrativeStatement]:
    """Every claim about last year in the paragraphs of ``blocks``, in document order."""
    found: list[NarrativeStatement] = []
    section: str | None = None
    category: str | None = None
    for block in blocks:
        if not isinstance(block, Paragraph):
            continue
        text = flat(block.text)
        if _TOP_HEADING.match(text) and len(text) <= 40:
            section, category = text, None
            continue
        if (heading := _CATEGORY_HEADING.match(text)) is not None:
            category = _category_name(heading["name"], "支出")
            continue
        for statement in statements_in(text, section=section, category=category, page=block.page):
            if len(statement.path) > 1 and _is_category(statement.subject):
                category = statement.path[0]
            found.append(statement)
    return found


def statements_in(
    text: str, *, section: str | None = None, category: str | None = None, page: int | None = None
) -> list[NarrativeStatement]:
    """The claims of one paragraph (``text`` already :func:`flat`). ``category`` is the 类 a heading above named."""
    found: list[NarrativeStatement] = []
    position = 0
    while (match := _CLAIM.search(text, position)) is not None:
        end = match.end()
        percent, percent_decimals = None, None
        if (stated := _PERCENT.match(text, end)) is not None:
            end = stated.end()
            if stated["zero"]:
                percent, percent_decimals = Decimal(0), 0
            else:
                percent, percent_decimals = _number(stated["pct"])
                if stated["pdir"] in ("下降", "减少", "降低"):
                    percent = -percent
        reason = None
        if (explained := _REASON.match(text, end)) is not None:
            end = explained.end()
            reason = explained["reason"].strip() or None
        found.append(
            _statement(text, position, match, end, percent, percent_decimals, reason, section, category, page)
        )
        position = max(end, match.end())
    return found


def _statement(
    text: str,
    start: int,
    match: re.Match[str],
    end: int,
    percent: Decimal | None,
    percent_decimals: int | None,
    reason: str | None,
    section: str | None,
    category: str | None,
    page: int | None,
) -> NarrativeStatement:
    before = text[start : match.start()]
    # A figure right after 增加/减少 is a change of something else (``基本支出增加 498.72 万元``), not a level.
    figures = [f for f in _AMOUNT.finditer(before) if not _CHANGE_WORD.search(before, 0, f.start())]
    amount, amount_decimals = (None, None)
    if figures:
        # A comparison that opens a sentence is about the sentence before it, whose first figure is its subject's
        # (``“三公”经费预算安排7.85万元，其中：…；公务接待费1.09万元。与2023年相比持平``); otherwise it is about the
        # figure just before it.
        opening = before.rfind("。", 0, len(before) - 1) + 1 if before.endswith("。") else None
        later = [f for f in figures if opening is not None and f.start() >= opening]
        figure = later[0] if later else figures[-1]
        amount, amount_decimals = _number(figure["amount"])
        head = before[: figure.start()]
    else:
        head = before
    cut = max(head.rfind(mark) for mark in _BOUNDARY)
    subject = _subject(head[cut + 1 :] if figures or cut + 1 < len(head) else head)
    direction: ClaimDirection
    if match["same"]:
        direction, delta, delta_decimals = "unchanged", Decimal(0), 0
    else:
        delta, delta_decimals = _number(match["delta"])
        direction = "decrease" if match["dir"] in ("减少", "下降", "减") else "increase"
        delta = -delta if direction == "decrease" else delta
    path = subject_path(subject, category)
    sentence_start = start + (cut + 1 if cut >= 0 else 0)
    return NarrativeStatement(
        text=text[sentence_start:end].strip("。，,；; "),
        subject=subject,
        path=path,
        section=section,
        target=target_of(subject, path, section),
        amount=amount,
        amount_decimals=amount_decimals,
        direction=direction,
        delta=delta,
        delta_decimals=delta_decimals,
        percent=percent,
        percent_decimals=percent_decimals,
        reason=reason,
        page=page,
    )


def _number(text: str) -> tuple[Decimal, int]:
    """A stated figure and the decimals it was printed with (``1,027.90`` → 1027.90, 2)."""
    value = amount_in_wanyuan(text.replace("，", ","))
    assert value is not None  # the patterns only capture numbers
    exponent = value.as_tuple().exponent
    return value, -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _subject(text: str) -> str:
    subject = text.strip()
    for _ in range(3):  # ``此外，1.`` : a few leading parts, each removed once
        subject = _LEADING.sub("", subject).strip()
    subject = _DEPARTMENT_YEAR.sub("", subject, count=1)
    subject = re.sub(r"^(?:本部门|我部门|本单位|我单位)", "", subject)
    return _TRAILING.sub("", subject).strip()


def _is_category(subject: str) -> bool:
    return bool(re.search(r"[（(]类[）)]", subject))


def _category_name(name: str, tail: str | None) -> str:
    """``一般公共服务（类）支出`` names the 类 ``一般公共服务支出``, as the tables print it."""
    name = name.strip()
    return name + "支出" if tail and not name.endswith("支出") else name


def subject_path(subject: str, category: str | None = None) -> list[str]:
    """The 类/款/项 names a subject gives (the 类 from the heading above when it names only 款 and 项)."""
    levels = [(m["level"], m["name"], m["tail"]) for m in _CLASSIFIED.finditer(subject)]
    if not levels:
        return [subject]
    path = [_category_name(name, tail) if level == "类" else name.strip() for level, name, tail in levels]
    if levels[0][0] != "类" and category:
        path.insert(0, category)
    return path


# --- what a statement is about -----------------------------------------------------------------------------------

#: Named figures, most specific first (``一般公共预算拨款安排的会议费`` is 会议费, not the 一般公共预算 total).
_TARGETS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), target)
    for pattern, target in (
        (r"因公出国[（(]境[）)]费", "three_public.因公出国（境）费"),
        (r"公务用车购置及运行维护费", "three_public.公务用车购置及运行维护费"),
        (r"公务用车购置(?:费|预算|支出)", "three_public.公务用车购置费"),
        (r"公务用车运行维护费", "three_public.公务用车运行维护费"),
        (r"公务接待费", "three_public.公务接待费"),
        (r"会议费", "three_public.会议费"),
        (r"培训费", "three_public.培训费"),
        (r"三公[”\"’']?经费", "three_public.三公经费"),
        (r"机关运行经费", "accounts.operating_costs"),
        (r"政府采购", "accounts.government_procurement"),
        (r"收入、?支出预算总计|收、?支预算总计", "accounts.income_total"),
        (r"^收入预算总计", "accounts.income_total"),
        (r"^支出预算总计", "accounts.expenditure_total"),
        (r"本年收入预算合计", "accounts.current_year_income"),
        (r"本年支出预算合计", "accounts.current_year_expenditure"),
        (r"^一般公共预算(?:财政拨款)?(?:收入|拨款|支出)", "income:财政拨款/一般公共预算"),
        (r"^政府性基金(?:预算)?收入", "income:财政拨款/政府性基金预算"),
        (r"^财政拨款(?:收入|收、?支|预算支出|支出)", "income:财政拨款"),
        (r"^财政专户管理资金", "income:财政专户管理资金"),
        (r"^其他资金", "income:其他资金"),
        (r"^上年结转", "accounts.carry_over"),
        (r"^基本支出", "accounts.basic_expenditure"),
        (r"^项目支出", "accounts.project_expenditure"),
        (r"^单位预留机动经费", "expenditure:单位预留机动经费"),
    )
)


def target_of(subject: str, path: Sequence[str], section: str | None) -> str | None:
    """What the statement is about, in table-independent words; None when it names nothing a table has.

    A 类 stated in the overall section (收支预算总体情况) is the 收支总表's expenditure line of that 类 (all funds);
    in the sections on appropriations (财政拨款 …) it is the 类 of the 财政拨款支出表.
    """
    if _CLASSIFIED.search(subject):
        if len(path) == 1 and not (section and ("财政拨款" in section or "一般公共预算" in section)):
            return f"expenditure_lines:{path[0]}"
        return "function:" + "/".join(path)
    for pattern, target in _TARGETS:
        if pattern.search(subject):
            return target
    return None


@dataclass(frozen=True)
class Resolved:
    """A statement's target found in a snapshot's tables: the entity key and the table's figure."""

    entity: str
    amount: Decimal


def resolve(target: str | None, snapshot: Snapshot) -> Resolved | None:
    """``target`` in the tables of ``snapshot``, or None when they do not have it."""
    accounts = snapshot.accounts
    if target is None or accounts is None:
        return None
    kind, _, rest = target.partition(":") if ":" in target else target.partition(".")
    if kind == "accounts":
        value = getattr(accounts, rest)
        return Resolved(f"accounts:accounts#{rest}", _zero(value))
    if kind == "three_public":
        return _three_public(rest, accounts.three_public)
    if kind == "income":
        return _line(rest.split("/"), snapshot.budget_overview.income, "budget_line", "income") or _line(
            rest.split("/"), accounts.income_lines, "account_line", "income_lines"
        )
    if kind == "expenditure":
        return _line([rest], snapshot.budget_overview.expenditure, "budget_line", "expenditure")
    if kind == "expenditure_lines":
        return _line([rest], accounts.expenditure_lines, "account_line", "expenditure_lines") or _function(
            [rest], accounts.function_lines, "function_line"
        )
    if kind == "function":
        path = rest.split("/")
        return _function(path, accounts.fiscal_function_lines, "fiscal_function_line") or _function(
            path, accounts.function_lines, "function_line"
        )
    return None


def _zero(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value


def name_key(name: str) -> str:
    """A name as compared: no spaces or quotes, brackets half-width, ``支出`` at the end optional."""
    name = re.sub(r"[\s“”\"‘’']", "", name).replace("（", "(").replace("）", ")")
    return name.removesuffix("支出")


#: ``一、`` ``（二）`` ``3.``: numbering in front of a line name, which the diff engine's line keys leave out.
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[、.．](?!\d)|[①-⑳])\s*"
)


def line_key(name: str) -> str:
    """A line name as the diff engine's line entities key it: normalised, no spaces, lower case, no numbering."""
    return _ENUMERATOR.sub("", re.sub(r"\s", "", normalise_text(name)).lower(), count=1)


def _three_public(name: str, figures: dict[str, Decimal | None]) -> Resolved | None:
    wanted = name_key(name)
    for key, value in figures.items():
        printed = name_key(key)
        if printed == wanted or (wanted == "三公经费" and "三公" in printed and "合计" not in printed):
            return Resolved(f"accounts:accounts#three_public.{key}", _zero(value))
    return None


def _line(path: Sequence[str], lines: Sequence[Line], entity: str, side: str) -> Resolved | None:
    """The line at ``path`` (names) of a line tree; its key as the diff engine's line entities spell it."""
    names: list[str] = []
    current: Sequence[Line] = lines
    found: Line | None = None
    for name in path:
        found = next((line for line in current if name_key(line.name) == name_key(name)), None)
        if found is None:
            return None
        names.append(line_key(found.name))
        current = found.children
    assert found is not None
    return Resolved(f"{entity}:{side}/{'/'.join(names)}#amount", _zero(found.amount))


def _function(path: Sequence[str], lines: Sequence[FunctionLine], entity: str) -> Resolved | None:
    """The 功能分类科目 line whose 类/款/项 names end with ``path`` (a path may leave out its 类).

    Failing that, the one line under the same 类/款 whose name has the same characters in another order: narratives
    transpose words (江苏省高级人民法院 writes 一般行政事务管理 for the 项 its tables print as 一般行政管理事务).
    """
    by_code = {line.code: line for line in lines}
    wanted = [name_key(name) for name in path]
    paths = [(line, _names(line, by_code)) for line in lines]
    for line, names in paths:
        if len(names) >= len(wanted) and names[-len(wanted) :] == wanted:
            return Resolved(f"{entity}:{line.code}#total", _zero(line.total))
    transposed = [
        line
        for line, names in paths
        if len(names) >= len(wanted)
        and names[-len(wanted) : -1] == wanted[:-1]
        and sorted(names[-1]) == sorted(wanted[-1])
    ]
    if len(transposed) == 1:
        return Resolved(f"{entity}:{transposed[0].code}#total", _zero(transposed[0].total))
    return None


def _names(line: FunctionLine, by_code: dict[str, FunctionLine]) -> list[str]:
    """The compared names of the line's 类, 款 and 项 (as far as its code goes and the table has them)."""
    prefixes = [line.code[:n] for n in (3, 5, 7) if n <= len(line.code)]
    return [name_key(by_code[prefix].name) for prefix in prefixes if prefix in by_code]


def with_entities(statements: Sequence[NarrativeStatement], snapshot: Snapshot) -> list[NarrativeStatement]:
    """``statements`` with the entity of ``snapshot``'s tables each is about, where they have it."""
    matched: list[NarrativeStatement] = []
    for statement in statements:
        resolved = resolve(statement.target, snapshot)
        entity = resolved.entity if resolved is not None else None
        matched.append(statement.model_copy(update={"entity": entity}))
    return matched
