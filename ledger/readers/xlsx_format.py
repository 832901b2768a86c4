"""What a spreadsheet cell says: its value rendered through its number format (数字格式), as Excel shows it.

Where the display carries meaning, the text is what the reader saw: a stored ``1`` under a percent format reads
``100%``; a date reads as its format spells it; ``1234.5`` under ``#,##0.00`` reads ``1,234.50``; a literal unit
(``0.00"万元"``) stays. What the display only rounds away is not meaning: :func:`display` with ``exact=True`` (what
the XLSX reader uses) keeps every stored digit — ``10891.615675`` under ``0.00`` reads ``10891.615675``, as the same
publication printed in full (text, DOCX, PDF) says, so one publication gives one snapshot in every format. Floats go through :class:`~decimal.Decimal` at Excel's own precision (15 significant digits), so no
binary artefact (``0.30000000000000004``) ever reaches the text.

Covered: General, ``0``/``#``/``?`` digit placeholders with decimals and thousands separators, percent, literals
(``"万元"``, ``\\x``), padding (``_x``) and fill (``*x``), colour/locale/condition brackets, positive;negative;zero;
text sections, scientific notation, and dates/times. Anything else falls back to General: the number is still exact.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Context, Decimal

#: Excel keeps 15 significant digits; more digits in a float are binary noise.
EXCEL_PRECISION = 15
_CONTEXT = Context(prec=EXCEL_PRECISION, rounding=ROUND_HALF_UP)

_BRACKET = re.compile(r"\[[^\]]*\]")
_DATE_TOKENS = re.compile(r"(yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p)", re.IGNORECASE)
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)
_MONTHS = ("January February March April May June July August September October November December").split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def to_decimal(value: float | int | Decimal) -> Decimal:
    """A stored number as Excel sees it: exact for integers, 15 significant digits for floats."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return _CONTEXT.create_decimal(repr(value))


def plain(number: Decimal) -> str:
    """A Decimal without exponent notation or trailing zeros: ``6730``, ``82800.92``, ``0.3``."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def display(value: object, number_format: str = "General", *, exact: bool = False) -> str:
    """The text a cell shows for ``value`` under ``number_format``.

    With ``exact=True`` a number keeps every digit it stores even where the format shows fewer (``10891.615675``
    under ``0.00`` reads ``10891.615675``, not ``10891.62``): the format's grouping, literals and minimum decimals
    still apply. Percentages, dates and text read as displayed either way: there the display is the meaning.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return _text_section(value, number_format)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return _date(value, number_format)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return _number(to_decimal(value), number_format, exact=exact)
    return str(value)


def _sections(number_format: str) -> list[str]:
    """Split on ``;`` outside quotes and backslash escapes."""
    sections: list[str] = []
    current = ""
    quoted = escaped = False
    for char in number_format:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char == '"':
            current, quoted = current + char, not quoted
        elif char == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += char
    sections.append(current)
    return sections


def _text_section(value: str, number_format: str) -> str:
    """A text cell shows itself, wrapped in the literals of a fourth (text) section if it has an ``@``."""
    sections = _sections(number_format)
    if len(sections) == 4 and "@" in sections[3]:
        return "".join(value if text == "@" else text for _, text in _tokens(sections[3], keep_at=True))
    return value


def _number(number: Decimal, number_format: str, *, exact: bool = False) -> str:
    sections = _sections(number_format if number_format.strip() else "General")
    section, signed = _pick_section(sections, number)
    if section.strip().lower() in ("general", "", "@"):
        return plain(number) if signed else plain(abs(number))
    if _is_date_section(section):
        return plain(number)
    rendered = _render_numeric(abs(number) if not signed else number, section, exact=exact)
    return rendered if rendered is not None else plain(number)


def _pick_section(sections: list[str], number: Decimal) -> tuple[str, bool]:
    """The section for this number, and whether the number keeps its own sign (only with a single section)."""
    numeric = sections[:3]
    if len(numeric) == 1 or (number > 0) or (number == 0 and len(numeric) < 3):
        return numeric[0], len(numeric) == 1
    if number < 0:
        return numeric[1], False
    return numeric[2], False


def _is_date_section(section: str) -> bool:
    pattern = "".join(text for literal, text in _tokens(section) if not literal)
    return bool(re.search(r"[ymdhs]", pattern, re.IGNORECASE)) and not re.search(r"[0#?]", pattern)


Token = tuple[bool, str]  # (is a literal, text)


def _tokens(section: str, *, keep_at: bool = False) -> list[Token]:
    """The section as literal pieces (quoted, escaped) and pattern characters, brackets and padding removed."""
    section = _BRACKET.sub(lambda m: m.group() if _ELAPSED.fullmatch(m.group()) else "", section)
    tokens: list[Token] = []
    index = 0
    while index < len(section):
        char = section[index]
        if char == '"':
            end = section.find('"', index + 1)
            end = len(section) if end < 0 else end
            tokens.append((True, section[index + 1 : end]))
            index = end + 1
        elif char == "\\" and index + 1 < len(section):
            tokens.append((True, section[index + 1]))
            index += 2
        elif char in "_*" and index + 1 < len(section):
            index += 2  # padding to a character's width / fill: no text of their own
        elif char == "@":
            tokens.append((True, "@" if keep_at else ""))
            index += 1
        else:
            tokens.append((False, char))
            index += 1
    return tokens


def _text_of(tokens: list[Token]) -> str:
    return "".join(text for _, text in tokens)


