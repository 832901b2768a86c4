"""The pages: each handler asks the library and returns a template with its context, or a download.

URLs are stable and shareable: ``/d/<department>[/<year>]``, ``/d/<department>/history?project=…``,
``/diff/<ref>..<ref>``, ``/findings/<ref>[..<ref>]``, ``/ledger``. A ref is any snapshot reference the CLI takes
(``DEPARTMENT@YEAR[rN][/KIND]``, a hash prefix, an id). ``?format=xlsx|csv|json`` on a page that shows data downloads
the same data through the existing exports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ledger import store
from ledger.diff.records import CHANGE_KINDS, ENTITY_KINDS, ENTITY_LABELS, Change, DiffResult
from ledger.errors import NotFoundError
from ledger.findings import SEVERITIES, Finding, find
from ledger.query import claims_report
from ledger.query import comparisons as compare
from ledger.query.history import department_history, department_of, entity_timelines, version_sources
from ledger.query.overview import department_overview
from ledger.query.side_by_side import INDICATOR_FIELDS, project_sides
from ledger.report.diff_formats import cell_text, stated_text
from ledger.report.workbook import (
    change_summary,
    diff_sheets,
    findings_comparison_records,
    timeline_records,
    version_records,
)
from ledger.report.writers import findings_records
from ledger.store.departments import DepartmentInfo, list_departments
from ledger.store.verify import Digest, digest, verify
from ledger.web.chart import line_chart, timeline_points
from ledger.web.downloads import BadRequest, download
from ledger.web.urls import diff_url

Handler = Callable[[Request, Session], "tuple[str, dict[str, Any]] | Response"]


# --- departments ----------------------------------------------------------------------------------------------


#: Departments per page of the list: a ledger of 5,000 departments is a long table to send and to read.
PAGE_SIZE = 100


def departments(request: Request, session: Session) -> tuple[str, dict[str, Any]] | Response:
    """The departments, a page at a time: names, aliases, years, kinds, findings of the latest versions; ``?q=``
    searches names and aliases. The downloads hold every department that matches."""
    query = request.query_params.get("q", "").strip()
    infos = list_departments(session)
    if query:
        wanted = {d.id for d in store.departments_matching(session, query)}
        infos = [info for info in infos if info.id in wanted]
    fmt = request.query_params.get("format")
    if fmt:
        return download({"departments": _department_records(session, infos)}, fmt, "departments", None)
    pages = max(1, -(-len(infos) // PAGE_SIZE))
    page = _page_number(request, pages)
    shown = infos[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    overview = department_overview(session, [info.id for info in shown])
    return "departments.html", {
        "title": "Departments 部门",
        "rows": [(info, overview.get(info.id)) for info in shown],
        "query": query,
        "page": page,
        "pages": pages,
        "total": len(infos),
    }


def _page_number(request: Request, pages: int) -> int:
    text = request.query_params.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= pages:
        raise BadRequest(f"page {text!r} does not exist (1 to {pages})")
    return int(text)


def _department_records(session: Session, infos: list[DepartmentInfo]) -> list[dict[str, Any]]:
    overview = department_overview(session, [info.id for info in infos])
    return [
        {
            **asdict(info),
            "kinds": overview[info.id].kinds if info.id in overview else [],
            "latest_findings": overview[info.id].latest_findings if info.id in overview else 0,
        }
        for info in infos
    ]


# --- a department ---------------------------------------------------------------------------------------------


def department(request: Request, session: Session) -> tuple[str, dict[str, Any]] | Response:
    """A department's timeline: years × document kinds × revisions, each version with its comparisons."""
    found = department_of(session, request.path_params["department"])
    year: int | None = request.path_params.get("year")
    versions = department_history(session, found.name)
    if year is not None:
        versions = [v for v in versions if v.fiscal_year == year]
        if not versions:
            raise NotFoundError(f"{found.name} has no version for {year}")
    fmt = request.query_params.get("format")
    if fmt:
        return download({"versions": version_records(versions)}, fmt, "versions", None)
    sources = version_sources(session, [v.snapshot_id for v in versions])
    kinds = sorted({v.document_kind for v in versions})
    grid: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for version in versions:
        grid[version.fiscal_year][version.document_kind].append(version)
    return "department.html", {
        "title": found.name,
        "department": found,
        "year": year,
        "kinds": kinds,
        "grid": {y: dict(grid[y]) for y in sorted(grid, reverse=True)},
        "sources": sources,
        "count": len(versions),
        "versions": sorted(versions, key=lambda v: (v.fiscal_year, v.revision, v.document_kind)),
    }


