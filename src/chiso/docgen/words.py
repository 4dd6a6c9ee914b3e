"""Small rules of written Vietnamese shared by every document's builder."""

from __future__ import annotations

# The label of a document with demonstration figures: at its head and in every page's footer.
DEMO_NOTE = "DỮ LIỆU MINH HỌA — văn bản này có số liệu được tạo ra để minh họa, không phải số liệu thật."

SENTENCE_ENDS = (".", "!", "?", "…")


def end_sentence(text: str) -> str:
    """``text`` ended by one full stop: none added after its own end ("…không xếp hạng)." stays as it
    is), a trailing comma, semicolon or colon replaced."""
    t = str(text or "").rstrip().rstrip(",;:").rstrip()
    return t if not t or t.endswith(SENTENCE_ENDS) else t + "."


def clause(text: str) -> str:
    """A text set inside a sentence: without its own final stop (never "…xếp hạng).." )."""
    return str(text or "").strip().rstrip(" .;")
