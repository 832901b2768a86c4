"""budget-ledger: an event-driven change-tracking ledger for Chinese public budgets and performance targets.

The library never prints; it logs to the ``ledger`` logger (silent unless the application configures logging) and
raises the typed errors of :mod:`ledger.errors`.
"""

import logging

logging.getLogger("ledger").addHandler(logging.NullHandler())
