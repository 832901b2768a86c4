"""Funding-notice references (资金文件文号): every spelling, every reference in the seeds, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.model import Notice, notices
from ledger.model.notices import extract_notices, notice_ref
from ledger.model.values import normalise_text

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.parametrize(
    ("text", "ref", "issuer", "year", "number"),
    [
        ("秦财企[2023]649号", "秦财企[2023]649号", "秦财企", 2023, "649"),
        ("12、秦财企[2022]692-关于提前下达2023年…", "秦财企[2022]692号", "秦财企", 2022, "692"),
        ("唐财社【2023】170号", "唐财社[2023]170号", "唐财社", 2023, "170"),
        ("唐财金[2023]16号文", "唐财金[2023]16号", "唐财金", 2023, "16"),
        ("秦财社〔2023〕377号", "秦财社[2023]377号", "秦财社", 2023, "377"),
        ("冀财社(2023)12号", "冀财社[2023]12号", "冀财社", 2023, "12"),
        ("冀财社（2023）12号", "冀财社[2023]12号", "冀财社", 2023, "12"),
        ("粤财社［2023］8号", "粤财社[2023]8号", "粤财社", 2023, "8"),
        ("粤财社﹝2023﹞8号", "粤财社[2023]8号", "粤财社", 2023, "8"),
        ("粤财社函〔2023〕45号", "粤财社函[2023]45号", "粤财社函", 2023, "45"),
        ("财社〔2023〕1号", "财社[2023]1号", "财社", 2023, "1"),  # 财政部: no place abbreviation
        ("苏财预[2016]53 号", "苏财预[2016]53号", "苏财预", 2016, "53"),
        ("苏财预\n〔2019〕7 号", "苏财预[2019]7号", "苏财预", 2019, "7"),  # split by a line break
        ("秦财企［２０２３］６４９号", "秦财企[2023]649号", "秦财企", 2023, "649"),  # full-width digits
        ("秦财企 [ 2023 ] 第649号", "秦财企[2023]649号", "秦财企", 2023, "649"),
        ("秦财企[2023]012号", "秦财企[2023]12号", "秦财企", 2023, "12"),
        ("见秦财企[2023]649。", "秦财企[2023]649号", "秦财企", 2023, "649"),
        ("秦财企[2023]649", "秦财企[2023]649号", "秦财企", 2023, "649"),
        ("根据秦财企[2023]649号文件", "秦财企[2023]649号", "秦财企", 2023, "649"),  # 据 is not the issuer
        ("（上级）秦财社[2023]377号-下达2023年", "秦财社[2023]377号", "秦财社", 2023, "377"),
    ],
)
def test_extract_notice_forms(text: str, ref: str, issuer: str, year: int, number: str) -> None:
    assert extract_notices(text) == [Notice(ref=ref, issuer=issuer, year=year, number=number)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2023年12月31日",
        "[bookmark: _Toc2023]",
        "[bookmark: _Toc151234567]",
        "[2023]649号",  # no issuer
        "人社部发〔2023〕12号",  # not a finance bureau
        "法释（2012）10 号",
        "财政拨款[2023]",  # no serial number
        "秦财企[23]649号",  # not a four-digit year
        "秦财企[2023]12345678号",  # no serial number is that long
        "财政[2023年]5号",
        "财政拨款（2023）5项",
        "秦财企[2023]5项",
    ],
)
def test_extract_notices_ignores_what_is_no_notice(text: str) -> None:
    assert extract_notices(text) == []


def test_extract_notices_deduplicates_in_first_seen_order() -> None:
    text = "唐财社【2023】170号；秦财企[2023]649号、唐财社[2023]170号文，秦财企〔2023〕649号 唐财金[2023]16号"
    assert [n.ref for n in extract_notices(text)] == [
        "唐财社[2023]170号",
        "秦财企[2023]649号",
        "唐财金[2023]16号",
    ]


def test_notice_ref() -> None:
    assert notice_ref("秦财企", 2023, "649") == "秦财企[2023]649号"


#: The brief's grep: lines naming 财 with a bracket, and in them every ``issuer(bracket)year(bracket)number``.
_GREP_LINE = re.compile(r"财.*[\[【〔]|[\[【〔].*财")
_GREP_REF = re.compile(r"([^\s\d、，。（）()]?财[^\s\d\[【〔]{1,3})[\[【〔](\d{4})[\]】〕](\d+)")


def _seed_texts() -> list[tuple[str, str]]:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip("seed publications not bundled")
    return [(path.name, path.read_text(encoding="utf-8-sig")) for path in files]


def test_every_notice_in_the_seeds_is_found() -> None:
    checked = 0
    for name, text in _seed_texts():
        found = {(n.issuer, n.year, n.number) for n in extract_notices(text)}
        for line in text.splitlines():
            if not _GREP_LINE.search(line):
                continue
            for issuer, year, number in _GREP_REF.findall(line):
                assert (issuer, int(year), number) in found, f"{name}: {line.strip()}"
                checked += 1
    assert checked == 38  # 14 citations in Haigang (7 notices, each twice) and 24 in Laoting (4 notices × 6)


def test_seed_notices_in_order() -> None:
    texts = dict(_seed_texts())
    assert [n.ref for n in extract_notices(texts["haigang-hrss-2024-budget.txt"])] == [
        "秦财企[2022]692号",
        "秦财企[2022]694号",
        "秦财企[2023]649号",
        "秦财企[2023]750号",
        "秦财社[2023]739号",
        "秦财社[2023]377号",
        "秦财社[2022]794号",
    ]
    assert [n.ref for n in extract_notices(texts["laoting-hrss-2024-targets.txt"])] == [
        "唐财社[2023]170号",
        "唐财金[2023]16号",
        "唐财社[2023]172号",
        "唐财金[2023]18号",
    ]
    for name in (
        "gaoxin-hrss-2024-targets.txt",
        "taishan-hrss-2024-targets.txt",
        "zhanjiang-hrss-2024-targets.txt",
    ):
        assert extract_notices(texts[name]) == []


@pytest.mark.slow
@pytest.mark.corpus
def test_notices_in_the_jiangsu_and_wuhan_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("corpus not present")
    pdfplumber = pytest.importorskip("pdfplumber")
    openpyxl = pytest.importorskip("openpyxl")
    pdf_path = CORPUS / "jiangsu" / "江苏省政协办公厅" / "江苏省政协办公厅2017年度部门预算.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert [n.ref for n in extract_notices(text)] == ["苏财预[2016]53号", "苏财预[2017]19号"]
    book = openpyxl.load_workbook(CORPUS / "xlsx" / "wuhan-donghu-hrss-2020-project-application.xlsx")
    cells = "\n".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert [n.ref for n in extract_notices(cells)] == ["鄂财社[2017]102号", "武财社[2018]413号"]


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.text(
            alphabet=st.sampled_from(list("秦唐冀财企社金[]【】〔〕()（）2023０１号文- \n649关于")),
            max_size=40,
        ),
    )
)
def test_extract_notices_never_raises_and_refs_are_normalised(text: str) -> None:
    notices = extract_notices(text)
    refs = [n.ref for n in notices]
    assert len(refs) == len(set(refs))
    for notice in notices:
        assert notice.ref == notice_ref(notice.issuer, notice.year, notice.number)
        assert extract_notices(notice.ref) == [notice]


# --- extraction reads only the lines that can hold a reference, with the same result as the whole text --------

_FRAGMENTS = [
    "秦财企",
    "唐财社",
    "财政拨款",
    "财",
    "[2023]",
    "【2022】",
    "（2023）",
    "〔2024〕",
    "649号",
    "692-关于",
    "170",
    "号文",
    "5项",
    "\n",
    "\n\n",
    " ",
    "\u3000",
    "<p>",
    "</p>",
    "$\\geq 95\\%$",
    "。",
    "，",
    "根据",
    "人社部发",
    "1,438.00",
    "年",
]


def _whole_text_notices(text: str) -> list[str]:
    """The reference implementation: normalise the whole text, then search it."""
    found: dict[str, None] = {}
    for match in notices._NOTICE.finditer(normalise_text(text)):
        found.setdefault(notices.notice_ref(match["issuer"], int(match["year"]), str(int(match["number"]))))
    return list(found)


@settings(max_examples=500, derandomize=True)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30).map("".join))
def test_reading_lines_with_issuers_finds_what_the_whole_text_holds(text: str) -> None:
    assert [n.ref for n in extract_notices(text)] == _whole_text_notices(text)


def test_the_seeds_give_the_same_notices_as_the_whole_text() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert [n.ref for n in extract_notices(text)] == _whole_text_notices(text), path.name
