"""The kinds of document the report job writes, and how each is made.

One job (``services.run_job``, queued on the task runner and run by its worker process) writes every document
of the project: the annual, quarterly and progress reports (registered here from
:mod:`.documents`) and the internal ranking's decision and scorecards (registered by the
``assessment`` app when it starts). A kind says how to gather its JSON snapshot from the database
and how to write a :class:`~.docgen.DocumentSpec` from that snapshot alone, so a job re-renders
exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chiso.docgen import DocumentSpec


@dataclass(frozen=True)
class DocumentKind:
    """``snapshot(params, day)`` gathers the data (raises ``services.ReportError`` with a Vietnamese
    sentence when there is nothing to write); ``build(snapshot, params)`` writes the document;
    ``title(params)`` names the job in lists; ``file_name(snapshot, params)`` gives the words of the
    downloaded files' name (``chiso.lib.filenames.file_stem`` makes it ASCII). ``agency(params)``:
    the agency that may read the job besides the department and the leadership (a unit's own
    scorecard), or None. ``xlsx``: whether the workbook of the document's tables is written. ``default_template``: the
    path of the shipped wording (a department's own, once put in use, replaces it)."""

    kind: str
    label: str
    snapshot: Callable[[dict, dt.date], dict[str, Any]]
    build: Callable[[dict, dict], DocumentSpec]
    title: Callable[[dict], str]
    file_name: Callable[[dict, dict], list]
    agency: Callable[[dict], int | None] = field(default=lambda params: None)
    xlsx: bool = True
    # the shipped wording (a text file, docs/reports.md "Mẫu văn bản"); "" = the builder's own order
    default_template: str = ""


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    _KINDS[kind.kind] = kind


def get(kind: str) -> DocumentKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"unknown document kind {kind!r}; known: {', '.join(sorted(_KINDS))}") from None


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())