# --- history --------------------------------------------------------------------------------------------------


def history(request: Request, session: Session) -> tuple[str, dict[str, Any]] | Response:
    """The timeline of one budget line, project or indicator: a chart per entity and the table of its steps."""
    found = department_of(session, request.path_params["department"])
    params = request.query_params
    follow = {name: params.get(name, "").strip() or None for name in ("project", "indicator", "line")}
    if not any(follow.values()):
        raise BadRequest("say what to follow: ?project=, ?indicator= or ?line=")
    timelines = entity_timelines(session, found.name, **follow)
    if not timelines:
        what = follow["indicator"] or follow["project"] or follow["line"]
        raise NotFoundError(f"nothing named {what!r} in {found.name}'s versions")
    fmt = params.get("format")
    if fmt:
        return download({"timeline": timeline_records(timelines)}, fmt, "timeline", None)
    charts = [line_chart(timeline_points(t), title=t.label) for t in timelines]
    return "history.html", {
        "title": f"History: {found.name}",
        "department": found,
        "follow": follow,
        "timelines": list(zip(timelines, charts, strict=True)),
        "change_summary": change_summary,
    }


# --- a comparison ---------------------------------------------------------------------------------------------


def _split_refs(text: str) -> tuple[str, str | None]:
    old, sep, new = text.partition("..")
    if not sep:
        return text, None
    if not old or not new:
        raise BadRequest(f"a comparison is OLD..NEW, not {text!r}")
    return old, new


def _chosen(request: Request, name: str) -> list[str] | None:
    """A filter's values: repeated (``?only=added&only=removed``) or comma-separated; None when not given."""
    values = [part.strip() for raw in request.query_params.getlist(name) for part in raw.split(",")]
    values = [value for value in values if value]
    return values or None


def comparison(request: Request, session: Session) -> tuple[str, dict[str, Any]] | Response:
    """Two versions: totals first, change records grouped by entity with their tags, filters, detections, and one
    project's indicators side by side (``?project=KEY``)."""
    old_ref, new_ref = _split_refs(request.path_params["refs"])
    if new_ref is None:
        raise BadRequest("a comparison is OLD..NEW (two snapshot references)")
    compared = compare.compare_refs(session, old_ref, new_ref)
    only, entity, tags = _chosen(request, "only"), _chosen(request, "entity"), _chosen(request, "tag")
    try:
        result = compared.result.filter(only=only, entity=entity, tags=tags)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    fmt = request.query_params.get("format")
    if fmt:
        sheets = diff_sheets([(compared.old_ref, compared.new_ref, result)])
        return download(sheets, fmt, "changes", request.query_params.get("sheet"))
    project = request.query_params.get("project")
    sides = (
        project_sides(session, compared.old, compared.new, project, compared.result.changes)
        if project
        else None
    )
    every_tag = sorted({tag for change in compared.result.changes for tag in change.tags})
    return "comparison.html", {
        "title": f"{compared.old_ref} → {compared.new_ref}",
        "compared": compared,
        "result": result,
        "groups": _groups(result),
        "change_kinds": CHANGE_KINDS,
        "entity_kinds": [kind for kind in ENTITY_KINDS if kind in compared.result.summary.by_entity],
        "entity_labels": ENTITY_LABELS,
        "every_tag": every_tag,
        "only": only or [],
        "entity": entity or [],
        "tags": tags or [],
        "sides": sides,
        "side_fields": INDICATOR_FIELDS,
        "project_key": project_key,
    }


