"""What every import page shares: the caps on an uploaded file (from settings), the Vietnamese
sentence for a file that cannot be read, and the cut of a long error list.

The readers themselves are Django-free (:mod:`chiso.io`, :mod:`chiso.lib.xlsx`,
:func:`chiso.frameworks.load_yaml`) and raise engine errors with a code and params; this module is
where the web turns those codes into sentences (the command line does it in :mod:`chiso.messages`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from chiso.engine.errors import EngineError
from chiso.io import MAX_ERRORS_SHOWN, Limits, first_errors
from chiso.lib import xlsx

# Codes of a file that could not be read at all (as opposed to a cell or a row that is wrong).
FILE_CODES = {
    "bad_xlsx", "bad_csv", "bad_encoding", "bad_file_type", "file_too_large", "xlsx_compression", "too_many_rows", "too_many_cells",
    "field_too_large", "yaml_syntax", "yaml_too_deep", "framework_field",
}


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
    """A Vietnamese sentence saying what is wrong with the file as a whole."""
    p = err.params
    code = err.code
    if code == "file_too_large":
        return _("Tệp quá lớn: khi giải nén được {size} MB, giới hạn là {limit} MB. Hãy chia thành nhiều tệp nhỏ hơn."
                 ).format(size=_mb(p.get("size")), limit=_mb(p.get("max_bytes")))
    if code == "xlsx_compression":
        return _("Tệp Excel nén bất thường: một phần của tệp giải nén ra gấp {ratio} lần (giới hạn {limit} lần), "
                 "không giống bảng số liệu thật. Hãy chia thành nhiều tệp nhỏ hơn.").format(
            ratio=p.get("ratio"), limit=p.get("max_ratio"))
    if code == "too_many_rows":
        return _("Tệp có hơn {n} dòng (giới hạn của một lần nhập). Hãy chia thành nhiều tệp, mỗi tệp tối đa {n} dòng."
                 ).format(n=p.get("max_rows"))
    if code == "too_many_cells":
        return _("Tệp có hơn {n} ô (giới hạn của một lần nhập). Hãy chia thành nhiều tệp nhỏ hơn.").format(
            n=p.get("max_cells"))
    if code == "field_too_large":
        return _("Dòng {row}: có ô dài hơn {n} ký tự; tệp không phải là bảng số liệu hợp lệ.").format(
            row=p.get("row"), n=p.get("limit"))
    if code == "bad_csv":
        return _("Dòng {row}: không đọc được tệp CSV.").format(row=p.get("row"))
    if code == "bad_encoding":
        return _("Tệp không đúng mã UTF-8: hãy lưu dưới dạng “CSV UTF-8” hoặc .xlsx.")
    if code == "yaml_syntax":
        where = (_("dòng {line}, cột {col}").format(line=p["line"], col=p["column"]) if p.get("line") else "?")
        return _("Nội dung YAML sai cú pháp ({where}): {problem}").format(where=where, problem=p.get("problem", ""))
    if code == "yaml_too_deep":
        return _("Nội dung YAML lồng nhau quá {n} cấp (dòng {line}); tệp không phải là bộ chỉ số hợp lệ.").format(
            n=p.get("max_depth"), line=p.get("line") or "?")
    if code == "framework_field":
        expected = {
            "edition": _("một năm (số nguyên, ví dụ 2025)"),
            "name": _("một chuỗi chữ hoặc bảng {vi: …, en: …}"),
            "id": _("một chuỗi chữ"),
        }.get(str(p.get("field")), "?")
        return _("Trường “{field}” phải là {expected}, nhưng tệp ghi {got}.").format(
            field=p.get("field"), expected=expected, got=p.get("got"))
    return _("Tệp không hợp lệ: không phải là tệp Excel (.xlsx) hay CSV đọc được.")


def _mb(n) -> str:
    return f"{(n or 0) / 1024 / 1024:.1f}".replace(".", ",")


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
