"""Watched sources (a folder, a document URL, a portal page), the fetching they need, the scheduler that checks them,
and the webhooks notified of new events.

:mod:`.sources` adds, lists and removes sources and their schedules; :mod:`.check` checks them (fetch, skip what is
unchanged, ingest what is new, record the check as events); :mod:`.links` finds the document links of a portal page;
:mod:`.schedule` runs checks on their triggers; :mod:`.notify` delivers events to subscribers.
"""
