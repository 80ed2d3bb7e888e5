"""Signals the exams package sends (blinker, through Flask's signal namespace).

Receivers connect with ``attempt_submitted.connect(receiver)`` (or ``connect_via(app)``) and are
called as ``receiver(app, attempt_id=…)``:

- ``attempt_submitted`` — an attempt was submitted (by the candidate, by the page at the deadline,
  or by the server: found overdue when touched, or by ``flask sweep-expired``). Sent exactly once
  per attempt, by the request or command whose conditional update won, **after** its transaction
  committed. Grading connects here.
- ``attempt_voided`` — an invigilator voided an attempt (``reason=…`` is passed too), after the
  commit. A voided attempt is never graded; grading may drop a result it made earlier.
- ``late_answer_accepted`` — an invigilator accepted an answer delivered after the submission
  (``actor_id=…``, ``reason=…``), after the commit: the answer is now the attempt's; grading
  regrades the attempt.

Each send runs after the commit in a transaction of its own (:func:`certify.db.after_commit`, queued
by :func:`certify.exams.attempts.expiry.announce`): an exception in a receiver is logged and its
changes rolled back, and never undoes the submission or the void.
"""

from __future__ import annotations

from flask.signals import Namespace

_signals = Namespace()

attempt_submitted = _signals.signal("attempt-submitted")
attempt_voided = _signals.signal("attempt-voided")
late_answer_accepted = _signals.signal("late-answer-accepted")