def _render_numeric(number: Decimal, section: str, *, exact: bool = False) -> str | None:
    """Render ``number`` into a numeric section; ``None`` for patterns this does not know (fractions).

    ``exact`` keeps the stored digits beyond the section's decimals, except under a percent sign."""
    tokens = _tokens(section)
    pattern = [text if not literal else "" for literal, text in tokens]
    if "/" in pattern:
        return None
    start = next(
        (
            i
            for i, char in enumerate(pattern)
            if char in ("0", "#", "?") or (char == "." and i + 1 < len(pattern) and pattern[i + 1] in "0#?")
        ),
        None,
    )
    if start is None:
        return _text_of(tokens)
    end = start
    while end < len(pattern) and pattern[end] and pattern[end] in "0#?,.":
        end += 1
    if end + 2 < len(pattern) and pattern[end] in ("E", "e") and pattern[end + 1] in ("+", "-"):
        end += 2
        while end < len(pattern) and pattern[end] and pattern[end] in "0#?":
            end += 1
    percent = sum(1 for char in pattern if char == "%")
    rendered = _digits(number.scaleb(2 * percent), "".join(pattern[start:end]), exact=exact and not percent)
    return _text_of(tokens[:start]) + rendered + _text_of(tokens[end:])


def _digits(number: Decimal, run: str, *, exact: bool = False) -> str:
    mantissa_run, _, exponent_run = run.partition("E") if "E" in run else run.partition("e")
    integer_run, _, fraction_run = mantissa_run.partition(".")
    scale_commas = len(integer_run) - len(integer_run.rstrip(","))
    integer_run = integer_run.rstrip(",")
    number = number.scaleb(-3 * scale_commas)
    grouping = "," in integer_run
    min_integer = integer_run.count("0")
    max_fraction = sum(1 for c in fraction_run if c in "0#?")
    min_fraction = len(fraction_run) - len(fraction_run.lstrip("0")) if fraction_run else 0
    exponent_text = ""
    if exponent_run:
        exponent = 0 if number == 0 else number.adjusted()
        number = number.scaleb(-exponent)
        sign = "-" if exponent < 0 else ("+" if exponent_run.startswith("+") else "")
        exponent_text = "E" + sign + str(abs(exponent)).rjust(exponent_run.count("0"), "0")
    if exact:
        stored_exponent = (
            number.normalize(Context(prec=max(28, len(number.as_tuple().digits)))).as_tuple().exponent
        )
        if isinstance(stored_exponent, int):
            max_fraction = max(max_fraction, -stored_exponent)
    rounded = number.quantize(Decimal(1).scaleb(-max_fraction), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    digits = format(abs(rounded), "f")
    whole, _, fraction = digits.partition(".")
    fraction = fraction.rstrip("0").ljust(min_fraction, "0") if max_fraction else ""
    whole = whole.lstrip("0").rjust(min_integer, "0")
    if grouping and whole:
        whole = f"{int(whole):,}"
    text = whole + ("." + fraction if fraction or ("." in mantissa_run and min_fraction) else "")
    if not text:
        text = "0"
    return ("-" if negative and rounded != 0 else "") + text + exponent_text


def _date(value: dt.datetime | dt.date | dt.time, number_format: str) -> str:
    section = _sections(number_format)[0]
    if section.strip().lower() in ("general", "") or not _is_date_section(section):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    items: list[Token] = []  # (is a date token, text)
    run = ""
    for literal, text in [*_tokens(section), (True, "")]:
        if literal:
            for index, piece in enumerate(_DATE_TOKENS.split(run)):
                items.append((index % 2 == 1, piece))
            items.append((False, text))
            run = ""
        else:
            run += text
    date_tokens = [text for is_token, text in items if is_token]
    twelve_hour = any(token.lower() in ("am/pm", "a/p") for token in date_tokens)
    out = ""
    seen = 0
    for is_token, text in items:
        if not is_token:
            out += text
            continue
        previous = date_tokens[seen - 1] if seen else ""
        following = date_tokens[seen + 1] if seen + 1 < len(date_tokens) else ""
        out += _date_token(value, text, previous, following, twelve_hour)
        seen += 1
    return out


def _date_token(
    value: dt.datetime | dt.date | dt.time, token: str, previous: str, following: str, twelve_hour: bool
) -> str:
    lower = token.lower()
    date = value if isinstance(value, dt.date) else None
    time = value if isinstance(value, dt.time) else value.time() if isinstance(value, dt.datetime) else None
    minute_context = previous.lower().startswith("h") or following.lower().startswith("s")
    if lower.startswith("m") and minute_context and time is not None and len(lower) <= 2:
        return str(time.minute).zfill(len(lower))
    if date is not None:
        if lower == "yyyy":
            return str(date.year)
        if lower == "yy":
            return str(date.year % 100).zfill(2)
        if lower in ("m", "mm"):
            return str(date.month).zfill(len(lower))
        if lower == "mmm":
            return _MONTHS[date.month - 1][:3]
        if lower in ("mmmm", "mmmmm"):
            return _MONTHS[date.month - 1] if lower == "mmmm" else _MONTHS[date.month - 1][0]
        if lower in ("d", "dd"):
            return str(date.day).zfill(len(lower))
        if lower in ("ddd", "dddd"):
            name = _WEEKDAYS[date.weekday()]
            return name[:3] if lower == "ddd" else name
    if time is not None:
        if lower in ("h", "hh"):
            hour = time.hour % 12 or 12 if twelve_hour else time.hour
            return str(hour).zfill(len(lower))
        if lower in ("s", "ss"):
            return str(time.second).zfill(len(lower))
        if lower == "am/pm":
            return "AM" if time.hour < 12 else "PM"
        if lower == "a/p":
            return "A" if time.hour < 12 else "P"
    return ""
