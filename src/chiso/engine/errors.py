"""Typed engine errors with stable codes.

Every error carries ``code`` (a stable identifier that the web layer maps to a
Vietnamese sentence) and ``params`` (the values that sentence needs).  The
English ``str()`` of an error always says what, where, expected and got.
"""

from __future__ import annotations

from typing import Any


class EngineError(ValueError):
    """Base class of every error the engine raises on bad input.

    Parameters
    ----------
    message : str
        English message: what is wrong, where, what was expected, what was found.
    code : str
        Stable machine-readable code, e.g. ``"weights_sum"``.
    **params
        Values referenced by the message (file, row, column, node, ...).
    """

    default_code = "engine_error"

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **{k: _jsonable(v) for k, v in self.params.items()}}


class FrameworkError(EngineError):
    """The framework definition itself is invalid (cycle, unknown child, bad weight...)."""

    default_code = "framework_invalid"


class InputError(EngineError):
    """Input values are invalid (shape, type, range, duplicates, unknown codes)."""

    default_code = "input_invalid"


class MissingDataError(InputError):
    """A value is missing and the missing-data policy is ``error``."""

    default_code = "missing_value"


class UnitError(InputError):
    """A unit name or code is unknown or ambiguous."""

    default_code = "unknown_unit"


class AggregationError(InputError):
    """An aggregation cannot be applied (e.g. geometric mean of a non-positive value)."""

    default_code = "aggregation_domain"


class AnalysisError(EngineError):
    """An analysis request is invalid (impossible target, bad bounds, N <= 0...)."""

    default_code = "analysis_invalid"


def _jsonable(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return str(v)
