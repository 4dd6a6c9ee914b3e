"""What every import page shares: the caps on an uploaded file (from settings), the Vietnamese
sentence for a file that cannot be read, and the cut of a long error list.

The readers themselves are Django-free (:mod:`chiso.io`, :mod:`chiso.lib.xlsx`,
:func:`chiso.frameworks.load_yaml`) and raise engine errors with a code and params; this module is
where the web turns those codes into sentences (through the one table of sentences, :mod:`chiso.lib.problems`, as the command line does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.engine.errors import EngineError
from chiso.io import MAX_ERRORS_SHOWN, Limits, first_errors
from chiso.lib import problems, xlsx
from chiso.lib.vn_format import format_mb

# Codes of a file that could not be read at all (as opposed to a cell or a row that is wrong).
# the codes a page shows as "not a readable Excel or CSV file"
UNREADABLE = {"bad_xlsx", "bad_file_type"}
FILE_CODES = {
    "bad_xlsx", "bad_csv", "bad_encoding", "bad_file_type", "file_too_large", "xlsx_compression", "too_many_rows", "too_many_cells",
    "field_too_large", "no_header_sheet", "yaml_syntax", "yaml_too_deep", "framework_field",
}


NO_FILE = gettext_noop("Chưa chọn tệp.")


def empty_file_message(name: str | None) -> str:
    """The sentence for a chosen file that holds nothing (0 bytes), naming it."""
    return _("Tệp “{name}” rỗng (0 byte): hãy chọn lại tệp có nội dung.").format(
        name=os.path.basename(name or "") or "?")


def upload_problem(upload) -> str | None:
    """What is wrong with an upload before anything reads it — no file chosen, or a chosen file that is
    empty — in the reader's language; ``None`` when there is a file with content. Every upload of the
    site says it in these words (forms through :class:`chiso.lib.forms.UploadField`)."""
    if upload is None:
        return _(NO_FILE)
    if not upload.size:
        return empty_file_message(upload.name)
    return None


def too_large_message(size: int, limit: int) -> str:
    """The sentence for an upload larger than ``limit`` bytes: both sizes in MB in the reader's format."""
    lang = problems.active_language()
    return _("Tệp quá lớn ({size} MB); tối đa {limit} MB.").format(
        size=format_mb(size, lang=lang), limit=format_mb(limit, lang=lang))


def limits() -> Limits:
    """The caps on an uploaded table, from settings (``IMPORT_MAX_UNCOMPRESSED_BYTES``,
    ``IMPORT_MAX_COMPRESSION_RATIO``, ``IMPORT_MAX_ROWS``, ``IMPORT_MAX_CELLS``)."""
    return Limits(
        max_bytes=getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024),
        max_ratio=getattr(settings, "IMPORT_MAX_COMPRESSION_RATIO", xlsx.MAX_COMPRESSION_RATIO),
        max_rows=getattr(settings, "IMPORT_MAX_ROWS", 20_000),
        max_cells=getattr(settings, "IMPORT_MAX_CELLS", 1_000_000),
    )


def xlsx_limits() -> dict:
    """:func:`limits` as the keyword arguments of :func:`chiso.lib.xlsx.read_rows`."""
    lim = limits()
    return {"max_bytes": lim.max_bytes, "max_ratio": lim.max_ratio, "max_rows": lim.max_rows,
            "max_cells": lim.max_cells}


def file_error_message(err: EngineError) -> str:
    """A sentence in the reader's language saying what is wrong with the file as a whole (the one table,
    :mod:`chiso.lib.problems`). On a page the file was uploaded as "Excel or CSV": a file of neither kind
    (or a broken workbook) reads as one unreadable file."""
    return problems.message(err if err.code in FILE_CODES - UNREADABLE else "file_unreadable")


@dataclass
class ErrorList:
    """The first :data:`~chiso.io.MAX_ERRORS_SHOWN` errors of a list, and how many more there are."""

    shown: list
    more: int
    total: int


def error_list(errors: list, limit: int = MAX_ERRORS_SHOWN) -> ErrorList:
    shown, more = first_errors(errors, limit)
    return ErrorList(shown=shown, more=more, total=len(errors))


class ListsErrors:
    """For a preview with an ``errors`` list: ``error_list``, what its page shows of them."""

    errors: list

    @property
    def error_list(self) -> ErrorList:
        return error_list(self.errors)
