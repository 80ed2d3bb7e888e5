"""Candidates' attempts, one use case per module (docs/contracts.md §3 is the contract with the page).

=================  ===============================================================================
module             holds
=================  ===============================================================================
``expiry``         the server's clock: grace period, clock fields of every JSON answer, overdue
                   attempts submitted by the server (when touched, or ``flask sweep-expired``),
                   the message of a closed attempt, and the signals sent after commit
``starting``       whether an enrolment may start, drawing the form from its seed, starting
``reading``        finding a candidate's attempt, its items and saved answers, the overview panel,
                   the state JSON, noting when an item was first opened
``autosave``       the autosave protocol: parsing a save and applying it (newest ``seq`` wins)
``submitting``     submitting once (candidate, page at the deadline)
``dashboard``      the candidate's dashboard cards
``invigilation``   the invigilator's live list, adding time, voiding
``task_clock``     skills tasks' own clocks: starting a task, its countdown, locking at the stop
=================  ===============================================================================

How it holds under concurrency (two tabs, a retrying browser, cron, an invigilator, on SQLite and
PostgreSQL alike): a save first runs one conditional ``UPDATE attempt … WHERE state = 'in_progress'
AND deadline ≥ now − grace``, which takes the attempt's row lock, so a save and a submission of the
same attempt are serialised (see :mod:`.autosave`). Submitting and voiding are conditional updates
too (``… WHERE state = 'in_progress' RETURNING id``): exactly one request, thread or command wins,
and only that one sends :data:`~certify.exams.signals.attempt_submitted` (or ``attempt_voided``),
after its transaction commits (:func:`certify.db.after_commit`).

Transactions: operations here do not commit. The request commits (a save is acknowledged only
after the view committed it); the server's own submission of an overdue attempt and the note that
an item was opened are units of work of their own (:func:`certify.db.write_transaction`), because
they happen inside GET requests and must stand whatever the request answers.
"""

from __future__ import annotations

from certify.exams.models import AttemptState

IN_PROGRESS = AttemptState.IN_PROGRESS.value


class AttemptError(Exception):
    """A candidate's or invigilator's request cannot be done now.

    :param status: the HTTP status a view should answer with (409 for a closed attempt).
    :param state: the attempt's state, when the page needs it (e.g. ``submitted``).
    :param code: a machine-readable reason the page acts on (e.g. ``task_locked``).
    :param position: the item it is about, if one.
    """

    def __init__(self, message: str, status: int = 409, state: str | None = None,
                 code: str | None = None, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.state = state
        self.code = code
        self.position = position
