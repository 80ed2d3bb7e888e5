"""The one shape of "this input cannot be used": an exception carrying every problem found.

Importers, validators and use cases check everything before they refuse, so that a person fixes a
file or a form in one go; they raise a subclass of :class:`ProblemsError` whose ``problems`` lists
what was found (sentences, or richer objects that say where). Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar


class ProblemsError(ValueError):
    """Input that cannot be used; ``problems`` lists every problem found, in order.

    Subclasses choose how a problem reads (:meth:`describe`), what joins them in the message
    (``separator``) and how many the message shows (``shown``; ``problems`` always has them all).
    """

    separator: ClassVar[str] = "; "
    shown: ClassVar[int | None] = None

    def __init__(self, problems: Iterable[Any]) -> None:
        self.problems: Sequence[Any] = self.collect(problems)
        super().__init__(self.summary())

    def collect(self, problems: Iterable[Any]) -> Sequence[Any]:
        """The problems as kept on the exception (a list by default)."""
        return list(problems)

    def describe(self, problem: Any) -> str:
        return str(problem)

    def summary(self) -> str:
        """The exception's message: the problems, as many as ``shown``."""
        listed = self.problems if self.shown is None else self.problems[: self.shown]
        return self.separator.join(self.describe(p) for p in listed)
