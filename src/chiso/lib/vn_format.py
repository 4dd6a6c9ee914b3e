"""Vietnamese number and date formatting: decimal comma, dot thousands, dd/mm/yyyy.

``format_number(1234.5)`` -> ``"1.234,5"``; ``parse_number("1.234,5")`` -> ``1234.5``.
English keeps the decimal point (``lang="en"``).  Dates are dd/mm/yyyy in both.
"""

from __future__ import annotations

import datetime as dt
import math
import re

_SEPARATORS = {"vi": (",", "."), "en": (".", ",")}


def format_number(value: float | int | None, places: int | None = None, *, lang: str = "vi", empty: str = "—") -> str:
    """Format a number for display; ``places=None`` keeps up to 4 significant decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return empty
    dec, thou = _SEPARATORS.get((lang or "vi")[:2], _SEPARATORS["vi"])
    if places is None:
        text = f"{float(value):,.4f}".rstrip("0").rstrip(".") if not isinstance(value, int) else f"{value:,}"
    else:
        text = f"{float(value):,.{places}f}"
    if text in ("-0", "-0.0") or re.fullmatch(r"-0\.0+", text):
        text = text[1:]
    return text.replace(",", "\0").replace(".", dec).replace("\0", thou)


def format_mb(n_bytes: float | int | None, *, lang: str = "vi") -> str:
    """A size in bytes as megabytes with one decimal, in the reader's number format:
    ``format_mb(12_582_912)`` -> ``"12,0"`` (``"12.0"`` in English); the caller writes the unit."""
    return format_number((n_bytes or 0) / 1024 / 1024, 1, lang=lang)


def parse_number(text: str) -> float:
    """Parse a number typed by a person: ``"0,71"``, ``"0.71"``, ``"1.234,5"``, ``"1 234"``, ``"85%"``.

    Raises ``ValueError`` when the text is not a number.
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if not s:
        raise ValueError("empty")
    if "," in s and "." in s:
        # The separator that comes last is the decimal one.
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        s = s.replace(",", ".") if s.count(",") == 1 else s.replace(",", "")
    elif s.count(".") > 1:
        s = s.replace(".", "")  # 1.234.567 (Vietnamese thousands)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", s):
        raise ValueError(f"not a number: {text!r}")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def format_date(value: dt.date | dt.datetime | None, *, empty: str = "—") -> str:
    if value is None:
        return empty
    return value.strftime("%d/%m/%Y")


def parse_date(text: str) -> dt.date:
    """Parse dd/mm/yyyy (also accepts dd-mm-yyyy and ISO yyyy-mm-dd)."""
    s = str(text).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date (dd/mm/yyyy): {text!r}")
