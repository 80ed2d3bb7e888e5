"""The registry of task types: an explicit list, checked for duplicate names when it is built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certify.tasks.base import TaskType

__all__ = ["DuplicateTaskTypeError", "TaskTypeRegistry", "UnknownTaskTypeError"]

#: class attributes every registered type sets (templates default from ``name``)
REQUIRED_ATTRIBUTES = ("name", "label", "record_fields", "gold_field", "metrics")


class UnknownTaskTypeError(LookupError):
    """A task names a type that is not registered."""

    def __init__(self, name: object, known: Iterable[str]):
        self.name = name
        super().__init__(f"unknown task type {name!r}; the known types are {', '.join(known)}")


class DuplicateTaskTypeError(ValueError):
    """Two task types were registered under the same name."""


class TaskTypeRegistry:
    """Task types by name, in registration order.

    Types are registered explicitly (no import side effects); registering a name twice raises
    :class:`DuplicateTaskTypeError`, asking for an unknown name raises :class:`UnknownTaskTypeError`.
    """

    def __init__(self, types: Iterable[type[TaskType]] = ()):
        self._types: dict[str, TaskType] = {}
        for task_type in types:
            self.register(task_type)

    def register(self, task_type: type[TaskType]) -> type[TaskType]:
        """Add a task type class (an instance is kept); returns the class, so it works as a decorator.

        :raise DuplicateTaskTypeError: if its name is taken.
        :raise TypeError: if it lacks one of :data:`REQUIRED_ATTRIBUTES`.
        """
        missing = [a for a in REQUIRED_ATTRIBUTES if not hasattr(task_type, a)]
        if missing:
            raise TypeError(f"{task_type.__qualname__} must set {', '.join(missing)}")
        name = task_type.name
        if name in self._types:
            raise DuplicateTaskTypeError(
                f"task type {name!r} is registered twice: {type(self._types[name]).__qualname__} "
                f"and {task_type.__qualname__}"
            )
        self._types[name] = task_type()
        return task_type

    def get(self, name: str) -> TaskType:
        """The task type registered as ``name``.

        :raise UnknownTaskTypeError: with the known names, if there is none.
        """
        try:
            return self._types[name]
        except (KeyError, TypeError):
            raise UnknownTaskTypeError(name, self._types) from None

    def all(self) -> Mapping[str, TaskType]:
        """A read-only mapping of every name to its task type, in registration order."""
        return MappingProxyType(self._types)

    def __contains__(self, name: object) -> bool:
        return name in self._types
