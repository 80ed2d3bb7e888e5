"""The exam page script's texts, translated on the server and passed as a JSON block.

exam.js has no texts of its own: every string it shows comes from ``#exam-strings``. ``{name}``
placeholders are filled in by the script.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext


def exam_strings() -> dict[str, str]:
    return {
        "saving": _("Saving…"),
        "saved": _("All answers saved"),
        "saved_at": _("All answers saved at {time}"),
        "unsaved_one": ngettext("%(num)s change not saved yet", "%(num)s changes not saved yet",
                                1).replace("1", "{n}", 1),
        "unsaved": ngettext("%(num)s change not saved yet", "%(num)s changes not saved yet",
                            2).replace("2", "{n}", 1),
        "offline": _("Offline. Your answers are kept on this computer and will be sent as soon "
                     "as the connection returns."),
        "server_unavailable": _("The server is unavailable at the moment. Your answers are kept "
                                "on this computer and will be sent as soon as it is back."),
        "waiting_one": _("1 change waiting for the connection."),
        "waiting_many": _("{n} changes waiting for the connection."),
        "retrying": _("The connection is unsteady; trying again…"),
        "rejected": _("This answer was not accepted: {error}"),
        "logged_out": _("You are logged out. Log in again in this window: your unsaved answers "
                        "are kept on this computer."),
        "time_left": _("Time left"),
        "warn_10": _("10 minutes left. Everything you answered is saved."),
        "warn_1": _("1 minute left. Your exam will be submitted automatically when time is up."),
        "time_up": _("Time is up. Submitting your exam…"),
        "time_up_offline": _("Time is up, but this computer is offline. Reconnect now so that "
                             "your last answers can still be sent."),
        "time_up_unsaved": _("Time is up. {n} answer(s) you entered could not be saved in time: "
                             "they stay on this computer and are delivered late, for the "
                             "invigilator to decide. Tell the invigilator."),
        "closed": _("This exam has ended. Taking you to the confirmation page…"),
        "submitting": _("Submitting…"),
        "submit_failed": _("Submitting did not work: {error}. Your answers are saved; please try "
                           "again or call the invigilator."),
        "flag": _("Flag for review"),
        "unflag": _("Remove flag"),
        "flagged": _("Flagged"),
        "leave_unsaved": _("Some answers are not saved yet. Leave this page anyway?"),
        "time_added_one": ngettext("The invigilator has given you more time: %(num)s more minute.",
                                   "The invigilator has given you more time: %(num)s more "
                                   "minutes.", 1).replace("1", "{minutes}", 1),
        "time_added": ngettext("The invigilator has given you more time: %(num)s more minute.",
                               "The invigilator has given you more time: %(num)s more minutes.",
                               2).replace("2", "{minutes}", 1),
        "clock_label": _("Time left: {time}"),
        "task_warn_5": _("5 minutes left for this task. After its limit, points are deducted for "
                         "every minute started."),
        "task_warn_1": _("1 minute left for this task."),
        "task_overtime": _("Overtime: {minutes} min, −{points} points so far; the task locks in "
                           "{stop}."),
        "task_over_short": _("overtime"),
        "task_locked": _("This task is now locked: its time limit and the overtime allowed are "
                         "over. Changes are no longer accepted."),
        "task_refused": _("Not saved: {error}"),
        "task_start_failed": _("The task could not be started: {error}"),
    }
