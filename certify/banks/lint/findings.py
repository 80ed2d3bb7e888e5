"""What a check finds: a :class:`Finding` with a severity, the item ref and option it concerns, and
a message that can be shown in English or translated.

Messages are English templates marked with ``_l`` (a no-op here, so the checks stay free of Flask;
``pybabel extract`` collects them) and filled with ``params`` only when shown:
``finding.message()`` in English, ``finding.message(flask_babel.gettext)`` in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

BLOCKING = "blocking"
WARNING = "warning"


def _l(text: str) -> str:
    """Mark ``text`` for translation without translating it (see the module docstring)."""
    return text


@dataclass(frozen=True)
class Finding:
    """One flaw.

    :param code: what kind of flaw (``key_much_longer``, ``testwise`` …), stable for programs.
    :param severity: ``blocking`` (fix it, or record why it stays) or ``warning``.
    :param template: the English message with ``%(name)s`` placeholders filled from ``params``.
    :param ref: the item concerned (pool findings: the first of the pair, or none).
    :param option: the option letter(s) concerned, e.g. ``C`` or ``A,D``.
    :param pool: the pool a pool finding is about, e.g. ``L4 zh`` or ``L4 zh L4:2.1 single``.
    """

    code: str
    severity: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    ref: str | None = None
    option: str | None = None
    pool: str | None = None

    def message(self, gettext: Callable[[str], str] | None = None) -> str:
        template = gettext(self.template) if gettext else self.template
        return template % dict(self.params) if self.params else template

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "severity": self.severity,
                               "message": self.message()}
        for name in ("ref", "option", "pool"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.params:
            out["params"] = dict(self.params)
        return out
