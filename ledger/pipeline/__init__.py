"""The write side, one step after the other: parse a publication, record it (ingest or reparse), derive its diffs
and findings in the same transaction."""
