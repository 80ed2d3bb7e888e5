"""YAML that people upload or type (syllabus files, task.yaml, a task's settings): PyYAML's safe
loader, without aliases.

An alias repeats a node without copying it, so a few hundred bytes of ``b: &b [*a, *a, …]`` stand for
billions of values, and whatever then walks, copies, serialises or quotes the value in a message runs
out of time and memory. certify's YAML never needs aliases; a file with one is refused like any other
invalid YAML (:class:`yaml.YAMLError`, with the line).
"""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not accepted",
                                              self.peek_event().start_mark)
        return super().compose_node(parent, index)


def safe_load(text: str | bytes) -> Any:
    """Like :func:`yaml.safe_load`, refusing aliases."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
