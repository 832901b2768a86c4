"""Watched sources of publications (SPEC §8): a local folder, a document URL, or a portal page listing documents.

:mod:`ledger.sources.registry` adds, lists and removes sources and their schedules; :mod:`ledger.sources.check`
checks them (fetch, skip what is unchanged, ingest what is new, record the check as events);
:mod:`ledger.sources.links` finds the document links of a portal page.
"""
