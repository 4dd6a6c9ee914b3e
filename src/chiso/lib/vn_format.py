"""Vietnamese number and date formatting: decimal comma, dot thousands, dd/mm/yyyy.

``format_number(1234.5)`` -> ``"1.234,5"``; ``parse_number("1.234,5")`` -> ``1234.5``.
English keeps the decimal point (``lang="en"``).  Dates are dd/mm/yyyy in both.

What a person types on a page is read in the page's language (``parse_number(text, lang=...)``)
and what goes back into an input box is written in it (:func:`input_number`): an English page
shows and reads ``327.25`` and ``1,234.5``, a Vietnamese one ``327,25`` and ``1.234,5``.  A mark
that cannot be the language's (``88,9`` on an English page) is refused with
:class:`DecimalMarkError`, never read as another number.
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


def input_number(value: float | int | None, *, lang: str = "vi") -> str:
    """A number as it goes back into an input box: the language's decimal mark, no thousands marks
    (``input_number(1234.5)`` -> ``"1234,5"``, ``lang="en"`` -> ``"1234.5"``); ``""`` for none."""
    dec, thou = _SEPARATORS.get((lang or "vi")[:2], _SEPARATORS["vi"])
    return format_number(value, lang=lang, empty="").replace(thou, "")


class DecimalMarkError(ValueError):
    """A number typed with the other language's decimal mark (``"88,9"`` on an English page): refused,
    as it cannot be read the language's way. :meth:`message` says so in the reader's language."""

    _MESSAGES = {
        "vi": ("“{text}”: dùng dấu phẩy cho phần thập phân (dấu chấm tách hàng nghìn), ví dụ 1.234,5.",
               "“{text}”: use a comma for decimals (a dot separates thousands), e.g. 1.234,5."),
        "en": ("“{text}”: dùng dấu chấm cho phần thập phân (dấu phẩy tách hàng nghìn), ví dụ 1,234.5.",
               "“{text}”: use a dot for decimals (a comma separates thousands), e.g. 1,234.5."),
    }  # fmt: skip

    def __init__(self, text: str, lang: str) -> None:
        self.text, self.lang = str(text)[:40], lang
        super().__init__(self.message("vi"))

    def message(self, reader: str = "vi") -> str:
        """The refusal in the reader's language (the page's language is the one the number was typed in)."""
        vi, en = self._MESSAGES[self.lang]
        return (en if (reader or "vi")[:2] == "en" else vi).format(text=self.text)


_GROUPED = r"\d{1,3}(?:%s\d{3})+"


def _strict(s: str, text: str, lang: str) -> str:
    """``s`` (spaces and % removed) written the ``lang`` way, in Python's form; DecimalMarkError if a
    mark cannot be the language's."""
    dec, thou = _SEPARATORS[lang]
    sign = s[0] if s[:1] in "+-" else ""
    body = s[len(sign):]
    whole, _sep, frac = body.partition(dec) if dec in body else (body, "", "")
    if dec in frac:
        raise DecimalMarkError(text, lang)  # two decimal marks
    if thou in frac:
        raise DecimalMarkError(text, lang)  # "1.234,5" on an English page
    if thou in whole:
        if not re.fullmatch(_GROUPED % re.escape(thou), whole):
            if lang == "vi" and not frac and whole.count(thou) == 1:
                return sign + whole  # "88.9" on a Vietnamese page: a dot before 1, 2 or 4+ digits is a decimal point
            raise DecimalMarkError(text, lang)  # "88,9" on an English page
        whole = whole.replace(thou, "")
    return sign + whole + ("." + frac if _sep else "")


def parse_number(text: str, lang: str | None = None) -> float:
    """Parse a number typed by a person: ``"0,71"``, ``"0.71"``, ``"1.234,5"``, ``"1 234"``, ``"85%"``.

    Without ``lang`` (a file, the command line, the API) the last of two marks is the decimal one and a
    lone comma is a decimal comma. With ``lang`` (a page: the reader's language) the number is read the
    language's way — ``"1.234"`` is 1234 in Vietnamese, ``"1,234"`` 1234 in English — and a mark that
    cannot be the language's raises :class:`DecimalMarkError` (``"88,9"`` in English).

    >>> parse_number("1,234.5", "en"), parse_number("1.234,5", "vi"), parse_number("1.234", "vi")
    (1234.5, 1234.5, 1234.0)

    Raises ``ValueError`` when the text is not a number.
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if not s:
        raise ValueError("empty")
    if lang is not None and (lang or "vi")[:2] in _SEPARATORS:
        s = _strict(s, text, (lang or "vi")[:2])
    elif "," in s and "." in s:
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
