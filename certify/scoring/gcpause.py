"""Pausing the cyclic garbage collector around bursts of short-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while batch code builds many short-lived objects.

    Sets, tuples and lists made per candidate and record hold no reference cycles (reference
    counting frees them), but allocating millions of them triggers collections that walk every
    object in the process, and with a large exam's responses in memory that costs more than the
    scoring itself.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
