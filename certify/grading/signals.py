"""Signals grading sends (blinker, like Flask's own); the sender is the Flask app.

- ``level_passed(app, level_pass_id=…)``: a candidate passed every required component of a level;
  a :class:`certify.grading.models.LevelPass` was created (flushed, in the current transaction).
  Certificates listen to it (docs/contracts.md §5).
- ``level_pass_withdrawn(app, level_pass_id=…)``: a regrade turned a component pass into a fail,
  and the LevelPass made with it got ``withdrawn_dt``; certificates revoke what was issued for it.

Receivers run inside the sender's transaction and must not commit it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

level_passed = _signals.signal("level-passed")
level_pass_withdrawn = _signals.signal("level-pass-withdrawn")
