"""Item-writing checks of single items and of a pool of items (issue 15), pure: plain item mappings
in (the shape of docs/contracts.md §1), findings out; no Flask request, no database.

- :mod:`.items` — per item: the key longest or much longer, "all / none of the above", duplicate
  options, absolute words, unequal lengths, unemphasised negative stems, explanations that name
  shuffled options;
- :mod:`.pool` — per pool (a level's items in one language): the test-wise score against chance,
  the key-longest share, true/false balance, multiple-choice key counts, key positions and
  near-duplicate pairs;
- :mod:`.strategies` — what a candidate who knows nothing earns;
- :mod:`.findings` — the :class:`Finding` every check returns.

The whole bank with papers drawn from it (which needs the exams' assembly) is
:mod:`certify.reports.bank_lint`; docs/item-checks.md explains the rules.
"""

from __future__ import annotations

from certify.banks.lint.findings import BLOCKING, WARNING, Finding
from certify.banks.lint.items import ItemView, check_item

__all__ = ["BLOCKING", "WARNING", "Finding", "ItemView", "check_item"]
