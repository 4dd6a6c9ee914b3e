"""Names of downloaded files: Vietnamese words written in ASCII, each said once.

``file_stem("Báo cáo", "báo cáo phân tích", 2024)`` -> ``"bao-cao-phan-tich-2024"``: accents dropped
(đ/Đ become d/D, which Unicode decomposition alone would lose), anything else made a hyphen, a word
that repeats the one before it dropped, the result cut at a word boundary. Every download of the
project takes its name from here.
"""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 80


def ascii_words(text: str) -> list[str]:
    """The words of ``text`` in lower-case ASCII: "Một cửa điện tử" -> ["mot", "cua", "dien", "tu"]."""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return [w for w in re.split(r"[^a-z0-9]+", text) if w]


def file_stem(*parts, max_length: int = MAX_STEM, default: str = "tai-lieu") -> str:
    """A file name without extension from ``parts`` (texts or numbers; empty ones skipped).

    A run of words that repeats the run just before it is written once ("bao-cao-bao-cao-quy" ->
    "bao-cao-quy"), so joining a kind's name to a title that starts with it does not double it.
    """
    words: list[str] = []
    for part in parts:
        if part is None or part == "":
            continue
        for w in ascii_words(part):
            words.append(w)
            # drop a repeated run of 1-4 words ("bao cao bao cao" -> "bao cao"); numbers may repeat
            # (the 1st of January is "01-01")
            for n in range(1, 5):
                if (
                    len(words) >= 2 * n
                    and words[-n:] == words[-2 * n : -n]
                    and any(not x.isdigit() for x in words[-n:])
                ):
                    del words[-n:]
                    break
    out = ""
    for w in words:
        nxt = f"{out}-{w}" if out else w
        if len(nxt) > max_length:
            break
        out = nxt
    return out or default
