"""chiso.engine — pure computation (standard library, numpy, scipy only).

Nothing under this package may import Django or any web module; a test
enforces it (tests/test_architecture.py).
"""

from __future__ import annotations

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
