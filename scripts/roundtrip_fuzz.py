"""Round-trip fuzzing of the readers, the long run: publications with a known snapshot written out as PDF, DOCX,
text and XLSX, varied by hypothesis, read back through the real readers and layouts; every field must return.

    python scripts/roundtrip_fuzz.py                         # seeds and 5 generated versions, 10 examples each
    python scripts/roundtrip_fuzz.py --examples 50 --generated 20 --seed 7 --json out.json
    python scripts/roundtrip_fuzz.py --formats pdf --no-cut-rows

The publications are the five seeds (expected: their golden snapshots in ``snapshots/``) and versions generated
from them by ``bench/generate.py`` (renamed departments, other years, planted mutations; expected: what their own
text parses to). The variations are those of ``tests/roundtrip`` (the suite runs a small derandomized share):
page breaks between rows and — unless ``--no-cut-rows`` — inside rows (a label split over two pages), header rows
repeated, blank placeholders, thousands separators, merged label cells, amounts stored with more decimals than
their cell format shows. A failing example is printed with its variation, so it can be replayed with
``tests.roundtrip.cases.differences``. Exit status 1 when any example fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bench.generate import CorpusPlan, catalogues_for, load_seeds, version_at  # noqa: E402
from tests.roundtrip.cases import SEED_STEMS, Publication, differences, from_text, seed, variations  # noqa: E402
from tests.roundtrip.render import FORMATS, Format  # noqa: E402

_INDEX = re.compile(r"\[\d+\]")


@dataclass
class Outcome:
    publication: str
    format: Format
    examples: int = 0
    failures: list[dict[str, object]] = field(default_factory=list)
    seconds: float = 0.0


def publications(generated: int, rng_seed: int) -> list[Publication]:
    """The seeds, then ``generated`` versions spread over them."""
    found = [seed(stem) for stem in SEED_STEMS]
    if generated:
        catalogues = catalogues_for(load_seeds(), per_kind=4, rng_seed=rng_seed, verify=False)
        plan = CorpusPlan(versions=max(generated, 10) * 10, rng_seed=rng_seed)
        departments = -(-plan.versions // plan.per_department)
        for k in range(generated):  # a different department (so seed) and year or revision each time
            version = version_at(plan, catalogues, (k * (departments + 1)) % plan.versions)
            name = f"{Path(version.seed.name).stem}@{Path(version.filename).stem}"
            found.append(from_text(name, version.data()))
    return found


def run(publication: Publication, format: Format, examples: int, rng_seed: int, cut_rows: bool) -> Outcome:
    outcome = Outcome(publication.name, format)
    started = time.perf_counter()

    @hypothesis_seed(rng_seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        variation = data.draw(variations(publication.document, format, cut_rows=cut_rows))
        outcome.examples += 1
        found = differences(publication, variation)
        if found:
            outcome.failures.append({"variation": variation.describe(), "differences": list(found)})

    check()
    outcome.seconds = time.perf_counter() - started
    return outcome


def signature(failure: dict[str, object]) -> str:
    """A failure's kind: its first difference's path without list indices (or the error without detail)."""
    differences = failure["differences"]
    assert isinstance(differences, list)
    first = str(differences[0])
    if first.startswith("not read:"):
        return first.split(":", 2)[1].strip() + ": " + first.split(":", 2)[2].strip()[:60]
    return _INDEX.sub("[]", first.split(":", 1)[0])


DOC = ROOT / "docs" / "ROUNDTRIP.md"
_MARKERS = ("<!-- roundtrip-run -->", "<!-- /roundtrip-run -->")


def summarise(outcomes: list[Outcome], seconds: float, argv: list[str]) -> str:
    """The run in Markdown: the command, examples and failures by format, and each kind of failure."""
    lines = [
        f"`python scripts/roundtrip_fuzz.py {' '.join(argv)}` — {time.strftime('%Y-%m-%d')}, {seconds:.0f} s",
        "",
    ]
    lines += ["| format | publications | examples | failed |", "|---|---|---|---|"]
    for format in FORMATS:
        mine = [o for o in outcomes if o.format == format]
        if mine:
            failed = sum(len(o.failures) for o in mine)
            lines.append(f"| {format} | {len(mine)} | {sum(o.examples for o in mine)} | {failed} |")
    kinds = Counter(signature(f) for o in outcomes for f in o.failures)
    if kinds:
        lines += ["", "Failures by the first field that did not come back:", ""]
        lines += [f"- {count} × `{kind}`" for kind, count in kinds.most_common()]
        lines += ["", "Examples (variation: first difference):", ""]
        for outcome in outcomes:
            for failure in outcome.failures[:1]:
                differences = failure["differences"]
                assert isinstance(differences, list)
                lines.append(
                    f"- {outcome.publication}: `{failure['variation']}`: {str(differences[0])[:160]}"
                )
    return "\n".join(lines)


def write_doc(summary: str) -> None:
    text = DOC.read_text("utf-8")
    start, end = text.index(_MARKERS[0]) + len(_MARKERS[0]), text.index(_MARKERS[1])
    DOC.write_text(text[:start] + "\n" + summary + "\n" + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=10, help="examples per publication and format")
    parser.add_argument("--generated", type=int, default=5, help="generated publications besides the seeds")
    parser.add_argument("--generated-examples", type=int, default=None, help="examples for generated ones")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (and the generator's)")
    parser.add_argument("--no-cut-rows", action="store_true", help="page breaks only between rows")
    parser.add_argument("--json", type=Path, help="write every outcome (and failure) to this file")
    parser.add_argument("--write-doc", action="store_true", help="put the summary into docs/ROUNDTRIP.md")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    outcomes: list[Outcome] = []
    for publication in publications(args.generated, args.seed):
        generated = "@" in publication.name
        examples = args.generated_examples if generated and args.generated_examples else args.examples
        for format in publication.formats():
            if format not in args.formats:
                continue
            outcome = run(publication, format, examples, args.seed, not args.no_cut_rows)
            outcomes.append(outcome)
            status = "ok" if not outcome.failures else f"{len(outcome.failures)} FAILED"
            print(
                f"{publication.name:60} {format:5} {outcome.examples:4} examples {outcome.seconds:7.1f}s  {status}"
            )
            for failure in outcome.failures[:3]:
                differences = failure["differences"]
                assert isinstance(differences, list)
                print(f"    {failure['variation']}: {str(differences[0])[:200]}")
            sys.stdout.flush()

    summary = summarise(outcomes, time.perf_counter() - started, argv if argv is not None else sys.argv[1:])
    print("\n" + summary)
    total = sum(o.examples for o in outcomes)
    failed = sum(len(o.failures) for o in outcomes)
    kinds = Counter(signature(f) for o in outcomes for f in o.failures)
    if args.write_doc:
        write_doc(summary)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "command": sys.argv,
                    "examples": total,
                    "failed": failed,
                    "kinds": dict(kinds),
                    "outcomes": [o.__dict__ for o in outcomes],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
