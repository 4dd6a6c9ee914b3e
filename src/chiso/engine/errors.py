"""Typed engine errors with stable codes, and the problems they list.

Every error carries ``code`` (a stable identifier), ``params`` (the values a
sentence about it needs) and ``problems``: one :class:`Problem` for each thing
wrong (a framework lists all of its problems at once; a bad file all of its bad
cells).  A problem is a code with parameters and a place (file, row, column,
node); :mod:`chiso.lib.problems` holds the one table of code -> sentence in
Vietnamese and English that the command line and the web both use.  The
English ``str()`` of an error (and ``Problem.detail``) says what, where,
expected and got, for logs and for readers of the engine alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

#: Keys of an error's params (or of a problem dict) that say where the problem is.
_PLACE_KEYS = ("file", "row", "column", "node")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, as a stable code with parameters.

    Parameters
    ----------
    code : str
        Stable identifier, e.g. ``"framework.duplicate_code"``; the key of the message table.
    node, row, column, file : optional
        Where: the framework node's code, the 1-based row, the column letter, the file.
    params : mapping
        The values the message names (``{"rule": "magic", "expected": "..."}``).
    detail : str
        The engine's English sentence for it (logs, ``str()``), not for translation.
    """

    code: str
    node: str | None = None
    row: int | None = None
    column: str | None = None
    file: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""

    def __str__(self) -> str:
        return self.detail or self.code

    def place(self) -> dict[str, Any]:
        """The fields of ``file, row, column, node`` that apply (not None, not empty)."""
        return {k: getattr(self, k) for k in _PLACE_KEYS if getattr(self, k) not in (None, "")}

    @classmethod
    def from_mapping(cls, q: Mapping[str, Any], *, code: str, detail: str = "", **place: Any) -> Problem:
        """A problem from one of the engine's problem dicts (``{"row", "column", "error", "msg", ...}``);
        ``code`` when the dict names none, ``place`` for what it does not say (e.g. the file)."""
        where = {k: q.get(k, place.get(k)) for k in _PLACE_KEYS}
        if where["node"] is None and q.get("code") not in (None, "", "unit"):  # the readers' "code": a node's
            where["node"] = str(q["code"])
        rest = {k: v for k, v in q.items() if k not in _PLACE_KEYS and k not in ("error", "msg")}
        if isinstance(q.get("params"), Mapping):
            rest = {**rest, **q["params"]}
            rest.pop("params", None)
        return cls(code=str(q.get("error") or code), params=rest, detail=str(q.get("msg") or detail), **where)


class EngineError(ValueError):
    """Base class of every error the engine raises on bad input.

    Parameters
    ----------
    message : str
        English message: what is wrong, where, what was expected, what was found.
    code : str
        Stable machine-readable code, e.g. ``"weights_sum"``.
    problems : sequence of Problem (or of problem dicts), optional
        Every problem found.  Dicts (the readers' ``{"row", "column", "error", ...}``) stay in
        ``params["problems"]`` for the readers that use them, and are turned into problems;
        problems are in ``params["problems"]`` too.  Without it the error is its own one problem.
    **params
        Values referenced by the message (file, row, column, node, ...).
    """

    default_code = "engine_error"

    def __init__(
        self, message: str, *, code: str | None = None, problems: Sequence[Problem | Mapping[str, Any]] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.params = params
        self.problems: list[Problem] = self._problems(problems)

    def _problems(self, given: Sequence[Problem | Mapping[str, Any]] | None) -> list[Problem]:
        place = {k: self.params[k] for k in _PLACE_KEYS if k in self.params}
        if place.get("file") is not None:
            place["file"] = str(place["file"])
        if given is None:
            rest = {k: v for k, v in self.params.items() if k not in _PLACE_KEYS}
            return [Problem(self.code, params=rest, detail=self.message, **place)]
        self.params["problems"] = list(given)
        out = []
        for q in given:
            if isinstance(q, Problem):
                out.append(q if q.file or not place.get("file") else replace(q, file=place["file"]))
            else:
                out.append(Problem.from_mapping(q, code=self.code, file=place.get("file")))
        return out

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


def add_problem(problems: list[Problem], code: str, detail: str, *, node: str | None = None, **params: Any) -> None:
    """Add one problem to a list being collected: a stable ``code`` with its ``params``, and the engine's
    English ``detail``."""
    problems.append(Problem(code, node=node, params=params, detail=detail))


def _jsonable(v: Any) -> Any:
    if isinstance(v, Problem):
        return {"code": v.code, **v.place(), **{k: _jsonable(x) for k, x in v.params.items()}}
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return str(v)
