"""Outlier treatment: imputed raw values -> treated values, before scoring.

The rule is COINr's default (``Treat()`` with ``winsorise``, ``check_SkewKurt``
and ``log_CT``), re-written here from its published description:

1. an indicator *passes* when ``|skew| < skew`` **or** ``kurtosis < kurtosis``
   (sample skewness and excess kurtosis of type 2, as Excel and e1071 define them);
2. if it fails, the most extreme value on the side the skew points to (the
   highest for skew >= 0, the lowest otherwise) is set to the next value in;
   the check is made again after each step, until it passes or ``winmax``
   points have been winsorised (points tied at the extreme move together and
   all count);
3. if it still fails, the *fallback* is applied to the **original** values:
   ``log`` is COINr's ``log_CT``, ``log(x - min + 0.01 (max - min))``, or
   ``none`` keeps the winsorised values.

``rule: log`` skips step 2: a failing indicator is log-transformed at once.

NaN (missing) is ignored and stays NaN.  Degenerate columns are left as they
are (``treat_column`` returns no report): fewer than 4 values (skewness needs 3,
kurtosis 4), or all values equal (skewness undefined).  If winsorising makes a
column constant, the constant column is kept (it has no outlier left); COINr
would give back the untreated column with a warning in that case.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .errors import FrameworkError, Problem
from .errors import add_problem as _problem

__all__ = ["TREAT_RULES", "Treatment", "log_ct", "skew_kurtosis", "treat_column", "treat_matrix"]

TREAT_RULES = ("winsorise", "log")
FALLBACKS = ("log", "none")
_KEYS = ("rule", "winmax", "skew", "kurtosis", "fallback")
#: Fewer values than this and kurtosis is undefined: the column is not treated.
MIN_VALUES = 4


@dataclass(frozen=True)
class Treatment:
    """How one indicator's outliers are treated (defaults are COINr's).

    Attributes
    ----------
    rule : str
        ``winsorise`` (then the fallback if still failing) or ``log`` (log_CT when failing).
    winmax : int or None
        Most points to winsorise (None: no limit).
    skew, kurtosis : float
        Thresholds: the indicator passes when ``|skew| < skew`` or ``kurtosis < kurtosis``.
    fallback : str
        ``log`` (log_CT on the original values) or ``none``.
    """

    rule: str = "winsorise"
    winmax: int | None = 5
    skew: float = 2.0
    kurtosis: float = 3.5
    fallback: str = "log"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, spec: Any, *, where: str = "treatment", node: str | None = None) -> Treatment | None:
        """A treatment from a framework's ``treatment:`` value; ``None`` for ``none`` (no treatment).

        Accepts ``none``, a rule name (``winsorise``, ``log``) or a mapping with the keys
        ``rule, winmax, skew, kurtosis, fallback`` (any other key is refused, named).

        Raises
        ------
        FrameworkError
            Listing every problem (``framework.bad_treatment``, ``framework.treatment_unknown_key``).
        """
        if spec is None or isinstance(spec, Treatment):
            return spec
        if isinstance(spec, str):
            if spec.strip().lower() == "none":
                return None
            spec = {"rule": spec}
        problems: list[Problem] = []
        if not isinstance(spec, dict):
            _problem(problems, "framework.bad_treatment", f"{where}: treatment must be none, a rule name or a "
                     f"mapping, got {spec!r}", node=node, at=node or "treatment", key="treatment", got=repr(spec)[:80])
        else:
            _check_spec(spec, where, node, problems)
        if problems:
            raise FrameworkError(f"{where}: " + "; ".join(map(str, problems)), code="framework_invalid",
                                 problems=problems)
        d = {**cls().as_dict(), **spec}  # type: ignore[dict-item]
        winmax = None if d["winmax"] is None else int(d["winmax"])
        return cls(rule=d["rule"], winmax=winmax, skew=float(d["skew"]), kurtosis=float(d["kurtosis"]),
                   fallback=str(d["fallback"]))


def _check_spec(spec: dict[str, Any], where: str, node: str | None, problems: list[Problem]) -> None:
    """Every problem of a treatment mapping: unknown keys, unknown rule/fallback, bad numbers."""
    for key in sorted(set(spec) - set(_KEYS), key=str):
        _problem(problems, "framework.treatment_unknown_key", f"{where}: treatment has no parameter {key!r} "
                 f"(expected {', '.join(_KEYS)})", node=node, at=node or "treatment", key=str(key),
                 expected=", ".join(_KEYS))
    choices = {"rule": TREAT_RULES, "fallback": FALLBACKS}
    for key, allowed in choices.items():
        if key in spec and spec[key] not in allowed:
            _bad(problems, where, node, key, spec[key], " | ".join(allowed))
    winmax = spec.get("winmax", 5)
    if winmax is not None and (isinstance(winmax, bool) or not isinstance(winmax, int) or winmax < 1):
        _bad(problems, where, node, "winmax", winmax, "an integer >= 1")
    for key in ("skew", "kurtosis"):
        v = spec.get(key, 1.0)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            _bad(problems, where, node, key, v, "a number > 0")


def _bad(problems: list[Problem], where: str, node: str | None, key: str, got: Any, expected: str) -> None:
    _problem(problems, "framework.bad_treatment", f"{where}: treatment {key} must be {expected}, got {got!r}",
             node=node, at=node or "treatment", key=key, got=repr(got)[:80], expected=expected)


# --- the statistics ---------------------------------------------------------------


def skew_kurtosis(x: np.ndarray) -> tuple[float, float]:
    """Sample skewness and excess kurtosis (type 2: Excel's SKEW and KURT) of the non-NaN values.

    NaN where undefined: fewer than 3 values (skewness), 4 (kurtosis), or no spread.

    Examples
    --------
    >>> s, k = skew_kurtosis(np.array([1.0, 2.0, 3.0, 10.0]))
    >>> round(s, 6), round(k, 6)
    (1.763633, 3.228)
    """
    v = x[~np.isnan(x)]
    n = v.size
    if n < 3:
        return math.nan, math.nan
    d = v - v.mean()
    m2 = float(np.dot(d, d))
    if m2 <= 0.0:
        return math.nan, math.nan
    d2 = d * d
    m3 = float(np.dot(d2, d))
    g1 = math.sqrt(n) * m3 / m2**1.5
    skew = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    if n < 4:
        return skew, math.nan
    r = n * float(np.dot(d2, d2)) / (m2 * m2)
    kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


def _passes(sk: float, kt: float, t: Treatment) -> bool:
    return abs(sk) < t.skew or kt < t.kurtosis


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``: ``log(x - min + 0.01 (max - min))`` over the non-NaN values (NaN stays NaN).

    Defined for any real values (it shifts them first); the minimum maps to ``log(0.01 (max - min))``.
    """
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def _winsorise(x: np.ndarray, t: Treatment, sk: float, kt: float) -> tuple[np.ndarray, list[int], list[int], int]:
    """Winsorise ``x`` (a copy) until the check passes or ``winmax`` points moved; the values, the rows
    last moved high and low, and the number of points winsorised (COINr's count)."""
    x = x.copy()
    high: np.ndarray = np.empty(0, dtype=int)
    low: np.ndarray = np.empty(0, dtype=int)
    nwin = 0
    while not _passes(sk, kt, t) and (t.winmax is None or nwin < t.winmax):
        if sk >= 0:
            top = np.nanmax(x)
            high = np.flatnonzero(x == top)
            x[high] = np.nanmax(np.where(x == top, np.nan, x))
        else:
            bottom = np.nanmin(x)
            low = np.flatnonzero(x == bottom)
            x[low] = np.nanmin(np.where(x == bottom, np.nan, x))
        nwin = high.size + low.size
        sk, kt = skew_kurtosis(x)
        if math.isnan(sk):  # winsorised to a constant: no outlier left
            break
    return x, high.tolist(), low.tolist(), nwin


def treat_column(x: np.ndarray, t: Treatment | None) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Treat one indicator's values (shape ``(n_units,)``) by ``t``; NaN ignored.

    Returns
    -------
    values : ndarray
        The treated values (``x`` itself when nothing was done).
    report : dict or None
        None when nothing was done (no treatment, the check passed, or a degenerate column);
        otherwise ``method`` (``winsorise`` or ``log``), ``points`` (number winsorised, COINr's
        count), ``high``/``low`` (rows winsorised down/up), ``skew_before``/``kurtosis_before``,
        ``skew``/``kurtosis`` of the values returned and ``passed`` (whether they pass the check).

    Examples
    --------
    >>> v, rep = treat_column(np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]), Treatment())
    >>> rep["method"], rep["points"], rep["high"]
    ('winsorise', 1, [11])
    >>> v[-3:].tolist()
    [10.0, 30.0, 30.0]
    """
    if t is None or np.count_nonzero(~np.isnan(x)) < MIN_VALUES:
        return x, None
    sk0, kt0 = skew_kurtosis(x)
    if math.isnan(sk0) or _passes(sk0, kt0, t):
        return x, None
    out, high, low, nwin = (x, [], [], 0) if t.rule == "log" else _winsorise(x, t, sk0, kt0)
    sk, kt = skew_kurtosis(out)
    method = "winsorise"
    if t.rule == "log" or (not math.isnan(sk) and not _passes(sk, kt, t) and t.fallback == "log"):
        out, method = log_ct(x), "log"
        sk, kt = skew_kurtosis(out)
    return out, {
        "method": method, "points": nwin if method == "winsorise" else 0, "tried_points": nwin,
        "high": high if method == "winsorise" else [], "low": low if method == "winsorise" else [],
        "skew_before": sk0, "kurtosis_before": kt0, "skew": _num(sk), "kurtosis": _num(kt),
        "passed": math.isnan(sk) or _passes(sk, kt, t),
    }


def _num(v: float) -> float | None:
    return None if math.isnan(v) else float(v)


def treat_matrix(
    x: np.ndarray, treatments: Sequence[Treatment | None]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Treat each column ``j`` of ``x`` (n_units, k) by ``treatments[j]`` (None: untouched).

    Returns the treated matrix (``x`` itself, not a copy, when no column was changed) and one
    report per changed column: :func:`treat_column`'s dict plus ``column`` (its index).
    """
    out = x
    reports: list[dict[str, Any]] = []
    for j, t in enumerate(treatments):
        if t is None:
            continue
        col, rep = treat_column(x[:, j], t)
        if rep is None:
            continue
        if out is x:
            out = x.copy()
        out[:, j] = col
        reports.append({"column": j, **rep})
    return out, reports
