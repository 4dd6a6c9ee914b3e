"""The engine's words in the reader's language: scoring rules, aggregation methods and ranks.

A framework names its rules and methods by code (``ratio_capped``, ``points_ratio``); a page never
prints the code but :func:`rule_name` / :func:`method_name` (the template filters of the same names).
A rank is a whole number, a tie or an estimated span: :func:`rank_text` writes all three the one way
(``2``, ``2–5``, ``từ 8 trở xuống``), never ``2–2``, ``8–?`` or ``40,0``.
Plain (Vietnamese, English) pairs like :mod:`chiso.lib.problems`, so the command line can use them too.
"""

from __future__ import annotations

import math

#: Scoring rules (``chiso.engine.framework.SCORING_RULES``): (Vietnamese, English).
RULES: dict[str, tuple[str, str]] = {
    "given": ("điểm cho sẵn", "given score"),
    "minmax": ("chuẩn hóa min–max", "min–max normalisation"),
    "ratio_to_max": ("tỷ lệ so với giá trị lớn nhất", "ratio to the highest value"),
    "goalposts": ("chuẩn hóa theo mốc", "goalposts"),
    "zscore": ("điểm chuẩn (z)", "z-score"),
    "percentile": ("thứ hạng phần trăm", "percentile rank"),
    "threshold": ("chấm theo ngưỡng", "threshold steps"),
    "ratio_capped": ("tỷ lệ so với mục tiêu (tối đa 100%)", "ratio to the target (at most 100%)"),
    "yes_no": ("có/không", "yes/no"),
    "partial": ("chấm theo mức độ", "partial credit by level"),
}
#: Aggregation methods (``chiso.engine.framework.AGG_METHODS``): (Vietnamese, English).
METHODS: dict[str, tuple[str, str]] = {
    "weighted_mean": ("trung bình có trọng số", "weighted mean"),
    "weighted_sum": ("tổng có trọng số", "weighted sum"),
    "points_ratio": ("tỷ lệ điểm đạt trên điểm tối đa", "points as a share of the maximum"),
    "points_sum": ("tổng điểm", "sum of points"),
    "geometric": ("trung bình nhân", "geometric mean"),
    "harmonic": ("trung bình điều hòa", "harmonic mean"),
}

#: The kinds of value an internal framework's indicator asks for (``chiso.engine.points.VALUE_KINDS``).
VALUE_KINDS: dict[str, tuple[str, str]] = {
    "count": ("số đếm", "count"),
    "number": ("số", "number"),
    "percent": ("tỷ lệ phần trăm", "percentage"),
    "ratio": ("tỷ lệ hai số", "ratio of two numbers"),
    "yes_no": ("có/không", "yes/no"),
    "level": ("mức độ", "level"),
}


def _pick(table: dict[str, tuple[str, str]], code: str | None, lang: str) -> str:
    if not code:
        return ""
    pair = table.get(code)
    if pair is None:
        return code  # a code the table does not know yet is printed as is (a test keeps the table complete)
    return pair[1] if (lang or "vi")[:2] == "en" else pair[0]


def rule_name(rule: str | None, lang: str = "vi") -> str:
    """A scoring rule's name: ``rule_name("ratio_capped")`` -> ``"tỷ lệ so với mục tiêu (tối đa 100%)"``."""
    return _pick(RULES, rule, lang)


def method_name(method: str | None, lang: str = "vi") -> str:
    """An aggregation method's name: ``method_name("points_ratio", "en")`` -> ``"points as a share of the maximum"``."""
    return _pick(METHODS, method, lang)


def value_kind_name(kind: str | None, lang: str = "vi") -> str:
    """The kind of value an indicator asks for: ``value_kind_name("percent")`` -> ``"tỷ lệ phần trăm"``."""
    return _pick(VALUE_KINDS, kind, lang)


def _whole(x: float | int | str | None) -> int | None:
    if x is None or x == "":
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f) or f <= 0:
        return None
    return int(round(f))


def rank_text(rank=None, low=None, high=None, *, lang: str = "vi") -> str:
    """A rank as a reader reads it, ``""`` when none is known.

    ``rank_text(2)`` -> ``"2"``; ``rank_text(40.0)`` -> ``"40"``; ``rank_text(None, 2, 2)`` -> ``"2"``;
    ``rank_text(None, 2, 5)`` -> ``"2–5"``; ``rank_text(None, 8, None)`` -> ``"từ 8 trở xuống"``
    (``"8 or lower"``): the published provinces above are known, none below.
    """
    whole = _whole(rank)
    if whole is not None:
        return str(whole)
    lo, hi = _whole(low), _whole(high)
    if lo is not None and hi is not None:
        lo, hi = min(lo, hi), max(lo, hi)
        return str(lo) if lo == hi else f"{lo}–{hi}"
    if lo is not None:
        return f"{lo} or lower" if (lang or "vi")[:2] == "en" else f"từ {lo} trở xuống"
    if hi is not None:
        return f"{hi} or higher" if (lang or "vi")[:2] == "en" else f"từ {hi} trở lên"
    return ""


def range_text(lo: float | None, hi: float | None, *, lang: str = "vi") -> str:
    """The values an indicator takes, in words: ``"từ 0 đến 100"``, ``"từ 0 trở lên"``, ``"tối đa 1"``
    (English ``"from 0 to 100"``, ``"at least 0"``, ``"at most 1"``); ``""`` when both ends are open."""
    from .vn_format import format_number

    en = (lang or "vi")[:2] == "en"

    def num(x: float) -> str:
        return format_number(x, lang="en" if en else "vi")

    if lo is not None and hi is not None:
        return f"from {num(lo)} to {num(hi)}" if en else f"từ {num(lo)} đến {num(hi)}"
    if lo is not None:
        return f"at least {num(lo)}" if en else f"từ {num(lo)} trở lên"
    if hi is not None:
        return f"at most {num(hi)}" if en else f"tối đa {num(hi)}"
    return ""
