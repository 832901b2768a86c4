"""The canonical model: the snapshot every layout produces and everything downstream reads.

:mod:`.snapshot` (re-exported here) is the shape (the export contract in ``docs/architecture.md``); :mod:`.values`
normalises amounts and indicator values; :mod:`.notices` reads funding notice references (文号);
:mod:`.canonical` turns a snapshot into RFC 8785 JSON and its hash; :mod:`.names` normalises names for matching.
"""

from ledger.model.snapshot import (
    DOCUMENT_KINDS,
    ECONOMIC_LINE_COLUMNS,
    FUNCTION_LINE_COLUMNS,
    SNAPSHOT_SCHEMA,
    Accounts,
    BasicInfo,
    BudgetOverview,
    ClaimDirection,
    Department,
    EconomicLine,
    FunctionLine,
    Goal,
    Indicator,
    IndicatorValue,
    KeyTask,
    Line,
    LineColumns,
    Model,
    NarrativeStatement,
    Notice,
    Operator,
    ParseWarning,
    Project,
    Snapshot,
    Unit,
)

__all__ = [
    "SNAPSHOT_SCHEMA",
    "Operator",
    "DOCUMENT_KINDS",
    "Model",
    "Department",
    "Unit",
    "BasicInfo",
    "Line",
    "BudgetOverview",
    "FunctionLine",
    "EconomicLine",
    "LineColumns",
    "FUNCTION_LINE_COLUMNS",
    "ECONOMIC_LINE_COLUMNS",
    "Accounts",
    "Goal",
    "KeyTask",
    "IndicatorValue",
    "Indicator",
    "Project",
    "Notice",
    "ParseWarning",
    "NarrativeStatement",
    "ClaimDirection",
    "Snapshot",
]