def compare_form(request: Request, session: Session) -> tuple[str, dict[str, Any]] | Response:
    """``/compare?old=REF&new=REF`` (the department page's form) → the comparison's own, shareable URL."""
    old, new = request.query_params.get("old", "").strip(), request.query_params.get("new", "").strip()
    if not old or not new:
        raise BadRequest("choose two versions to compare (old and new)")
    return RedirectResponse(diff_url(old, new), status_code=303)


def _groups(result: DiffResult) -> list[tuple[str, list[Change]]]:
    """Change records by entity kind, in the order of the terminal report."""
    return [
        (kind, changes)
        for kind in ENTITY_KINDS
        if (changes := [change for change in result.changes if change.entity == kind])
    ]


def project_key(change: Change) -> str | None:
    """The key of the project a project or indicator change is about (an indicator's key starts with it)."""
    if change.entity == "project":
        return change.key
    if change.entity == "indicator" and "|" in change.key:
        return change.key.split("|", 1)[0]
    return None


# --- findings -------------------------------------------------------------------------------------------------


def findings(request: Request, session: Session) -> tuple[str, dict[str, Any]] | Response:
    """The findings of one version by severity and rule, or of two: new, resolved and persisting."""
    old_ref, new_ref = _split_refs(request.path_params["refs"])
    fmt = request.query_params.get("format")
    if new_ref is None:
        row = store.resolve_ref(session, old_ref)
        name = store.describe(session, row)
        listed = find(store.load_snapshot(row))
        if fmt:
            return download({"findings": findings_records(listed, snapshot=name)}, fmt, "findings", None)
        sections = [("findings", listed)]
        return "findings.html", {
            "title": f"Findings: {name}",
            "old": None,
            "new": name,
            "sections": sections,
            "by_rule": _by_rule(listed),
        }
    between = claims_report.findings_between(session, old_ref, new_ref)
    result = between.result
    if fmt:
        records = findings_comparison_records(result, snapshot=between.new_ref, base=between.old_ref)
        return download({"findings": records}, fmt, "findings", None)
    sections = [("new", result.new), ("resolved", result.resolved), ("persisting", result.persisting)]
    return "findings.html", {
        "title": f"Findings: {between.old_ref} → {between.new_ref}",
        "old": between.old_ref,
        "new": between.new_ref,
        "sections": sections,
        "by_rule": _by_rule([*result.new, *result.persisting]),
    }


def _by_rule(listed: list[Finding]) -> list[tuple[str, str, int]]:
    """(severity, rule, count), the most severe first."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for finding in listed:
        counts[(finding.severity, finding.rule)] += 1
    return sorted(
        ((severity, rule, count) for (severity, rule), count in counts.items()),
        key=lambda item: (SEVERITIES.index(item[0]), item[1]),
    )


# --- the ledger -----------------------------------------------------------------------------------------------


def ledger_page(request: Request, session: Session) -> tuple[str, dict[str, Any]] | Response:
    """The chain head (the receipt to keep) and, when asked (``?verify=1``), a full verification.

    Verification only reads: it recomputes hashes and compares them with what is stored.
    """
    head = digest(session)
    report = None
    expected_text = request.query_params.get("digest", "").strip()
    if request.query_params.get("verify") or expected_text:
        try:
            expected = Digest.parse(expected_text) if expected_text else None
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        report = verify(session, expected=expected)
    return "ledger.html", {
        "title": "The ledger",
        "head": head,
        "report": report,
        "expected": expected_text,
        "snapshots": sum(
            sum(years.values()) for years in store.current_counts_by_department(session).values()
        ),
    }


# --- filters the templates use ----------------------------------------------------------------------------------


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = cell_text(value)
    return f"+{text}" if value > 0 else text


def _percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return f"+{text}%" if value > 0 else f"{text}%"


FILTERS: dict[str, Callable[..., str]] = {
    "cell": cell_text,
    "signed": _signed,
    "percent": _percent,
    "stated": stated_text,
}
