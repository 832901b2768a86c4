"""Test helpers. ``KeyValueLayout`` is a deliberately tiny layout for the store's own tests: it lets them make any
number of distinct publications (departments, years, revisions) without depending on the real parsers, which have
tests of their own against the seeds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from ledger.errors import ParseError
from ledger.layouts import registry
from ledger.layouts.claims import read_statements
from ledger.model import Accounts, Department, Project, Snapshot
from ledger.readers.document import Document, Paragraph


class KeyValueLayout:
    name = "test-key-value"
    version = "1"
    looks_for = "a first line 'TEST-PUBLICATION'"
    #: A later "parser version" may know a default year that an earlier one did not (for reparse tests).
    default_year: int | None = None

    def detect(self, document: Document) -> int:
        return 100 if document.text().startswith("TEST-PUBLICATION") else 0

    def parse(self, document: Document) -> Snapshot:
        fields: dict[str, str] = {}
        projects: list[Project] = []
        claims: list[str] = []
        for line in document.text().splitlines()[1:]:
            key, _, value = line.partition(":")
            if key == "claim":  # a sentence of a budget explanation (预算情况说明)
                claims.append(value.strip())
            elif key == "project":
                name, _, amount = value.strip().partition(",")
                projects.append(Project(name=name.strip(), amount=Decimal(amount.strip())))
            else:
                fields[key.strip()] = value.strip()
        if self.default_year is not None:
            fields.setdefault("year", str(self.default_year))
        if "department" not in fields or "year" not in fields:
            raise ParseError("test publication without department or year")
        operating = fields.get("operating")  # 机关运行经费: makes the publication a tables file
        return Snapshot(
            department=Department(name=fields["department"], code=fields.get("code")),
            fiscal_year=int(fields["year"]),
            document_kind=fields.get("kind", "department-targets"),
            projects=projects,
            accounts=Accounts(operating_costs=Decimal(operating)) if operating else None,
            statements=read_statements(Paragraph(claim) for claim in claims),
        )


def publication(
    department: str = "测试市人力资源和社会保障局",
    year: int = 2024,
    *projects: tuple[str, str],
    kind: str | None = None,
    note: str = "",
) -> bytes:
    lines = ["TEST-PUBLICATION", f"department: {department}", f"year: {year}"]
    if kind:
        lines.append(f"kind: {kind}")
    lines += [f"project: {name}, {amount}" for name, amount in projects]
    if note:
        lines.append(f"note: {note}")
    return ("\n".join(lines) + "\n").encode("utf-8")


@contextmanager
def key_value_layout() -> Iterator[None]:
    layout = KeyValueLayout()
    registry.LAYOUTS.insert(0, layout)
    try:
        yield
    finally:
        registry.LAYOUTS.remove(layout)
