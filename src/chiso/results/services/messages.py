"""The engine's problems in the reader's language."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from chiso.engine.errors import EngineError
from chiso.lib import imports


def engine_message(err: EngineError) -> str:
    """A Vietnamese sentence for an engine error (the web layer translates codes, see STYLE §7)."""
    p = err.params
    if err.code == "unknown_unit":
        s = _("Không nhận ra đơn vị “{name}”.").format(name=p.get("name", ""))
        if p.get("suggestions"):
            s += " " + _("Có phải: {names}?").format(names=", ".join(p["suggestions"]))
        return s
    if err.code == "unit_not_valid":
        return _("Đơn vị “{name}” không còn hiệu lực vào ngày {date}.").format(
            name=p.get("name", ""), date=_vn_iso(p.get("as_of")))
    if err.code == "ambiguous_unit":
        return _("Tên “{name}” ứng với nhiều đơn vị; hãy ghi mã tỉnh.").format(name=p.get("name", ""))
    if err.code == "no_unit_column":
        return _("Cột đầu tiên phải là cột đơn vị (tiêu đề “unit” hoặc “tỉnh”).")
    if err.code == "empty_file":
        return _("Tệp không có dòng số liệu nào.")
    if err.code == "bad_file_type":
        return _("Không đọc được tệp: hãy lưu dưới dạng .xlsx hoặc CSV UTF-8.")
    if err.code in imports.FILE_CODES:
        return imports.file_error_message(err)
    if err.code == "bad_header":
        return _("Dòng tiêu đề có cột trống hoặc cột trùng tên.")
    if err.code == "missing_value":
        return _("Thiếu giá trị bắt buộc: {n} ô.").format(n=len(p.get("cells", [])) or 1)
    from chiso.messages import headline

    return headline(err.code, "vi")


def _vn_iso(s: str | None) -> str:
    try:
        return dt.date.fromisoformat(s).strftime("%d/%m/%Y") if s else ""
    except ValueError:
        return s or ""
