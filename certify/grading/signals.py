"""Signals grading sends (blinker, like Flask's own); the sender is the Flask app.

- ``level_passed(app, level_pass_id=…)``: a candidate passed every required component of a level;
  a :class:`certify.grading.models.LevelPass` was created (flushed, in the current transaction).
  No package needs it today: certificates find eligible passes by a query (docs/contracts.md §5).
- ``level_pass_withdrawn(app, level_pass_id=…)``: a regrade turned a component pass into a fail,
  and the LevelPass made with it got ``withdrawn_dt``. A certificate issued for it is not revoked
  automatically (a revocation needs a person and a reason): administrators see it in the list of
  certificates whose pass was withdrawn (:func:`certify.certificates.operations.withdrawn_pass_certificates`).

Receivers run inside the sender's transaction and must not commit it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

level_passed = _signals.signal("level-passed")
level_pass_withdrawn = _signals.signal("level-pass-withdrawn")
