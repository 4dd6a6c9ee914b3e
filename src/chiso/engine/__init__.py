"""chiso.engine — pure computation (standard library, numpy, scipy only).

Nothing under this package may import Django or any web module; a test
enforces it (tests/test_architecture.py).

The names below are loaded when first used (PEP 562): importing
``chiso.engine.errors`` — what ``chiso --help`` needs — does not load the
framework module and numpy with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import (
        AggregationError,
        AnalysisError,
        EngineError,
        FrameworkError,
        InputError,
        MissingDataError,
        UnitError,
    )
    from .framework import Assignment, Framework, MissingPolicy, Node, Scoring

_HOME = {
    **dict.fromkeys(("AggregationError", "AnalysisError", "EngineError", "FrameworkError", "InputError",
                     "MissingDataError", "UnitError"), ".errors"),
    **dict.fromkeys(("Assignment", "Framework", "MissingPolicy", "Node", "Scoring"), ".framework"),
}

__all__ = [
    "Assignment",
    "AggregationError",
    "AnalysisError",
    "EngineError",
    "Framework",
    "FrameworkError",
    "InputError",
    "MissingDataError",
    "MissingPolicy",
    "Node",
    "Scoring",
    "UnitError",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name], __name__), name)
    globals()[name] = value
    return value
